import { describe, expect, it } from 'vitest';
import { pinnedCommit, pinnedHeadRefusal } from '../../../src/gate/rules/pinned-head.js';

const HEAD = '0123456789abcdef0123456789abcdef01234567';

describe('/proceed <sha>', () => {
  it.each([
    ['', undefined],
    ['with care', undefined],
    ['012345', undefined],
    ['0123456', '0123456'],
    ['0123456789ABCDEF please', '0123456789abcdef'],
    [HEAD, HEAD],
    [`${HEAD}0`, undefined],
  ])('the arguments %j name %j', (args, pin) => {
    expect(pinnedCommit(args)).toBe(pin);
  });

  it.each([
    [undefined, false],
    ['0123456', false],
    [HEAD, false],
    ['fedcba9', true],
  ])('pinned to %j, the command is refused: %s', (pin, refused) => {
    const why = pinnedHeadRefusal(pin, HEAD);
    expect(!!why).toBe(refused);
    if (why) expect(why).toMatch(/names commit `fedcba9`, but the head is now `0123456`/);
  });
});

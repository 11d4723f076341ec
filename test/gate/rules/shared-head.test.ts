import { describe, expect, it } from 'vitest';
import { sharedHeadRefusal } from '../../../src/gate/rules/shared-head.js';

const HEAD = 'abcdef0'.padEnd(40, '0');
const no = (reason: string) => ({ allowed: false as const, reason, whoMay: 'carol' });

describe('one head, several pull requests', () => {
  it.each([
    ['no other pull request', [], undefined],
    ['another that allows the approver', [{ number: 8, decision: { allowed: true as const } }], undefined],
    [
      'another that refuses',
      [{ number: 8, decision: no('`alice` is not listed.') }],
      /also the head of #8, .*`alice` is not listed\. Who may there: carol\./,
    ],
    [
      'two that refuse',
      [
        { number: 8, decision: no('a') },
        { number: 9, decision: no('b') },
      ],
      /#8 \(and 1 more\)/,
    ],
  ])('%s', (_what, others, refusal) => {
    const why = sharedHeadRefusal(HEAD, others);
    if (refusal) expect(why).toMatch(refusal);
    else expect(why).toBeUndefined();
  });
});

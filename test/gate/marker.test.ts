import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, MARKER_BUDGET } from '../../src/gate/marker.js';
import type { StoredState } from '../../src/gate/state.js';

const sha = (c: string) => c.repeat(40);

function state(over: Partial<StoredState> = {}): StoredState {
  return {
    v: 1,
    state: 'approved',
    planPath: 'deploy/release.plan.yml',
    planBlob: sha('a'),
    planHash: 'f'.repeat(64),
    headSha: sha('1'),
    confirmed: [],
    handled: [],
    ...over,
  };
}

describe('the state marker', () => {
  it('round-trips the state through the review body', () => {
    const s = state({
      approval: {
        by: 'bob',
        via: 'comment',
        at: '2026-01-01T00:00:00.000Z',
        headSha: sha('1'),
        planBlob: sha('a'),
        planHash: 'f'.repeat(64),
      },
    });
    expect(decodeState(`## Plan\n\nbody${encodeState(s)}`)).toEqual(s);
  });

  it('is read only at the very end of the body', () => {
    const marker = encodeState(state());
    expect(decodeState(`${marker}\n\nmore text after it`)).toBeUndefined();
  });

  it('ignores a marker that does not decode to a valid state', () => {
    expect(decodeState('<!-- proceed:state eyJ2IjoyfQ== -->')).toBeUndefined();
    expect(decodeState('<!-- proceed:state !!notbase64 -->')).toBeUndefined();
    expect(
      decodeState(`<!-- proceed:state ${Buffer.from('{"v":1,').toString('base64')} -->`),
    ).toBeUndefined();
  });

  it('stays within its budget for the largest state a plan can have, dropping the oldest handled ids first', () => {
    const big = state({
      planPath: `${'deeply/nested/'.repeat(30)}release.plan.yml`,
      reason: 'x'.repeat(300),
      next: 's'.repeat(63),
      pausedAt: '2026-01-01T00:00:00.000Z',
      confirmed: Array.from({ length: 5 }, (_, i) => `checkpoint-${i}`),
      handled: Array.from({ length: 20 }, (_, i) => 4_000_000_000 + i),
      approval: {
        by: 'a'.repeat(39),
        via: 'button',
        at: '2026-01-01T00:00:00.000Z',
        headSha: sha('1'),
        planBlob: sha('a'),
        planHash: 'f'.repeat(64),
      },
    });
    const marker = encodeState(big);
    expect(marker.length).toBeLessThanOrEqual(MARKER_BUDGET);
    const back = decodeState(marker)!;
    expect(back.handled.at(-1)).toBe(4_000_000_019);
    expect(back.handled.length).toBeLessThan(20);
    expect(back.approval?.by).toBe('a'.repeat(39));
  });
});

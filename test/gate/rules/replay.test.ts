import { describe, expect, it } from 'vitest';
import {
  judgeReplay,
  keepWatermarks,
  markHandled,
  overtakenWhileWaiting,
  stampStateChange,
} from '../../../src/gate/rules/replay.js';
import type { StoredState } from '../../../src/gate/state.js';

const base: StoredState = {
  v: 1,
  state: 'paused',
  planPath: 'p.plan.yml',
  planBlob: 'b',
  planHash: 'h',
  headSha: 'a'.repeat(40),
  confirmed: [],
  handled: [],
  lastComment: 100,
  lastReview: 50,
  changedAt: '2026-01-01T10:00:00.500Z',
};

describe('judgeReplay: a command is acted on at most once, and never after a later state change', () => {
  it.each([
    ['no state yet', undefined, { kind: 'comment', id: 1 }, 'fresh'],
    ['the newest handled comment again', base, { kind: 'comment', id: 100 }, 'handled'],
    ['a comment still in the handled list', { ...base, handled: [7] }, { kind: 'comment', id: 7 }, 'handled'],
    ['an older comment that fell out of the list', base, { kind: 'comment', id: 99 }, 'stale'],
    ['a newer comment', base, { kind: 'comment', id: 101, createdAt: '2026-01-01T10:00:01Z' }, 'fresh'],
    [
      'a newer comment written before the state changed',
      base,
      { kind: 'comment', id: 101, createdAt: '2026-01-01T09:59:59Z' },
      'stale',
    ],
    [
      'a comment of the same second as the change',
      base,
      { kind: 'comment', id: 101, createdAt: '2026-01-01T10:00:00Z' },
      'fresh',
    ],
    ['the newest handled review again', base, { kind: 'review', id: 50 }, 'handled'],
    ['an older review', base, { kind: 'review', id: 49 }, 'stale'],
    ['a review id that only a comment reached', base, { kind: 'review', id: 60 }, 'fresh'],
  ] as const)('%s: %s', (_what, stored, origin, verdict) => {
    expect(judgeReplay(stored as StoredState | undefined, origin).kind).toBe(verdict);
  });

  it('says why a stale command is not acted on', () => {
    const v = judgeReplay(base, { kind: 'comment', id: 3 });
    expect(v).toMatchObject({
      kind: 'stale',
      reason: expect.stringMatching(/older than a command already acted on \(comment 100\)/),
    });
  });
});

describe('markHandled and stampStateChange', () => {
  it('moves the watermark on and never back', () => {
    expect(markHandled(base, { kind: 'comment', id: 120 })).toMatchObject({
      lastComment: 120,
      handled: [120],
    });
    expect(markHandled(base, { kind: 'review', id: 70 })).toMatchObject({ lastReview: 70, handled: [-70] });
    const written = stampStateChange({ ...base, lastComment: 90 }, base, '2026-01-01T11:00:00.000Z');
    expect(written.lastComment).toBe(100);
  });

  it('stamps the time only when the state changes', () => {
    expect(
      stampStateChange({ ...base, state: 'executing' }, base, '2026-01-01T11:00:00.000Z').changedAt,
    ).toBe('2026-01-01T11:00:00.000Z');
    expect(
      stampStateChange({ ...base, changedAt: undefined }, base, '2026-01-01T11:00:00.000Z').changedAt,
    ).toBe(base.changedAt);
  });
});

describe('keepWatermarks: a write never takes back what another writer marked as spent', () => {
  const later = '2026-01-01T12:00:00.000Z';
  it.each([
    ['nothing stored', { ...base, lastComment: 90 }, undefined, { lastComment: 90, lastReview: 50 }],
    ['stored is behind', { ...base, lastComment: 120 }, base, { lastComment: 120, lastReview: 50 }],
    [
      'stored is ahead (a racing writer)',
      { ...base, lastComment: 90 },
      { ...base, lastComment: 130 },
      { lastComment: 130 },
    ],
    ['the review watermark too', base, { ...base, lastReview: 80 }, { lastComment: 100, lastReview: 80 }],
    ['the later change time', base, { ...base, changedAt: later }, { changedAt: later }],
    ['a watermark only the stored state has', { ...base, lastReview: undefined }, base, { lastReview: 50 }],
  ] as const)('%s', (_name, next, current, expected) => {
    expect(keepWatermarks(next, current)).toMatchObject(expected);
  });

  it('keeps the writer’s lifecycle state and joins both lists of handled ids', () => {
    const merged = keepWatermarks(
      { ...base, state: 'executing', handled: [3, 5] },
      { ...base, state: 'cancelled', handled: [3, 4] },
    );
    expect(merged.state).toBe('executing');
    expect(merged.handled).toEqual([4, 3, 5]);
  });

  it('makes a command a racing writer acted on stale for the slower one’s state', () => {
    const slower = keepWatermarks(
      { ...base, lastComment: 110, handled: [110] },
      { ...base, lastComment: 120, handled: [120] },
    );
    expect(judgeReplay(slower, { kind: 'comment', id: 115 }).kind).toBe('stale');
    expect(judgeReplay(slower, { kind: 'comment', id: 120 }).kind).toBe('handled');
  });
});

describe('overtakenWhileWaiting: a command decided on one state does not run on another', () => {
  const later = '2026-01-01T10:05:00.000Z';
  it.each<[string, StoredState | undefined, StoredState | undefined, RegExp | undefined]>([
    ['nothing changed', base, { ...base }, undefined],
    ['only watermarks and handled ids moved', base, { ...base, lastComment: 120, handled: [120] }, undefined],
    [
      'cancelled meanwhile',
      base,
      { ...base, state: 'cancelled', changedAt: later },
      /became cancelled \(2026-01-01T10:05/,
    ],
    [
      'verified by another run',
      { ...base, state: 'approved' },
      { ...base, state: 'verified' },
      /became verified/,
    ],
    ['left and came back to the same state', base, { ...base, changedAt: later }, /became paused/],
    ['no review yet', undefined, base, undefined],
    ['review unreadable now', base, undefined, undefined],
  ])('%s', (_, decidedOn, current, expected) => {
    const reason = overtakenWhileWaiting(decidedOn, current);
    if (expected) expect(reason).toMatch(expected);
    else expect(reason).toBeUndefined();
  });
});

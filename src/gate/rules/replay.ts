/**
 * Replayed commands (issue 12, attack 4): a command is acted on at most once, ever, and never after
 * the plan's state changed since it was written. "Re-run jobs" on an old workflow run delivers the
 * original payload again; a window of remembered ids forgets, a watermark does not.
 */
import type { StoredState } from '../state.js';

/** Where a command came from: a comment (with when it was written) or an approving review. */
export interface CommandOrigin {
  kind: 'comment' | 'review';
  id: number;
  createdAt?: string;
}

export type ReplayVerdict =
  | { kind: 'fresh' }
  /** This very command was acted on already: a redelivery, nothing to say. */
  | { kind: 'handled' }
  /** Overtaken: a later command was acted on, or the state changed after it was written. */
  | { kind: 'stale'; reason: string };

export function judgeReplay(stored: StoredState | undefined, origin: CommandOrigin): ReplayVerdict {
  if (!stored) return { kind: 'fresh' };
  const what = origin.kind === 'comment' ? 'comment' : 'review';
  const handledId = origin.kind === 'comment' ? origin.id : -origin.id;
  const watermark = origin.kind === 'comment' ? stored.lastComment : stored.lastReview;
  if (stored.handled.includes(handledId) || origin.id === watermark) return { kind: 'handled' };
  if (watermark !== undefined && origin.id < watermark) {
    return {
      kind: 'stale',
      reason: `This ${what} is older than a command already acted on (${what} ${watermark}), so it is not acted on again. Comment again if it still holds.`,
    };
  }
  if (origin.createdAt && stored.changedAt && writtenBefore(origin.createdAt, stored.changedAt)) {
    return {
      kind: 'stale',
      reason: `This ${what} was written before the plan became ${stored.state.replace('-', ' ')} (${stored.changedAt}), so it was about another situation. Read the review, then comment again.`,
    };
  }
  return { kind: 'fresh' };
}

/** The state with `origin` acted on: its id remembered and the watermark moved on. */
export function markHandled(stored: StoredState, origin: CommandOrigin): StoredState {
  if (origin.kind === 'comment') {
    return {
      ...stored,
      handled: [...stored.handled, origin.id],
      lastComment: Math.max(origin.id, stored.lastComment ?? 0),
    };
  }
  return {
    ...stored,
    handled: [...stored.handled, -origin.id],
    lastReview: Math.max(origin.id, stored.lastReview ?? 0),
  };
}

/**
 * The state about to be written, with `changedAt` moved to `now` when the lifecycle state differs from
 * the one last written, and the watermarks never moving back.
 */
export function stampStateChange(
  next: StoredState,
  previous: StoredState | undefined,
  now: string,
): StoredState {
  if (!previous) return next;
  const lastComment = maxDefined(next.lastComment, previous.lastComment);
  const lastReview = maxDefined(next.lastReview, previous.lastReview);
  const changedAt = next.state !== previous.state ? now : latest(next.changedAt, previous.changedAt);
  return {
    ...next,
    ...(lastComment !== undefined ? { lastComment } : {}),
    ...(lastReview !== undefined ? { lastReview } : {}),
    ...(changedAt !== undefined ? { changedAt } : {}),
  };
}

/**
 * The state about to be written, kept at least as far on as what is stored now (`current`, re-read
 * just before the write): two jobs can load the state, act and write it back in any order, and the
 * slower one must not move the watermark, the handled ids or the time of the last change back to what
 * it had read. The lifecycle state itself is the writer's; only what marks commands as spent is merged.
 */
export function keepWatermarks(next: StoredState, current: StoredState | undefined): StoredState {
  if (!current) return next;
  const lastComment = maxDefined(next.lastComment, current.lastComment);
  const lastReview = maxDefined(next.lastReview, current.lastReview);
  const changedAt = latest(next.changedAt, current.changedAt);
  const handled = [...current.handled.filter((id) => !next.handled.includes(id)), ...next.handled];
  return {
    ...next,
    handled,
    ...(lastComment !== undefined ? { lastComment } : {}),
    ...(lastReview !== undefined ? { lastReview } : {}),
    ...(changedAt !== undefined ? { changedAt } : {}),
  };
}

/** GitHub's timestamps have whole seconds: compared at that resolution, a comment of the same second is not before. */
function writtenBefore(createdAt: string, changedAt: string): boolean {
  return Date.parse(createdAt) < Math.floor(Date.parse(changedAt) / 1000) * 1000;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Why a command that waited for the lock must not run: the state it was decided on (`decidedOn`, what
 * this job loaded or last wrote) is no longer the stored state (`current`, re-read once the lock is
 * held), because another job changed it meanwhile (a `/cancel`, another run that ended). Undefined
 * when nothing changed the lifecycle state; the watermarks and handled ids alone never count.
 */
export function overtakenWhileWaiting(
  decidedOn: StoredState | undefined,
  current: StoredState | undefined,
): string | undefined {
  if (!current || !decidedOn) return undefined;
  if (current.state === decidedOn.state && current.changedAt === decidedOn.changedAt) return undefined;
  const when = current.changedAt ? ` (${current.changedAt})` : '';
  return `While this command waited for the lock, the plan became ${current.state.replace('-', ' ')}${when}, so it was about another situation. Read the review, then comment again.`;
}

/**
 * Which lock holders are not believed (issue 12, attack 6). Anyone with `contents: write` can plant a
 * lock ref by hand; a holder the bot did not write, that cannot be checked, or that claims a time
 * still to come would block every `/proceed` until the pull request closes. Such a lock is stale and
 * taken over; a believable one is judged by its age, heartbeats and workflow run as before.
 */
import type { LockHolder } from './lock.js';
import type { GitCommitInfo } from './port.js';

export type CommitterIdentity = GitCommitInfo['committer'];

/** How far a holder's clock may run ahead of ours before its times count as invented. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Why the holder is not believed, or undefined when it is judged on its merits. `committers` are who
 * GitHub records as the committer of the lock commit and of a lock commit this process just made
 * through the same API with its own token: a lock commit made with anyone else's token (a person's,
 * another app's) was not written by the bot, whatever its message says.
 */
export function untrustedHolder(
  holder: LockHolder,
  now: Date,
  committers?: { lock: CommitterIdentity; ours: CommitterIdentity },
): string | undefined {
  if (holder.kind === 'unknown') return 'its commit message is not a lock proceed wrote';
  if (committers && !sameIdentity(committers.lock, committers.ours))
    return `its commit was made by ${committers.lock.name} <${committers.lock.email}>, not by ${committers.ours.name} as proceed's locks are`;
  const ahead = (time: string | undefined) =>
    time !== undefined && Date.parse(time) - now.getTime() > CLOCK_SKEW_MS;
  if (ahead(holder.at) || ahead(holder.beat))
    return `it claims a time still to come (${holder.beat ?? holder.at})`;
  if (holder.kind === 'workflow-run' && !/^\d+$/.test(holder.id))
    return `its workflow run "${holder.id}" is not a run id GitHub could vouch for`;
  return undefined;
}

function sameIdentity(a: CommitterIdentity, b: CommitterIdentity): boolean {
  return a.name.toLowerCase() === b.name.toLowerCase() && a.email.toLowerCase() === b.email.toLowerCase();
}

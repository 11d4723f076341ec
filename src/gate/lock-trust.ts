/**
 * Which lock holders are not believed (issue 12, attack 6). Anyone with `contents: write` can plant a
 * lock ref by hand; a holder the bot did not write, that cannot be checked, or that claims a time
 * still to come would block every `/proceed` until the pull request closes. Such a lock is stale and
 * taken over; a believable one is judged by its age, heartbeats and workflow run as before.
 */
import type { LockHolder } from './lock.js';

/** How far a holder's clock may run ahead of ours before its times count as invented. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Why the holder is not believed, or undefined when it is judged on its merits. */
export function untrustedHolder(holder: LockHolder, now: Date): string | undefined {
  if (holder.kind === 'unknown') return 'its commit message is not a lock proceed wrote';
  const ahead = (time: string | undefined) =>
    time !== undefined && Date.parse(time) - now.getTime() > CLOCK_SKEW_MS;
  if (ahead(holder.at) || ahead(holder.beat))
    return `it claims a time still to come (${holder.beat ?? holder.at})`;
  if (holder.kind === 'workflow-run' && !/^\d+$/.test(holder.id))
    return `its workflow run "${holder.id}" is not a run id GitHub could vouch for`;
  return undefined;
}

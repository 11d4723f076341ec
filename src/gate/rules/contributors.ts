/**
 * Who counts as an author for `self_approval: false` (issue 12, attack 5): not only the person who
 * opened the pull request, but anyone who authored, committed or pushed one of its commits, as
 * GitHub's "require approval of the most recent reviewable push" has it. A collaborator who pushes a
 * step onto someone else's pull request cannot then approve it themselves.
 */
import { codeSpan } from '../../render/markdown.js';
import type { PullRequestCommit } from '../port.js';
import type { StoredState } from '../state.js';

export interface Contribution {
  login: string;
  how: 'authored' | 'committed' | 'pushed';
  commit: string;
}

/** How many pushers the state keeps: the newest, which is the one GitHub's own rule looks at, among them. */
export const PUSHERS_KEPT = 20;

/** Everyone who wrote or brought a commit into the pull request, newest commit first. */
export function contributionsOf(
  commits: PullRequestCommit[],
  pushers: StoredState['pushers'] = [],
): Contribution[] {
  const found: Contribution[] = [];
  for (const p of [...pushers].reverse()) found.push({ login: p.login, how: 'pushed', commit: p.sha });
  for (const c of [...commits].reverse()) {
    if (c.author) found.push({ login: c.author, how: 'authored', commit: c.sha });
    if (c.committer && c.committer !== c.author)
      found.push({ login: c.committer, how: 'committed', commit: c.sha });
  }
  return found;
}

/** The state with `login` remembered as the pusher of `sha` (the sender of its `synchronize` event). */
export function withPusher(stored: StoredState, login: string, sha: string): StoredState {
  const others = (stored.pushers ?? []).filter((p) => p.sha !== sha);
  return { ...stored, pushers: [...others, { login, sha }].slice(-PUSHERS_KEPT) };
}

/** Why `login` may not approve their own work, naming the commit; undefined when they did not contribute. */
export function contributorRefusal(login: string, contributions: Contribution[]): string | undefined {
  const mine = contributions.find((c) => c.login.toLowerCase() === login.toLowerCase());
  if (!mine) return undefined;
  // GitHub's bot accounts (web-flow, github-actions) commit for people; only people count here.
  return (
    `${codeSpan(login)} ${mine.how} commit ${codeSpan(mine.commit.slice(0, 7))} of this pull request, so counts as one of its authors, ` +
    'and this repository does not let authors approve or run their own plan (`self_approval: false`); someone else has to.'
  );
}

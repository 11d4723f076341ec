/**
 * One head commit, several pull requests (issue 12, attack 1). Check runs belong to a commit, so a
 * `proceed/verify` success earned on one pull request makes every open pull request with that head
 * mergeable. An execution is therefore allowed only when the approver satisfies the policy of every
 * open pull request with that head, and a pull request whose head was verified elsewhere starts with
 * a gate of its own.
 */
import { codeSpan } from '../../render/markdown.js';
import type { Decision } from '../authorize.js';

/** What the policy of another open pull request with the same head says about this approver. */
export interface OtherPullRequest {
  number: number;
  decision: Decision;
}

/** Why the execution may not start because another pull request's policy refuses the approver. */
export function sharedHeadRefusal(headSha: string, others: OtherPullRequest[]): string | undefined {
  const refused = others.filter(
    (o): o is { number: number; decision: Extract<Decision, { allowed: false }> } => !o.decision.allowed,
  );
  const first = refused[0];
  if (!first) return undefined;
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
  return (
    `Commit ${codeSpan(headSha.slice(0, 7))} is also the head of #${first.number}${more}, and its \`proceed/verify\` ` +
    `counts there too, so the approver must satisfy that pull request's policy as well. There: ${first.decision.reason} ` +
    `Who may there: ${first.decision.whoMay}.`
  );
}

/** The review's notice on a pull request whose head already passed `proceed/verify` for another one. */
export function verifiedElsewhereNotice(headSha: string): string {
  return (
    `Commit ${codeSpan(headSha.slice(0, 7))} was verified for another pull request; this one has a gate of its own, ` +
    "pending until someone this repository's policy allows for it approves (the steps that succeeded are not run again)."
  );
}

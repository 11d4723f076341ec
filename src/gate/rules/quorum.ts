/**
 * Approvals as a quorum (issue 15): `approvers.count` distinct allowed people approving the same head
 * and plan, within `approval_ttl`, with a code owner among them when `approvers.codeowners` asks. Each
 * approval is recorded in the bot's state (who, when, through which door, on which commit) only after
 * `authorize` allowed its author, so every recorded approval is an allowed person's. Pure: the time
 * comes in, and the code owners of the paths were read by `loadView`.
 */
import { parseDuration } from '../../plan/duration.js';
import { codeSpan } from '../../render/markdown.js';
import type { Door } from '../authorize.js';
import { POLICY_FILE, type CodeownersMode, type Policy } from '../policy.js';
import type { ApprovalEntry, StoredState } from '../state.js';
import { CODEOWNERS_LOCATIONS, isOwner, ownerWords } from './codeowners.js';

/** The code owners `loadView` found for the paths that need one (`approvers.codeowners`). */
export interface CodeOwnersView {
  mode: CodeownersMode;
  /** The CODEOWNERS file used, undefined when the base branch has none. */
  file: string | undefined;
  /** Each path that needs a code owner among the approvers, with its owners as written. */
  paths: { path: string; owners: string[] }[];
  /** `plan` mode: the plan file, when no line of CODEOWNERS gives it an owner. */
  unowned: string[];
}

/** What a start or resume needs: how many approvals, how fresh, and whose. */
export interface ApprovalNeed {
  count: number;
  /** `approval_ttl` as written, and in milliseconds. */
  ttl?: { text: string; ms: number };
  codeowners?: CodeOwnersView;
}

/** What the policy (and the plan's environment, when the policy gives it approvers) asks of approvals. */
export function approvalNeed(
  policy: Policy,
  environment: string | undefined,
  codeowners: CodeOwnersView | undefined,
): ApprovalNeed {
  const forEnvironment = environment ? policy.environments?.[environment]?.approvers?.count : undefined;
  return {
    count: Math.max(policy.approvers.count, forEnvironment ?? 1),
    ...(policy.approval_ttl
      ? { ttl: { text: policy.approval_ttl, ms: parseDuration(policy.approval_ttl) } }
      : {}),
    ...(codeowners ? { codeowners } : {}),
  };
}

/** Whether the policy asks anything beyond one approval (the review then shows the approvals). */
export function asksMore(need: ApprovalNeed): boolean {
  return need.count > 1 || !!need.ttl || !!need.codeowners;
}

/**
 * The recorded approvals that still bind: for this plan, and for this head unless the policy binds
 * approval to the plan (`bind_approval_to: plan`). A push that breaks the binding voids them all.
 */
export function liveApprovals(
  stored: StoredState | undefined,
  binding: { headSha: string; planHash: string; bindTo: Policy['bind_approval_to'] },
): ApprovalEntry[] {
  return (stored?.approvals ?? []).filter(
    (a) => a.planHash === binding.planHash && (binding.bindTo === 'plan' || a.headSha === binding.headSha),
  );
}

/** The approvals with this person's newest one (one per person, logins compared as GitHub does). */
export function recordApproval(approvals: readonly ApprovalEntry[], entry: ApprovalEntry): ApprovalEntry[] {
  const others = approvals.filter((a) => a.by.toLowerCase() !== entry.by.toLowerCase());
  return [...others, entry].slice(-20);
}

export function approvalEntry(
  by: string,
  via: Door,
  at: Date,
  headSha: string,
  planHash: string,
  teams: readonly string[],
): ApprovalEntry {
  return { by, via, at: at.toISOString(), headSha, planHash, teams: [...teams].slice(0, 50) };
}

export interface QuorumStatus {
  satisfied: boolean;
  /** Approvals that count now. */
  fresh: ApprovalEntry[];
  /** Approvals older than `approval_ttl`. */
  expired: ApprovalEntry[];
  /** How many more distinct approvals are needed. */
  missing: number;
  /** Paths no fresh approval's author owns, with their owners. */
  ownersMissing: { path: string; owners: string[] }[];
  /** A code-owner requirement that nobody can meet as things stand (no CODEOWNERS, an unowned plan). */
  problem?: string;
}

/** Whether the approvals are enough to start or resume an execution now. */
export function quorumStatus(
  approvals: readonly ApprovalEntry[],
  need: ApprovalNeed,
  now: Date,
): QuorumStatus {
  const expired = need.ttl ? approvals.filter((a) => now.getTime() - Date.parse(a.at) > need.ttl!.ms) : [];
  const fresh = approvals.filter((a) => !expired.includes(a));
  const missing = Math.max(0, need.count - fresh.length);
  const owners = need.codeowners;
  const problem = owners ? codeownersProblem(owners) : undefined;
  const ownersMissing = owners
    ? owners.paths.filter((p) => !fresh.some((a) => isOwner(p.owners, a.by, a.teams)))
    : [];
  return {
    satisfied: missing === 0 && !problem && ownersMissing.length === 0,
    fresh,
    expired,
    missing,
    ownersMissing,
    ...(problem ? { problem } : {}),
  };
}

function codeownersProblem(owners: CodeOwnersView): string | undefined {
  const key = `\`approvers.codeowners: ${owners.mode}\``;
  if (!owners.file) {
    return (
      `${key} in ${codeSpan(POLICY_FILE)} needs a CODEOWNERS file on the base branch, and there is none ` +
      `(looked for ${CODEOWNERS_LOCATIONS.map((l) => codeSpan(l)).join(', ')}). Add one there, or remove the key.`
    );
  }
  if (owners.unowned.length) {
    return (
      `${key} needs a code owner of the plan file ${codeSpan(owners.unowned[0]!)}, and no line of ` +
      `${codeSpan(owners.file)} on the base branch gives it one. Add a line owning it there.`
    );
  }
  return undefined;
}

/** How many paths without an owning approver a message names before "and N more". */
const PATHS_SHOWN = 10;

/** Why the approvals are not enough, and what would make them so (for the reply and the review). */
export function shortfallWords(status: QuorumStatus, need: ApprovalNeed): string {
  const parts: string[] = [];
  if (status.expired.length && need.ttl) {
    const names = status.expired.map((a) => codeSpan(a.by)).join(', ');
    parts.push(
      `The approval${status.expired.length === 1 ? '' : 's'} of ${names} ${status.expired.length === 1 ? 'is' : 'are'} ` +
        `older than \`approval_ttl: ${need.ttl.text}\` and no longer ${status.expired.length === 1 ? 'counts' : 'count'}; ` +
        'to renew, approve the pull request again or comment `/proceed`.',
    );
  }
  if (status.missing > 0) {
    parts.push(
      `${status.fresh.length} of ${need.count} approvals given: ${status.missing} more ${status.missing === 1 ? 'is' : 'are'} needed ` +
        'from other people allowed to approve (an approving review or `/proceed`).',
    );
  }
  if (status.problem) parts.push(status.problem);
  else if (status.ownersMissing.length) {
    const shown = status.ownersMissing
      .slice(0, PATHS_SHOWN)
      .map((p) => `${codeSpan(p.path)} (owners: ${ownerWords(p.owners)})`);
    const more =
      status.ownersMissing.length > PATHS_SHOWN
        ? `, and ${status.ownersMissing.length - PATHS_SHOWN} more`
        : '';
    const file = need.codeowners?.file ? ` in ${codeSpan(need.codeowners.file)}` : '';
    parts.push(
      `A code owner${file} must approve too: nobody who approved owns ${shown.join(', ')}${more}. One of those owners has to approve.`,
    );
  }
  return parts.join(' ');
}

/** The review's block: who approved, on which commit, until when, and what is still needed. */
export function approvalsBlock(approvals: readonly ApprovalEntry[], need: ApprovalNeed, now: Date): string {
  const status = quorumStatus(approvals, need, now);
  const rows = approvals.map((a) => {
    const until = need.ttl ? new Date(Date.parse(a.at) + need.ttl.ms).toISOString() : undefined;
    const expired = status.expired.includes(a);
    return (
      `- ${codeSpan(a.by)} approved ${codeSpan(a.headSha.slice(0, 7))} by ${a.via === 'review' ? 'review' : a.via === 'button' ? 'button' : '`/proceed`'} at ${a.at}` +
      (until
        ? expired
          ? ` (expired at ${until}, older than \`approval_ttl\`)`
          : ` (counts until ${until})`
        : '')
    );
  });
  const ttl = need.ttl ? `; each counts for \`approval_ttl: ${need.ttl.text}\`` : '';
  const owners = need.codeowners
    ? `; a code owner of ${need.codeowners.mode === 'plan' ? 'the plan file' : 'every changed path'} among them`
    : '';
  const head = `**Approvals:** ${need.count} needed${owners}${ttl}.`;
  const tail = status.satisfied ? 'Enough approvals to run.' : shortfallWords(status, need);
  return [head, rows.length ? rows.join('\n') : '- none yet', tail].join('\n\n');
}

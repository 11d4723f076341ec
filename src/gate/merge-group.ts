/**
 * The merge queue's decision (issue 14), pure: which pull requests a merge group holds, whether
 * each stands verified under its own base policy, and what `proceed/verify` on the group's commit
 * concludes. merge-group-gate.ts reads GitHub, calls these, and posts the result.
 */
import type { CheckRunInfo } from './port.js';
import type { Verification } from '../plan/schema.js';
import { codeSpan } from '../render/markdown.js';
import type { Policy } from './policy.js';
import { bound, CHECK_VERIFY, short, type View } from './view.js';

/**
 * The merge queue's branch for one entry: `gh-readonly-queue/<base>/pr-<N>-<parent sha>`, where the
 * parent is the commit the entry was built on (the base branch, or the entry ahead of it).
 */
const QUEUE_BRANCH = /^(?:refs\/heads\/)?gh-readonly-queue\/(.+)\/pr-([1-9]\d{0,9})-([0-9a-f]{40})$/;

export interface QueueEntry {
  base: string;
  number: number;
  parentSha: string;
}

export function parseQueueBranch(ref: string): QueueEntry | undefined {
  const m = QUEUE_BRANCH.exec(ref);
  return m ? { base: m[1]!, number: Number(m[2]), parentSha: m[3]! } : undefined;
}

/** Longest queue walked: GitHub builds at most 100 entries at a time. */
const MAX_ENTRIES = 100;

/**
 * The pull requests a merge group's commit holds, oldest first: the newest is named by the group's
 * `head_ref`; each entry's parent is the commit of the entry ahead of it (found among the queue's
 * branches), down to the group's base. Anything that does not add up is a problem, never a guess,
 * so the gate fails closed. Two branches on one commit (someone with write access can push a
 * branch with a queue-like name) are both counted: a forged one can only add a pull request to be
 * judged, never hide one.
 */
export function groupMembers(
  group: { headRef: string; baseSha: string },
  queueRefs: { ref: string; sha: string }[],
): { numbers: number[] } | { problem: string } {
  const head = parseQueueBranch(group.headRef);
  if (!head) {
    return {
      problem: `the group's branch ${codeSpan(group.headRef)} is not a merge queue branch (gh-readonly-queue/<base>/pr-<N>-<sha>), so its pull requests are unknown.`,
    };
  }
  const numbers = [head.number];
  let parent = head.parentSha;
  for (let walked = 0; parent !== group.baseSha; walked++) {
    if (walked >= MAX_ENTRIES)
      return { problem: `the queue ahead of #${head.number} is longer than ${MAX_ENTRIES} entries.` };
    const ahead = queueRefs
      .map((r) => ({ sha: r.sha, entry: parseQueueBranch(r.ref) }))
      .filter((r) => r.sha === parent && r.entry?.base === head.base)
      .map((r) => r.entry!);
    if (!ahead.length) {
      return {
        problem: `the queue entry ${codeSpan(short(parent))} that #${numbers.at(-1)} was built on is not among the queue's branches any more, so the group's pull requests are unknown.`,
      };
    }
    const parents = new Set(ahead.map((e) => e.parentSha));
    if (parents.size > 1) {
      return {
        problem: `several queue branches point at ${codeSpan(short(parent))} with different parents, so the group's pull requests are unknown.`,
      };
    }
    // Pushed newest first; the list is reversed at the end, so entries on one commit read in number order.
    for (const e of ahead.sort((a, b) => b.number - a.number))
      if (!numbers.includes(e.number)) numbers.push(e.number);
    parent = ahead[0]!.parentSha;
  }
  return { numbers: numbers.reverse() };
}

/** One pull request of the group, judged. */
export interface Standing {
  number: number;
  ok: boolean;
  /** Why, in a sentence fragment after "#N ". */
  why: string;
}

/**
 * Whether a pull request of the group stands verified: its plan verified on its current head, the
 * approval still binding that plan, the bot's own `proceed/verify` on the head a success, all under
 * its base policy; or it has no plan at all. `gate` is the newest `proceed/verify` of the bot's own
 * app on the head (the caller filters by app).
 */
export function memberStanding(view: View, gate: CheckRunInfo | undefined): Standing {
  const { pr } = view;
  const n = pr.number;
  const head = codeSpan(short(pr.headSha));
  const no = (why: string): Standing => ({ number: n, ok: false, why });
  if (pr.state !== 'open') return no('is closed.');
  if (view.policyErrors.length)
    return no(`is judged by an invalid policy on its base ${codeSpan(pr.baseRef)}; fix it there first.`);
  switch (view.plan.kind) {
    case 'none':
      return { number: n, ok: true, why: 'has no plan: nothing to gate.' };
    case 'many':
      return no('has more than one plan.');
    case 'invalid':
      return no(`has an invalid plan, ${codeSpan(view.plan.path)}.`);
    default:
      break;
  }
  const stored = view.stored;
  if (!stored) return no(`has a plan that was never rendered on ${head}; push again or comment \`/plan\`.`);
  if (stored.headSha !== pr.headSha)
    return no(
      `was pushed to (${head}) after its plan was last judged on ${codeSpan(short(stored.headSha))}.`,
    );
  if (stored.state !== 'verified')
    return no(`has its plan ${stored.state.replace('-', ' ')} on ${head}, not verified.`);
  if (!stored.approval || !bound(stored, view) || stored.approval.headSha !== pr.headSha)
    return no(`has an approval that no longer binds the plan at ${head}; approve again.`);
  if (!gate || gate.status !== 'completed' || gate.conclusion !== 'success')
    return no(`has no passing ${codeSpan(CHECK_VERIFY)} on ${head}.`);
  return {
    number: n,
    ok: true,
    why: `is verified on ${head} (approved by ${codeSpan(stored.approval.by)}).`,
  };
}

export interface GroupVerdict {
  conclusion: 'success' | 'failure';
  title: string;
  summary: string;
}

/** What `proceed/verify` on the group's commit says, before any re-verification. */
export function judgeMergeGroup(
  members: { numbers: number[] } | { problem: string },
  standings: Standing[],
): GroupVerdict {
  if ('problem' in members) {
    return {
      conclusion: 'failure',
      title: 'The merge group could not be checked',
      summary: `${capitalise(members.problem)} Remove the pull request from the queue and add it again.`,
    };
  }
  const failing = standings.filter((s) => !s.ok);
  const lines = standings.map((s) => `- ${s.ok ? '✅' : '❌'} #${s.number} ${s.why}`).join('\n');
  if (failing.length) {
    return {
      conclusion: 'failure',
      title:
        failing.length === 1
          ? `#${failing[0]!.number} is not verified`
          : `${failing.length} pull requests are not verified`,
      summary: `Every pull request in a merge group must be verified on its head before it merges.\n\n${lines}`,
    };
  }
  return {
    conclusion: 'success',
    title: `${standings.length} pull request${standings.length === 1 ? '' : 's'} verified`,
    summary: `Every pull request in this merge group is verified on its head, with its approval still binding.\n\n${lines}`,
  };
}

/**
 * The verifications a `re-verify` runs on the group's commit: the group's base policy's first (they
 * always run, and a plan's entry of the same name gives way), then each plan's own. A name two plans
 * use for different commands runs under `<name>-pr<N>` for the later one.
 */
export function groupVerifications(
  policy: Policy,
  plans: { number: number; verify: Record<string, Verification> | undefined }[],
): Record<string, Verification> {
  const all: Record<string, Verification> = { ...policy.verify };
  for (const { number, verify } of plans) {
    for (const [name, check] of Object.entries(verify ?? {})) {
      if (Object.hasOwn(policy.verify, name)) continue;
      const existing = all[name];
      if (existing === undefined) all[name] = check;
      else if (JSON.stringify(existing) !== JSON.stringify(check)) all[`${name}-pr${number}`] = check;
    }
  }
  return all;
}

/** The check run of one verification on a group's commit. */
export function groupVerificationCheckName(name: string): string {
  return `${CHECK_VERIFY}/${name}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

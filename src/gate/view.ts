import type { Diagnostic } from '../plan/diagnostics.js';
import { parsePlan, parseYamlWithSchema } from '../plan/parse.js';
import type { Plan } from '../plan/schema.js';
import type { HolderIdentity } from './lock.js';
import type { CheckRunInfo, GitHubPort, PullRequestInfo, ReviewInfo } from './port.js';
import { codeSpan } from '../render/markdown.js';
import { discoverPlan } from './discover.js';
import { decodeState } from './marker.js';
import { DEFAULT_POLICY, policySchema, type Policy } from './policy.js';
import type { Publisher } from './publisher.js';
import type { StoredState } from './state.js';
import { CODEOWNERS_LOCATIONS, ownersOf, parseCodeowners } from './rules/codeowners.js';
import { liveApprovals, type CodeOwnersView } from './rules/quorum.js';

/** What the gate needs from the door it runs behind. */
export interface GateEnv {
  port: GitHubPort;
  /** The login the bot posts as; state is trusted only in this account's review. */
  botLogin: string;
  planGlobs: string[];
  policyPath: string;
  log: (line: string) => void;
  now?: () => Date;
  /**
   * How this door runs an approved plan. Without one, an approved run is recorded in the review as
   * `requested` and handed back in `GateResult.handoff`, for the door to pass on (the app's dispatch).
   */
  runner?: PlanRunner;
  /** Put Proceed, Retry and Cancel buttons on check runs: only a door that receives `check_run` events can answer them. */
  buttons?: boolean;
  /**
   * Writes that no guarantee waits for go out through it, beside the work (publisher.ts); the entry
   * points make one per event and flush it before they return.
   */
  publisher?: Publisher;
}

/** The door's means to execute: a checkout of the approved commit, the lock's holder, the steps' environment. */
export interface PlanRunner {
  /** A directory holding exactly `sha`, or why there cannot be one. */
  workspace(sha: string, number: number): Promise<{ ok: true; dir: string } | { ok: false; message: string }>;
  /** Who holds the lock while this door executes (the workflow run, the app instance). */
  holder: HolderIdentity;
  /** The environment steps inherit. */
  env: NodeJS.ProcessEnv;
  /** Values masked in posted logs. */
  secrets: string[];
  /** How often a running execution looks for /cancel, a closed pull request or a new head. */
  pollMs: number;
}

/** How often a running execution looks for /cancel, a close or a push, unless PROCEED_POLL_INTERVAL_MS says otherwise. */
export const DEFAULT_POLL_MS = 10_000;

/** `PROCEED_POLL_INTERVAL_MS` (at least 50 ms), for the Action and the app alike. */
export function pollIntervalFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.PROCEED_POLL_INTERVAL_MS);
  return Number.isFinite(value) && value >= 50 ? value : DEFAULT_POLL_MS;
}

/** Everything the gate reads about a pull request before deciding. */
export interface View {
  pr: PullRequestInfo;
  policy: Policy;
  policyErrors: Diagnostic[];
  plan: PlanView;
  review: ReviewInfo | undefined;
  stored: StoredState | undefined;
  /**
   * With `bind_approval_to: plan` and a head that is not the approved commit: the paths changed since
   * that commit (undefined inside when GitHub could not compare), for the review to list.
   */
  sinceApproval?: { approvedSha: string; files: string[] | undefined };
  /**
   * The plan rendered before the plan changed (issue 15, item 5), read back at its commit: `plan`
   * undefined when it could not be (the commit is gone, or the file there is not what was rendered).
   */
  planBefore?: { sha: string; plan: Plan | undefined };
  /** With `approvers.codeowners` and a valid plan: the code owners of the paths that need one (issue 15). */
  codeOwners?: CodeOwnersView;
}

export type PlanView =
  | { kind: 'none' }
  | { kind: 'many'; paths: string[] }
  | { kind: 'invalid'; path: string; blobSha: string; errors: Diagnostic[]; warnings: Diagnostic[] }
  | {
      kind: 'valid';
      path: string;
      blobSha: string;
      plan: Plan;
      source: string;
      hash: string;
      warnings: Diagnostic[];
    };

export const CHECK_PLAN = 'proceed/plan';
export const CHECK_VERIFY = 'proceed/verify';
export const LOCK_PREFIX = 'proceed/locks/pr-';

/** The check run of a step: `proceed/<id>`. */
export function stepCheckName(stepId: string): string {
  return `proceed/${stepId}`;
}

/** What a step's check run carries in `external_id`, tying the result to the plan it ran from. */
export function stepExternalId(planHash: string, stepId: string): string {
  return `${planHash.slice(0, 40)}:${stepId}`;
}

function unreadablePlan(path: string, blobSha: string): PlanView {
  const message =
    'the pull request changes this plan file, but GitHub does not return it as a file at the head (a symbolic ' +
    'link or a submodule?); commit the plan as a regular YAML file';
  const at = { severity: 'error' as const, file: path, line: 1, col: 1, path: '', message };
  return { kind: 'invalid', path, blobSha, errors: [at], warnings: [] };
}

/** What `loadView` may do beside its own reads. */
export interface LoadOptions {
  /** Called with the head's SHA as soon as it is known, to start a read that needs only it (read-ahead.ts). */
  withHead?: (sha: string) => void;
}

/**
 * Reads the pull request, the base branch's policy, the plan at the head, and the bot's own review.
 * What does not depend on another answer goes out at once: the pull request, its files and its
 * reviews together; the policy as soon as the base is known, the plan once the head and the files
 * say which one it is.
 */
export async function loadView(env: GateEnv, number: number, o: LoadOptions = {}): Promise<View> {
  const { port } = env;
  const prRead = port.getPullRequest(number);
  const lists = Promise.all([port.listChangedFiles(number), port.listReviews(number)]);
  // Reported only once the pull request was read: a failure to read it is the one that counts.
  lists.catch(() => undefined);
  const pr = await prRead;
  o.withHead?.(pr.headSha);
  const planRead = lists.then(async ([files]) => {
    const found = discoverPlan(files, env.planGlobs);
    return { found, file: found.kind === 'one' ? await port.readFile(found.path, pr.headSha) : undefined };
  });
  const [[files, reviews], policyFile, { found, file }] = await Promise.all([
    lists,
    // The base branch's copy, never the pull request's: a pull request cannot weaken its own gate.
    port.readFile(env.policyPath, pr.baseSha),
    planRead,
  ]);
  let policy = DEFAULT_POLICY;
  let policyErrors: Diagnostic[] = [];
  if (policyFile) {
    const parsed = parseYamlWithSchema(policyFile.content, env.policyPath, policySchema);
    if (parsed.ok) policy = parsed.value;
    else policyErrors = parsed.errors;
  }
  const review = ownReview(reviews, env.botLogin);
  const stored = review ? decodeState(review.body) : undefined;

  let plan: PlanView;
  if (found.kind !== 'one') plan = found;
  else {
    // Changed but unreadable as a file at the head (a symbolic link, a submodule): the gate fails
    // closed, as for an invalid plan, rather than passing as if the pull request had no plan.
    if (!file) plan = unreadablePlan(found.path, found.blobSha);
    else {
      const parsed = parsePlan(file.content, found.path);
      plan = parsed.ok
        ? {
            kind: 'valid',
            path: found.path,
            blobSha: file.sha,
            plan: parsed.plan,
            source: parsed.source,
            hash: parsed.hash,
            warnings: parsed.warnings,
          }
        : {
            kind: 'invalid',
            path: found.path,
            blobSha: file.sha,
            errors: parsed.errors,
            warnings: parsed.warnings,
          };
    }
  }
  const approvedSha = stored?.approval?.headSha;
  const sinceApproval =
    policy.bind_approval_to === 'plan' && approvedSha && approvedSha !== pr.headSha
      ? { approvedSha, files: await port.compareCommits(approvedSha, pr.headSha).catch(() => undefined) }
      : undefined;
  const before = plan.kind === 'valid' && stored ? planBeforeOf(stored, plan) : undefined;
  const planBefore = before ? await readPlanBefore(port, before) : undefined;
  const codeOwners =
    policy.approvers.codeowners && plan.kind === 'valid'
      ? await loadCodeOwners(port, pr.baseSha, policy.approvers.codeowners, plan.path, files)
      : undefined;
  return {
    pr,
    policy,
    policyErrors,
    plan,
    review,
    stored,
    ...(sinceApproval ? { sinceApproval } : {}),
    ...(planBefore ? { planBefore } : {}),
    ...(codeOwners ? { codeOwners } : {}),
  };
}

type PlanRef = NonNullable<StoredState['planBefore']>;

/**
 * Which earlier plan the review compares the plan at the head with: the one rendered last, when the
 * plan changed since; else the one remembered from the last change, until someone approves the plan.
 */
export function planBeforeOf(
  stored: StoredState,
  plan: { path: string; hash: string; blobSha: string },
): PlanRef | undefined {
  if (stored.planBlob && (stored.planHash !== plan.hash || stored.planPath !== plan.path))
    return { sha: stored.headSha, path: stored.planPath, blob: stored.planBlob };
  const kept = stored.planBefore;
  if (!kept || kept.blob === plan.blobSha) return undefined;
  // Approved since the change: the change was reviewed, there is nothing more to show.
  return stored.approval?.planHash === plan.hash ? undefined : kept;
}

/**
 * The earlier plan, read back at its commit (a file is kept by its commit for as long as GitHub keeps
 * the commit, so nothing about it has to fit in the review's marker); it counts only when the file
 * there is exactly the blob that was rendered.
 */
async function readPlanBefore(port: GitHubPort, ref: PlanRef): Promise<View['planBefore']> {
  const file = await port.readFile(ref.path, ref.sha).catch(() => undefined);
  if (!file || file.sha !== ref.blob) return { sha: ref.sha, plan: undefined };
  const parsed = parsePlan(file.content, ref.path);
  return { sha: ref.sha, plan: parsed.ok ? parsed.plan : undefined };
}

/**
 * The code owners of the plan file (`plan`) or of every changed path (`changed-files`), from the
 * base branch's CODEOWNERS (the first of GitHub's locations that exists), so a pull request cannot
 * name its own owners. A changed path no line owns needs no owner, as on GitHub; an unowned plan file
 * under `plan` is reported, since nobody could then meet the policy.
 */
async function loadCodeOwners(
  port: GitHubPort,
  baseSha: string,
  mode: CodeOwnersView['mode'],
  planPath: string,
  files: { filename: string }[],
): Promise<CodeOwnersView> {
  let found: { path: string; content: string } | undefined;
  for (const location of CODEOWNERS_LOCATIONS) {
    const file = await port.readFile(location, baseSha);
    if (file) {
      found = { path: location, content: file.content };
      break;
    }
  }
  if (!found) return { mode, file: undefined, paths: [], unowned: [] };
  const codeowners = parseCodeowners(found.content, found.path);
  const wanted = mode === 'plan' ? [planPath] : files.map((f) => f.filename);
  const paths = wanted.map((path) => ({ path, owners: ownersOf(codeowners, path) }));
  return {
    mode,
    file: found.path,
    paths: paths.filter((p) => p.owners.length > 0),
    unowned: mode === 'plan' ? paths.filter((p) => !p.owners.length).map((p) => p.path) : [],
  };
}

/** The bot's review: the newest one by the bot's own account. Markers anywhere else are ignored. */
function ownReview(reviews: ReviewInfo[], botLogin: string): ReviewInfo | undefined {
  const own = reviews.filter((r) => r.user?.login.toLowerCase() === botLogin.toLowerCase());
  return own.find((r) => decodeState(r.body)) ?? own[0];
}

/** Whether the stored approval still holds for what the pull request is now. */
export function bound(stored: StoredState, view: View): boolean {
  const a = stored.approval;
  if (!a || view.plan.kind !== 'valid') return false;
  if (a.planHash !== view.plan.hash || a.planBlob !== view.plan.blobSha || stored.planPath !== view.plan.path)
    return false;
  return view.policy.bind_approval_to === 'plan' || a.headSha === view.pr.headSha;
}

export function freshState(view: View): StoredState {
  const plan = view.plan.kind === 'valid' ? view.plan : undefined;
  return {
    v: 1,
    state: 'proposed',
    planPath: plan?.path ?? '',
    planBlob: plan?.blobSha ?? '',
    planHash: plan?.hash ?? '',
    headSha: view.pr.headSha,
    confirmed: [],
    handled: [],
  };
}

export interface Binding {
  stored?: StoredState;
  notice?: string;
}

/**
 * After a push: does the approval still hold? With `bind_approval_to: head` any new commit voids
 * it; with `plan` only a change of the plan file does, and the approval moves to the new head (whose
 * steps still have to run there: nothing runs without a `/proceed`). A voided approval puts the plan
 * back to `proposed`, and the review says why.
 */
export function bindingAfterPush(view: View): Binding {
  if (view.plan.kind !== 'valid') return { stored: view.stored };
  const prev = view.stored;
  if (!prev) return { stored: freshState(view) };
  const headMoved = prev.headSha !== view.pr.headSha;
  const live = liveApprovals(prev, {
    headSha: view.pr.headSha,
    planHash: view.plan.hash,
    bindTo: view.policy.bind_approval_to,
  });
  const voided = (prev.approvals ?? []).filter((a) => !live.includes(a));
  const fresh: StoredState = {
    ...prev,
    planPath: view.plan.path,
    planBlob: view.plan.blobSha,
    planHash: view.plan.hash,
    headSha: view.pr.headSha,
    // The plan rendered before the last change of the plan, for the review's delta (issue 15, item 5).
    planBefore: planBeforeOf(prev, view.plan),
    ...(prev.approvals ? { approvals: live } : {}),
    ...(headMoved ? { confirmations: undefined } : {}),
  };
  if (!prev.approval) {
    // Approvals short of the quorum are voided by a push as a full approval is (issue 15).
    const notice = voided.length
      ? `The approval${voided.length === 1 ? '' : 's'} of ${voided.map((a) => codeSpan(a.by)).join(', ')} ${voided.length === 1 ? 'was' : 'were'} reset: new commit ${codeSpan(short(view.pr.headSha))} changed what was approved. Approve again or comment \`/proceed\`.`
      : undefined;
    return {
      stored: headMoved ? { ...fresh, state: 'proposed', next: undefined } : fresh,
      ...(notice ? { notice } : {}),
    };
  }
  if (bound(prev, view)) {
    if (!headMoved) return { stored: fresh };
    // Same plan, new commit: the approval stands, but nothing has run on this commit yet. The approval
    // keeps the commit that was approved; the review lists what changed since (issue 12, attack 7).
    return {
      stored: {
        ...fresh,
        state: 'approved',
        confirmed: [],
        next: undefined,
      },
    };
  }
  const planChanged = prev.approval.planHash !== view.plan.hash || prev.planPath !== view.plan.path;
  const why = planChanged
    ? `the plan changed in ${codeSpan(short(view.pr.headSha))}`
    : `new commit ${codeSpan(short(view.pr.headSha))} was pushed (\`bind_approval_to: head\`)`;
  return {
    stored: {
      ...fresh,
      state: 'proposed',
      approval: undefined,
      approvals: [],
      confirmed: [],
      next: undefined,
    },
    notice: `Approval by ${[prev.approval.by, ...voided.map((a) => a.by)]
      .filter((by, i, all) => all.findIndex((o) => o.toLowerCase() === by.toLowerCase()) === i)
      .map((by) => codeSpan(by))
      .join(', ')} was reset: ${why}. Approve again or comment \`/proceed\`.`,
  };
}

/** The newest check run of each step of this plan on this commit (others' and older plans' are ignored). */
export function stepChecks(
  checks: CheckRunInfo[],
  planHash: string,
  stepIds: string[],
): Map<string, CheckRunInfo> {
  const byStep = new Map<string, CheckRunInfo>();
  for (const id of stepIds) {
    const newest = checks
      .filter((c) => c.name === stepCheckName(id) && c.externalId === stepExternalId(planHash, id))
      .sort((a, b) => b.id - a.id)[0];
    if (newest) byStep.set(id, newest);
  }
  return byStep;
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}

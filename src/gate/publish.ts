import type { Diagnostic } from '../plan/diagnostics.js';
import type { CheckAnnotation, CheckConclusion, CheckRunInfo, CheckRunInput } from './port.js';
import { clip, codeSpan, fitByCutting, GITHUB_BODY_LIMIT } from '../render/markdown.js';
import { diagnosticList, renderPlanProblem } from '../render/problem.js';
import { renderReview, type StepDisplayStatus } from '../render/review.js';
import { diffPlans } from '../plan/delta.js';
import { renderPlanDelta } from '../render/delta.js';
import { buttons } from './buttons.js';
import { decodeState, encodeState, MARKER_BUDGET } from './marker.js';
import { mergePlanConfig, mergeVerify } from './policy.js';
import { appSlugOf } from './rules/own-checks.js';
import { keepWatermarks, stampStateChange } from './rules/replay.js';
import { verifiedElsewhereNotice } from './rules/shared-head.js';
import { changedSinceApprovalNotice } from './rules/since-approval.js';
import { approvalNeed, approvalsBlock, asksMore } from './rules/quorum.js';
import type { LifecycleState, RunRequest, StoredState } from './state.js';
import {
  CHECK_PLAN,
  CHECK_VERIFY,
  freshState,
  stepChecks,
  type Binding,
  type GateEnv,
  type View,
} from './view.js';

/** What a run of the gate ended with: the Action's outputs and job summary come from it. */
export interface GateResult {
  state: LifecycleState | 'none';
  planPath?: string;
  nextStep?: string;
  /** The job fails only when a step or a verification failed (SPEC §5). */
  failed: boolean;
  /** One or two sentences for the log and the job summary. */
  summary: string;
  /** The completion report, when an execution ended. */
  report?: string;
  /** The audit record of the execution that ended (Markdown with its JSON), for the job summary. */
  audit?: string;
  /** A run that was allowed but that this door cannot execute (it has no runner): the door passes it on. */
  handoff?: RunRequest & { planHash: string };
}

export function result(view: View, summary: string, stored = view.stored): GateResult {
  return {
    state: stored?.state ?? 'none',
    planPath: view.plan.kind === 'valid' || view.plan.kind === 'invalid' ? view.plan.path : undefined,
    nextStep: stored?.next,
    failed: false,
    summary,
  };
}

/** A refusal or a "nothing to do": says what, why, and who may. Everything from users is in code spans. */
export function refusal(what: string, reason: string, whoMay?: string): string {
  const head = what === 'approval' || what === 'command' ? 'Not accepted' : `${codeSpan(what)} refused`;
  return `**${head}.** ${reason}${whoMay ? `\n\nWho may: ${whoMay}.` : ''}`;
}

/** Brings the review, `proceed/plan` and `proceed/verify` up to date with the view. */
export async function publishPlan(env: GateEnv, view: View, binding: Binding): Promise<GateResult> {
  const { port } = env;
  const { pr } = view;
  const sha = pr.headSha;
  const checks = await port.listCheckRuns(sha);

  if (view.policyErrors.length) {
    const text = policyProblem(view, env.policyPath);
    await upsertCheck(env, checks, sha, CHECK_PLAN, {
      conclusion: 'failure',
      title: 'The repository policy is invalid',
      summary: text,
    });
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'Blocked: the repository policy is invalid',
      summary: text,
    });
    return result(view, 'The repository policy is invalid; nothing can be approved.');
  }

  if (view.plan.kind === 'none') {
    if (view.review && view.stored) {
      await port.updateReview(
        pr.number,
        view.review.id,
        renderPlanProblem({ kind: 'removed', path: view.stored.planPath }) + encodeState(view.stored),
      );
    }
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: 'success',
      title: 'No plan: nothing to gate',
      summary: `No file in this pull request matches ${env.planGlobs.map((g) => codeSpan(g)).join(', ')}, so there is nothing to execute or verify.`,
    });
    return { state: 'none', failed: false, summary: 'No plan in this pull request; nothing to gate.' };
  }

  if (view.plan.kind === 'many') {
    await writeReview(env, view, renderPlanProblem({ kind: 'many', paths: view.plan.paths }), view.stored);
    const summary = `This pull request has ${view.plan.paths.length} plans; one plan per pull request. Found: ${view.plan.paths.join(', ')}.`;
    await upsertCheck(env, checks, sha, CHECK_PLAN, {
      conclusion: 'failure',
      title: 'More than one plan',
      summary,
    });
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'Blocked: more than one plan',
      summary,
    });
    return { state: 'none', failed: false, summary: `Refused: ${summary}` };
  }

  if (view.plan.kind === 'invalid') {
    const { path, errors, warnings } = view.plan;
    await writeReview(env, view, renderPlanProblem({ kind: 'invalid', path, errors }), view.stored);
    const summary = `${errors.length} error(s) in ${codeSpan(path)}:\n\n${diagnosticList(errors)}`;
    await upsertCheck(env, checks, sha, CHECK_PLAN, {
      conclusion: 'failure',
      title: `${errors.length} error(s) in the plan`,
      summary,
      annotations: annotate([...errors, ...warnings], path),
    });
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: 'failure',
      title: 'Blocked: the plan is invalid',
      summary,
    });
    return {
      state: 'none',
      planPath: path,
      failed: false,
      summary: `The plan ${path} is invalid (${errors.length} error(s)).`,
    };
  }

  const { plan, path, warnings } = view.plan;
  const base = binding.stored ?? freshState(view);
  // The first render of a head starts the time from which commands are about this plan.
  const firstRender = view.stored?.headSha !== view.pr.headSha || !base.renderedAt;
  const stored = firstRender ? { ...base, renderedAt: (env.now?.() ?? new Date()).toISOString() } : base;
  const newestGate = checks.filter((c) => c.name === CHECK_VERIFY).sort((a, b) => b.id - a.id)[0];
  // A success earned by another pull request with this head does not pass this one (issue 12, attack 1).
  const verifiedElsewhere =
    newestGate?.status === 'completed' && newestGate.conclusion === 'success' && stored.state !== 'verified';
  const notice = [binding.notice, verifiedElsewhere ? verifiedElsewhereNotice(sha) : undefined]
    .filter(Boolean)
    .join('\n\n');
  await writeReview(env, view, reviewBody(view, stored, checks, notice || undefined), stored);
  await upsertCheck(env, checks, sha, CHECK_PLAN, {
    conclusion: 'success',
    title: warnings.length ? `Valid, with ${warnings.length} warning(s)` : 'Valid',
    summary:
      `${codeSpan(path)}: ${plan.steps.length} step(s).` +
      (warnings.length ? `\n\n${diagnosticList(warnings)}` : ''),
    annotations: annotate(warnings, path),
  });
  const gate = checks.find((c) => c.name === CHECK_VERIFY);
  // The gate is created once per commit; an execution moves it on from there.
  if (!gate || verifiedElsewhere) {
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      status: 'queued',
      title: stored.state === 'approved' ? 'Approved; waiting for execution' : 'Waiting for approval',
      summary:
        'This check concludes `success` only when every step and every verification of the approved plan passed on this commit.',
      ...(stored.state === 'proposed' || stored.state === 'approved' ? buttons(env, 'proceed') : {}),
    });
  }
  return result(view, `Plan ${path}: ${stored.state}.`, stored);
}

/** The review's Markdown for a valid plan in `stored`'s state, with each step's status from its check runs. */
export function reviewBody(
  view: View,
  stored: StoredState,
  checks: CheckRunInfo[],
  notice?: string,
  now: Date = new Date(),
): string {
  if (view.plan.kind !== 'valid') throw new Error('reviewBody needs a valid plan');
  const { plan, path, hash } = view.plan;
  const since = view.sinceApproval;
  // Who approved, on which commit, until when, and what is still needed, when the policy asks more than one approval.
  const need = approvalNeed(view.policy, plan.environment, view.codeOwners);
  const approvals = asksMore(need) ? approvalsBlock(stored.approvals ?? [], need, now) : undefined;
  const notices = [
    notice,
    approvals,
    since && stored.approval?.headSha === since.approvedSha
      ? changedSinceApprovalNotice(since.approvedSha, view.pr.headSha, since.files)
      : undefined,
    stored.reason,
    ...mergePlanConfig(plan.config, view.policy).notices,
    ...mergeVerify(plan.verify, view.policy).notices,
  ].filter((n): n is string => !!n);
  const steps: Record<string, { status: StepDisplayStatus; durationMs?: number }> = {};
  for (const [id, check] of stepChecks(
    checks,
    hash,
    plan.steps.map((s) => s.id),
  )) {
    const durationMs =
      check.startedAt && check.completedAt
        ? Date.parse(check.completedAt) - Date.parse(check.startedAt)
        : undefined;
    steps[id] = { status: displayStatus(check), ...(durationMs !== undefined ? { durationMs } : {}) };
  }
  // What changed since the plan rendered before, until the changed plan is approved (issue 15, item 5).
  const before = view.planBefore;
  const delta =
    before && stored.planBefore?.sha === before.sha && stored.approval?.planHash !== hash
      ? renderPlanDelta(before.plan ? diffPlans(before.plan, plan) : undefined, { sha: before.sha })
      : undefined;
  return renderReview(plan, {
    maxLength: GITHUB_BODY_LIMIT - MARKER_BUDGET,
    ...(delta ? { delta } : {}),
    planPath: path,
    state: stored.state,
    ...(Object.keys(steps).length ? { steps } : {}),
    ...(notices.length ? { notice: notices.join('\n\n') } : {}),
    ...(stored.approval ? { approval: { by: stored.approval.by, sha: stored.approval.headSha } } : {}),
    verifyExtra: Object.fromEntries(
      Object.entries(view.policy.verify).map(([k, v]) => [k, typeof v === 'string' ? v : v.run]),
    ),
  });
}

function displayStatus(check: CheckRunInfo): StepDisplayStatus {
  if (check.status !== 'completed') return 'running';
  const map: Partial<Record<CheckConclusion, StepDisplayStatus>> = {
    success: 'success',
    failure: 'failure',
    timed_out: 'timed-out',
    skipped: 'skipped',
    cancelled: 'cancelled',
    action_required: 'waiting',
  };
  return (check.conclusion && map[check.conclusion]) || 'pending';
}

/** What each view's review was last written with, so `changedAt` follows every change of state (issue 12). */
const lastWritten = new WeakMap<View, StoredState>();

/** Creates the bot's review, or edits it in place: one review per pull request (SPEC §4). */
export async function writeReview(
  env: GateEnv,
  view: View,
  body: string,
  stored: StoredState | undefined,
): Promise<void> {
  const previous = lastStored(view);
  if (stored) {
    stored = stampStateChange(stored, previous, (env.now?.() ?? new Date()).toISOString());
    // Another job may have written since this one read: what it marked as spent stays spent.
    if (view.review) stored = keepWatermarks(stored, await storedNow(env, view.pr.number, view.review.id));
    lastWritten.set(view, stored);
  }
  const marker = stored ? encodeState(stored) : '';
  // The renderers keep within their budget; this is the backstop for a marker past its own.
  const room = GITHUB_BODY_LIMIT - marker.length;
  const full = (body.length <= room ? body : fitByCutting(body, room)) + marker;
  if (view.review) await env.port.updateReview(view.pr.number, view.review.id, full);
  else view.review = await env.port.createReview(view.pr.number, { body: full, commitId: view.pr.headSha });
}

/** What this job last wrote into the view's review, else what it loaded from it. */
export function lastStored(view: View): StoredState | undefined {
  return lastWritten.get(view) ?? view.stored;
}

/** The state in the bot's review as GitHub holds it now (re-read just before it is written over). */
export async function storedNow(
  env: GateEnv,
  number: number,
  reviewId: number,
): Promise<StoredState | undefined> {
  const review = (await env.port.listReviews(number)).find((r) => r.id === reviewId);
  const own = review && review.user?.login.toLowerCase() === env.botLogin.toLowerCase();
  return own ? decodeState(review.body) : undefined;
}

export interface CheckUpdate {
  status?: 'queued' | 'in_progress';
  conclusion?: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
  externalId?: string;
  /** Buttons; an empty list removes those the check run had. */
  actions?: CheckRunInput['actions'];
}

/**
 * One check run per name and commit while it is open: edited when an open one exists; a new one
 * otherwise (GitHub shows the newest under a name, so a re-run reads as one).
 */
export async function upsertCheck(
  env: GateEnv,
  checks: CheckRunInfo[],
  sha: string,
  name: string,
  update: CheckUpdate,
): Promise<number> {
  const newest = checks.filter((c) => c.name === name).sort((a, b) => b.id - a.id)[0];
  const now = (env.now?.() ?? new Date()).toISOString();
  const status = update.conclusion ? 'completed' : (update.status ?? 'queued');
  const input = {
    status,
    title: update.title,
    summary: update.summary,
    ...(update.text !== undefined ? { text: update.text } : {}),
    ...(update.conclusion ? { conclusion: update.conclusion, completedAt: now } : {}),
    ...(status === 'in_progress' ? { startedAt: now } : {}),
    ...(update.annotations ? { annotations: update.annotations } : {}),
    ...(update.externalId ? { externalId: update.externalId } : {}),
    ...(update.actions ? { actions: update.actions } : {}),
  } as const;
  // A completed plan check is re-used when it is re-rendered; any other completed check is superseded.
  if (newest && (newest.status !== 'completed' || name === 'proceed/plan')) {
    await env.port.updateCheckRun(newest.id, input);
    return newest.id;
  }
  const created = await env.port.createCheckRun({ name, headSha: sha, ...input });
  checks.push({
    id: created.id,
    name,
    headSha: sha,
    status,
    conclusion: update.conclusion ?? null,
    externalId: update.externalId ?? null,
    startedAt: status === 'in_progress' ? now : null,
    completedAt: update.conclusion ? now : null,
    title: update.title,
    summary: update.summary,
    appSlug: appSlugOf(env.botLogin),
  });
  return created.id;
}

/** A diagnostic quotes what it found, which can be huge (a 70,000-character YAML token): each is cut to this. */
const DIAGNOSTIC_CHARS = 500;

function annotate(diagnostics: Diagnostic[], path: string): CheckAnnotation[] {
  return diagnostics.map((d) => ({
    path,
    start_line: d.line,
    end_line: Math.max(d.line, d.endLine ?? d.line),
    ...(d.endLine === undefined || d.endLine === d.line
      ? { start_column: d.col, end_column: Math.max(d.col, d.endCol ?? d.col) }
      : {}),
    annotation_level: d.severity === 'error' ? 'failure' : 'warning',
    message: clip(d.path ? `${d.path}: ${d.message}` : d.message, DIAGNOSTIC_CHARS).text,
    title: d.severity === 'error' ? 'Plan error' : 'Plan warning',
  }));
}

/** Why nothing can be approved or run while the repository policy at `policyPath` is invalid. */
export function policyProblem(view: View, policyPath: string): string {
  const list = diagnosticList(view.policyErrors);
  return (
    `The repository policy ${codeSpan(policyPath)} on ${codeSpan(view.pr.baseRef)} is invalid, so nothing can be approved ` +
    `or run until it is fixed on the base branch:\n\n${list}`
  );
}

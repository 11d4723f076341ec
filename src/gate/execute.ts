/**
 * Runs the approved plan on the approved commit: the lock session, the checkout, the executor from
 * the first step not done, and the state it leaves; the events become check runs (run-checks.ts),
 * the end an outcome comment (outcome.ts). Without a runner the run is handed over instead. The one
 * place where steps are started.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executePlan, PlanChangedError, type ExecutionReport } from '../execute/executor.js';
import type { StepResult } from '../execute/events.js';
import { stopsBefore } from '../plan/checkpoints.js';
import { auditSummary } from '../render/audit.js';
import { attachAuditRecord, readAuditRecord, recordExecution } from './audit.js';
import type { Door } from './authorize.js';
import { follow, type EdgeName } from '../plan/lifecycle.js';
import { codeSpan } from '../render/markdown.js';
import { renderReport } from '../render/report.js';
import { buttons } from './buttons.js';
import { watchWhileRunning } from './cancel-watch.js';
import type { Trigger, ValidView } from './decide.js';
import { deploymentLogUrl, deploymentRecorder } from './deployments.js';
import { lockMaxAgeMs, withPlanLock } from './lock-session.js';
import { outcomeComment } from './outcome.js';
import { mergeVerify } from './policy.js';
import type { CheckRunInfo } from './port.js';
import {
  lastStored,
  refusal,
  result,
  reviewBody,
  storedNow,
  upsertCheck,
  writeReview,
  type GateResult,
} from './publish.js';
import { overtakenWhileWaiting } from './rules/replay.js';
import { createPublisher, flushed, until, type Publisher } from './publisher.js';
import { concludeGate, GATE_KEY, publishEvent } from './run-checks.js';
import type { RunRequest, StoredState } from './state.js';
import { CHECK_VERIFY, short, stepChecks, type GateEnv, type PlanRunner } from './view.js';

/**
 * Runs the approved plan on the approved commit, from the first step that has not succeeded there:
 * takes the pull request's lock, checks out the commit, executes, turns every event into a check
 * run, and writes the outcome back to the review. The one place where steps are started.
 */
export async function executeApproved(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  trigger: Trigger,
  by: string,
  door?: Door,
): Promise<GateResult> {
  const { port } = env;
  const number = view.pr.number;
  const runner = env.runner;
  if (!runner) return handOff(env, view, stored, trigger, by, door);

  return withPlanLock(
    env,
    view,
    runner.holder,
    lockMaxAgeMs(view.plan.plan),
    async (holder) => {
      await port.createComment(
        number,
        refusal(
          `/${trigger}`,
          `The plan is already being executed by ${holder}; wait for it to finish, or \`/cancel\` it.`,
        ),
      );
      return result(view, `Refused /${trigger}: another execution holds the lock.`, stored);
    },
    (lost) => {
      // Flushed before the lock is released, whatever happens in the run.
      const publisher = until(env.publisher ?? createPublisher(), () => lost.aborted);
      const asked = { trigger, by, ...(door ? { door } : {}) };
      return flushed(publisher, () => runLocked(env, view, stored, asked, runner, lost, publisher));
    },
  );
}

async function runLocked(
  env: GateEnv,
  view: ValidView,
  prior: StoredState,
  asked: { trigger: Trigger; by: string; door?: Door },
  runner: PlanRunner,
  lost: AbortSignal,
  publisher: Publisher,
): Promise<GateResult> {
  const { port } = env;
  const { trigger } = asked;
  const startedAt = now(env).toISOString();
  const { plan, hash, path } = view.plan;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  // Decided on the state this job read; another job may have changed it before the lock was free.
  const current = view.review ? await storedNow(env, number, view.review.id) : undefined;
  const overtaken = overtakenWhileWaiting(lastStored(view), current);
  if (overtaken) {
    await port.createComment(number, refusal(`/${trigger}`, overtaken));
    return result(view, `Refused /${trigger}: ${overtaken}`, current ?? prior);
  }
  const checks = await port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    hash,
    plan.steps.map((s) => s.id),
  );

  // Resume: what succeeded (or was skipped) on this commit and plan is never run again.
  const done = new Map<string, StepResult>();
  for (const [id, check] of previous) {
    if (check.conclusion === 'success' || check.conclusion === 'skipped')
      done.set(id, resultFromCheck(id, check));
  }
  const confirmed = new Set(prior.confirmed);
  // A /proceed where the plan stopped at a checkpoint (paused, or cancelled there by a timeout) confirms it.
  const confirms =
    trigger === 'proceed' && (prior.state === 'paused' || prior.state === 'cancelled') && prior.next
      ? prior.next
      : undefined;
  if (confirms) confirmed.add(confirms);
  // What this commit and plan's audit record holds so far (issue 15, item 6): this job adds to it.
  const audited = await readAuditRecord(port, checks);
  const verify = mergeVerify(plan.verify, view.policy).verify;
  const ran: StepResult[] = [];
  const skip = new Set(trigger === 'skip' && prior.next ? [prior.next] : []);

  // The review's progress, the gate and the steps' in-progress check runs go out beside the work
  // (`publisher`); once the lock is lost, the new holder owns them and nothing more is written.
  let stored: StoredState = {
    ...prior,
    state: 'executing',
    next: undefined,
    pausedAt: undefined,
    reason: undefined,
    confirmed: [...confirmed],
  };
  const executing = stored;
  publisher.want(REVIEW_KEY, () => writeReview(env, view, reviewBody(view, executing, checks), executing));
  if (env.buttons) {
    publisher.want(GATE_KEY, async () => {
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        status: 'queued',
        title: 'Executing the approved plan',
        summary:
          'This check concludes `success` only when every step and every verification of the approved plan passed on this commit.',
        ...buttons(env),
      });
    });
  }

  const workspace = await runner.workspace(sha, number);
  if (!workspace.ok) {
    stored = { ...prior };
    const back = stored;
    publisher.want(REVIEW_KEY, () => writeReview(env, view, reviewBody(view, back, checks), back));
    await publisher.flush();
    await port.createComment(number, refusal(`/${trigger}`, workspace.message));
    return {
      ...result(view, `Could not check out ${short(sha)}: ${workspace.message}`, stored),
      failed: true,
    };
  }
  const source = await readFile(join(workspace.dir, path), 'utf8').catch(() => '');

  const watch = watchWhileRunning(env, view, runner, lost);
  const stepRuns = new Map<string, number>();
  // A plan that names an environment is recorded as a GitHub Deployment of this commit (deployments.ts).
  const deployment = deploymentRecorder(env, view, deploymentLogUrl(env, view), prior.approval?.by);
  let report: ExecutionReport;
  try {
    report = await executePlan({
      plan,
      source,
      approvedHash: hash,
      planPath: path,
      cwd: workspace.dir,
      env: runner.env,
      extraEnv: { PROCEED_PR: String(number), PROCEED_SHA: sha },
      verify,
      done,
      confirmed,
      skip,
      secrets: runner.secrets,
      signal: watch.signal,
      guard: watch.guard,
      onCheckpoint: async () => 'pause',
      onFailure: async () => 'stop',
      // Once the lock is lost, the new holder owns the check runs and the review: we only stop.
      onEvent: async (event) => {
        if (event.type === 'step-finished') ran.push(event.result);
        if (lost.aborted) return;
        // The deployment is created when the first step starts, beside it.
        if (deployment && event.type === 'step-started')
          publisher.want(DEPLOYMENT_KEY, () => deployment.onEvent(event));
        await publishEvent(env, view, checks, stepRuns, event, publisher);
      },
    });
  } catch (err) {
    watch.stop();
    if (!(err instanceof PlanChangedError)) throw err;
    stored = { ...prior };
    await publisher.flush();
    await writeReview(env, view, reviewBody(view, stored, checks), stored);
    await port.createComment(
      number,
      refusal(
        `/${trigger}`,
        `The plan at ${codeSpan(short(sha))} is not the plan that was approved. Approve it again.`,
      ),
    );
    return result(view, 'Refused: the checked-out plan differs from the approved one.', stored);
  }
  watch.stop();
  // Everything wanted is on GitHub before the job ends or pauses.
  await publisher.flush();
  if (lost.aborted) {
    env.log(`Stopped: ${String(lost.reason)}; the execution that took it over carries on.`);
    return { ...result(view, `Stopped: ${String(lost.reason)}.`, stored), failed: true };
  }

  stored = { ...stored, ...afterExecution(report, now(env)) };
  await deployment?.finish(report);
  const fresh = await port.listCheckRuns(sha);
  await concludeGate(env, view, fresh, report);
  // The audit record: this job added to what the commit and plan had, on proceed/verify and in the job summary.
  const confirmedIndex = confirms ? plan.steps.findIndex((s) => s.id === confirms) : -1;
  const record = recordExecution(
    audited && audited.record.commit === sha && audited.record.plan.hash === hash
      ? audited.record
      : undefined,
    view,
    prior,
    verify,
    {
      trigger,
      by: asked.by,
      ...(asked.door ? { via: asked.door } : {}),
      runner: runner.holder,
      startedAt,
      endedAt: now(env).toISOString(),
      report,
      steps: ran,
      ...(confirmedIndex >= 0 && stopsBefore(plan, confirmedIndex) ? { confirmed: confirms } : {}),
      ...(watch.cancelledBy() ? { cancelledBy: watch.cancelledBy() } : {}),
      state: stored.state,
    },
    `${port.owner}/${port.repo}`,
  );
  // A record GitHub would not take must not cost the outcome its review and comment: it is in the job summary too.
  await attachAuditRecord(port, sha, record).catch((err: unknown) =>
    env.log(
      `Could not attach the audit record to ${CHECK_VERIFY}: ${(err as Error).message}. It is in this job's summary.`,
    ),
  );
  await writeReview(env, view, reviewBody(view, stored, fresh), stored);
  const comment = outcomeComment(view, report, stored);
  if (comment) await port.createComment(number, comment);
  const summary = `Plan ${path}: ${stored.state}${stored.next ? ` at step ${stored.next}` : ''}${report.reason ? ` (${report.reason})` : ''}.`;
  return {
    ...result(view, summary, stored),
    failed: report.outcome === 'failed' || report.outcome === 'verify-failed',
    audit: auditSummary(record),
    ...(report.outcome === 'verified' || report.outcome === 'verify-failed'
      ? { report: renderReport(plan, report.results, report.verify) }
      : {}),
  };
}

/** The stored state an execution leaves behind. */
function afterExecution(report: ExecutionReport, at: Date): Partial<StoredState> {
  // Each outcome leaves `executing` along its edge of the lifecycle.
  const edges: Record<ExecutionReport['outcome'], EdgeName> = {
    verified: 'verify',
    'verify-failed': 'fail-verify',
    failed: 'fail',
    paused: 'pause',
    cancelled: 'stop',
  };
  return {
    state: follow(edges[report.outcome]),
    next: report.next?.stepId,
    pausedAt: report.outcome === 'paused' ? at.toISOString() : undefined,
    reason: report.reason ? report.reason.slice(0, 300) : undefined,
  };
}

function resultFromCheck(id: string, check: CheckRunInfo): StepResult {
  const startedAt = check.startedAt ?? check.completedAt ?? new Date(0).toISOString();
  const durationMs =
    check.startedAt && check.completedAt ? Date.parse(check.completedAt) - Date.parse(check.startedAt) : 0;
  return {
    id,
    status: check.conclusion === 'skipped' ? 'skipped' : 'success',
    exitCode: check.conclusion === 'skipped' ? null : 0,
    signal: null,
    startedAt,
    durationMs,
    tail: '',
    droppedBytes: 0,
    reason: 'already done on this commit and plan; not run again',
  };
}

/** The publisher's objects this file writes beside the work (run-checks.ts writes the check runs). */
const REVIEW_KEY = 'review';
const DEPLOYMENT_KEY = 'deployment';

function now(env: GateEnv): Date {
  return env.now?.() ?? new Date();
}

/**
 * A door without a runner (the app with the `dispatch` executor) records the allowed run in the
 * review as `requested`, bound to the head commit, and hands it back to be carried out elsewhere:
 * the Action in `mode: execute` runs a request it finds there, and nothing else, so starting that
 * workflow by hand cannot run, resume or retry anything nobody allowed.
 */
export async function handOff(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  command: RunRequest['command'],
  by: string,
  door?: Door,
): Promise<GateResult> {
  const requested: RunRequest = { command, by, headSha: view.pr.headSha, ...(door ? { via: door } : {}) };
  const next: StoredState = { ...stored, requested };
  await writeReview(env, view, reviewBody(view, next, await env.port.listCheckRuns(view.pr.headSha)), next);
  return {
    ...result(view, `/${command} by ${by} on ${short(view.pr.headSha)}: handed over for execution.`, next),
    handoff: { ...requested, planHash: view.plan.hash },
  };
}

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
  knownState,
  refusal,
  result,
  reviewBody,
  upsertCheck,
  writeReview,
  type GateResult,
} from './publish.js';
import { decodeOwnState } from './view.js';
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
): Promise<GateResult> {
  const { port } = env;
  const number = view.pr.number;
  const runner = env.runner;
  if (!runner) return handOff(env, view, stored, trigger, by);

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
      return flushed(publisher, () => runLocked(env, view, stored, trigger, runner, lost, publisher));
    },
  );
}

async function runLocked(
  env: GateEnv,
  view: ValidView,
  prior: StoredState,
  trigger: Trigger,
  runner: PlanRunner,
  lost: AbortSignal,
  publisher: Publisher,
): Promise<GateResult> {
  const { port } = env;
  const { plan, hash, path } = view.plan;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  // The command was decided on a view read before the lock: an execution that held the lock
  // meanwhile may have moved the plan on (run it to the end, say). Then there is nothing left to do.
  const known = knownState(view);
  const current = decodeOwnState(await port.listReviews(number), env.botLogin);
  if (known && current && (current.state !== known.state || current.changedAt !== known.changedAt)) {
    env.log(`While /${trigger} waited for the lock, the plan became ${current.state}; nothing was run.`);
    return result(
      view,
      `Nothing run: the plan became ${current.state} while /${trigger} waited for the lock.`,
      current,
    );
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
  if (trigger === 'proceed' && (prior.state === 'paused' || prior.state === 'cancelled') && prior.next)
    confirmed.add(prior.next);
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
      verify: mergeVerify(plan.verify, view.policy).verify,
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
  await writeReview(env, view, reviewBody(view, stored, fresh), stored);
  const comment = outcomeComment(view, report, stored);
  if (comment) await port.createComment(number, comment);
  const summary = `Plan ${path}: ${stored.state}${stored.next ? ` at step ${stored.next}` : ''}${report.reason ? ` (${report.reason})` : ''}.`;
  return {
    ...result(view, summary, stored),
    failed: report.outcome === 'failed' || report.outcome === 'verify-failed',
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
): Promise<GateResult> {
  const requested: RunRequest = { command, by, headSha: view.pr.headSha };
  const next: StoredState = { ...stored, requested };
  await writeReview(env, view, reviewBody(view, next, await env.port.listCheckRuns(view.pr.headSha)), next);
  return {
    ...result(view, `/${command} by ${by} on ${short(view.pr.headSha)}: handed over for execution.`, next),
    handoff: { ...requested, planHash: view.plan.hash },
  };
}

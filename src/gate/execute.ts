import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executePlan, PlanChangedError, type ExecutionReport } from '../execute/executor.js';
import type { ExecEvent, StepResult } from '../execute/events.js';
import { runCommand } from '../execute/process.js';
import { acquireLock, describeHolder, type HeldLock, type HolderIdentity } from '../github/lock.js';
import type { CheckConclusion, CheckRunInfo } from '../github/port.js';
import { formatDuration, parseDuration } from '../plan/duration.js';
import type { Plan, Step } from '../plan/schema.js';
import { clipStart, codeSpan, fencedBlock, formatCount } from '../render/markdown.js';
import { renderReport } from '../render/report.js';
import { authorize } from './authorize.js';
import { buttons, cancelRequestedBy } from './buttons.js';
import { parseComment } from './commands.js';
import { mergeVerify } from './policy.js';
import { refusal, result, reviewBody, upsertCheck, writeReview, type GateResult } from './publish.js';
import type { LifecycleState, RunRequest, StoredState } from './state.js';
import { actorOf } from './actor.js';
import {
  CHECK_VERIFY,
  short,
  stepCheckName,
  stepChecks,
  stepExternalId,
  type GateEnv,
  type PlanRunner,
  type View,
} from './view.js';

/** GitHub's limit on a check run's `output.text` and `output.summary`. */
const CHECK_TEXT_LIMIT = 65_535;
/** A step without a timeout can run as long as a GitHub Actions job: six hours. */
const JOB_LIMIT_MS = 6 * 60 * 60 * 1000;

type ValidView = View & { plan: Extract<View['plan'], { kind: 'valid' }> };

export type Trigger = 'proceed' | 'retry' | 'skip';

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
    (lost) => runLocked(env, view, stored, trigger, runner, lost),
  );
}

/**
 * Runs `body` holding the pull request's lock; when someone else holds it, `refused` answers instead
 * (given who). A holder that promised heartbeats (an app instance) beats while `body` runs; `body`'s
 * signal aborts if the lock is nevertheless taken over, so what it runs stops.
 */
export async function withPlanLock(
  env: GateEnv,
  view: View,
  holder: HolderIdentity,
  maxAgeMs: number,
  refused: (holder: string) => Promise<GateResult>,
  body: (lost: AbortSignal) => Promise<GateResult>,
): Promise<GateResult> {
  const lock = await acquireLock(env.port, {
    number: view.pr.number,
    headSha: view.pr.headSha,
    holder,
    maxAgeMs,
  });
  if (!lock.acquired) return refused(describeHolder(lock.holder, now(env)));
  const lost = new AbortController();
  const heartbeat = holder.heartbeatMs ? startHeartbeat(env, lock.lock, holder.heartbeatMs, lost) : undefined;
  try {
    return await body(lost.signal);
  } finally {
    await heartbeat?.stop();
    await lock.lock.release();
  }
}

/** Beats every `intervalMs` until stopped; a lost lock aborts `lost`. A failed beat is retried at the next one. */
function startHeartbeat(env: GateEnv, lock: HeldLock, intervalMs: number, lost: AbortController) {
  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(async () => {
      if (lost.signal.aborted) return;
      try {
        if ((await lock.beat()) === 'lost') {
          clearInterval(timer);
          lost.abort(`the lock ${lock.ref} was taken over`);
        }
      } catch (err) {
        env.log(`Could not renew the lock ${lock.ref}: ${(err as Error).message}`);
      }
    });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await beating;
    },
  };
}

async function runLocked(
  env: GateEnv,
  view: ValidView,
  prior: StoredState,
  trigger: Trigger,
  runner: PlanRunner,
  lost: AbortSignal,
): Promise<GateResult> {
  const { port } = env;
  const { plan, hash, path } = view.plan;
  const number = view.pr.number;
  const sha = view.pr.headSha;
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

  let stored: StoredState = {
    ...prior,
    state: 'executing',
    next: undefined,
    pausedAt: undefined,
    reason: undefined,
    confirmed: [...confirmed],
  };
  await writeReview(env, view, reviewBody(view, stored, checks), stored);
  if (env.buttons) {
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      status: 'queued',
      title: 'Executing the approved plan',
      summary:
        'This check concludes `success` only when every step and every verification of the approved plan passed on this commit.',
      ...buttons(env),
    });
  }

  const workspace = await runner.workspace(sha, number);
  if (!workspace.ok) {
    stored = { ...prior };
    await writeReview(env, view, reviewBody(view, stored, checks), stored);
    await port.createComment(number, refusal(`/${trigger}`, workspace.message));
    return {
      ...result(view, `Could not check out ${short(sha)}: ${workspace.message}`, stored),
      failed: true,
    };
  }
  const source = await readFile(join(workspace.dir, path), 'utf8').catch(() => '');

  const watch = watchWhileRunning(env, view, runner, lost);
  const stepRuns = new Map<string, number>();
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
        if (!lost.aborted) await publishEvent(env, view, checks, stepRuns, event);
      },
    });
  } catch (err) {
    watch.stop();
    if (!(err instanceof PlanChangedError)) throw err;
    stored = { ...prior };
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
  if (lost.aborted) {
    env.log(`Stopped: ${String(lost.reason)}; the execution that took it over carries on.`);
    return { ...result(view, `Stopped: ${String(lost.reason)}.`, stored), failed: true };
  }

  stored = { ...stored, ...afterExecution(report, now(env)) };
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
  const states: Record<ExecutionReport['outcome'], LifecycleState> = {
    verified: 'verified',
    'verify-failed': 'verify-failed',
    failed: 'failed',
    paused: 'paused',
    cancelled: 'cancelled',
  };
  return {
    state: states[report.outcome],
    next: report.next?.stepId,
    pausedAt: report.outcome === 'paused' ? at.toISOString() : undefined,
    reason: report.reason ? report.reason.slice(0, 300) : undefined,
  };
}

/** Turns the executor's events into check runs: one per step (in progress, then its conclusion), and the gate. */
async function publishEvent(
  env: GateEnv,
  view: ValidView,
  checks: CheckRunInfo[],
  stepRuns: Map<string, number>,
  event: ExecEvent,
): Promise<void> {
  const { port } = env;
  const sha = view.pr.headSha;
  const hash = view.plan.hash;
  switch (event.type) {
    case 'step-started': {
      const created = await port.createCheckRun({
        name: stepCheckName(event.step.id),
        headSha: sha,
        status: 'in_progress',
        startedAt: event.startedAt,
        externalId: stepExternalId(hash, event.step.id),
        title: `Running step ${event.index + 1} of ${view.plan.plan.steps.length}`,
        summary: `${codeSpan(event.step.name)} started.`,
        ...buttons(env, 'cancel'),
      });
      stepRuns.set(event.step.id, created.id);
      return;
    }
    case 'step-finished': {
      const output = stepOutput(event.step, event.index, view.plan.plan, event.result);
      const id = stepRuns.get(event.step.id);
      stepRuns.delete(event.step.id);
      const failed = event.result.status === 'failure' || event.result.status === 'timed-out';
      if (id !== undefined) {
        await port.updateCheckRun(id, {
          status: 'completed',
          conclusion: conclusionOf(event.result),
          completedAt: now(env).toISOString(),
          ...output,
          ...(failed ? buttons(env, 'retry', 'cancel') : buttons(env)),
        });
      } else {
        // A step that never started (cancelled, skipped) still gets its check run.
        await port.createCheckRun({
          name: stepCheckName(event.step.id),
          headSha: sha,
          status: 'completed',
          conclusion: conclusionOf(event.result),
          externalId: stepExternalId(hash, event.step.id),
          completedAt: now(env).toISOString(),
          ...output,
        });
      }
      return;
    }
    case 'paused':
      if (event.reason !== 'checkpoint') return;
      await port.createCheckRun({
        name: stepCheckName(event.step.id),
        headSha: sha,
        status: 'completed',
        conclusion: 'action_required',
        externalId: stepExternalId(hash, event.step.id),
        completedAt: now(env).toISOString(),
        title: 'Checkpoint: waiting for /proceed',
        summary: `The plan stops before step ${event.index + 1}, ${codeSpan(event.step.name)}, until someone allowed comments \`/proceed\`.`,
        ...buttons(env, 'proceed', 'cancel'),
      });
      return;
    case 'verify-started':
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        status: 'in_progress',
        title: 'Verifying',
        summary: event.names.length
          ? `Running ${event.names.map((n) => codeSpan(n)).join(', ')}.`
          : 'Nothing to run.',
        ...buttons(env),
      });
      return;
    case 'verify-finished': {
      const lines = event.result.checks.map(
        (c) =>
          `- ${c.status === 'success' ? '✅' : '❌'} ${codeSpan(c.id)}: ${c.status}, exit ${c.exitCode ?? c.signal ?? '—'}, ${formatDuration(c.durationMs)}`,
      );
      const failures = event.result.checks.filter((c) => c.status !== 'success');
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        conclusion: event.result.status === 'success' ? 'success' : 'failure',
        title:
          event.result.status === 'success'
            ? 'Verified: every step and every check passed'
            : `${failures.length} check(s) failed`,
        summary: clipStart(lines.join('\n') || 'No checks to run; every step passed.', CHECK_TEXT_LIMIT).text,
        text: clipText(failures.map((c) => `### ${c.id}\n\n${logBlock(c.tail.slice(-8_000))}`).join('\n\n')),
        ...(event.result.status === 'success' ? buttons(env) : buttons(env, 'retry')),
      });
      return;
    }
    default:
      return;
  }
}

/** After a run that did not reach the verify phase, the gate says why it is not passing. */
async function concludeGate(
  env: GateEnv,
  view: ValidView,
  checks: CheckRunInfo[],
  report: ExecutionReport,
): Promise<void> {
  const sha = view.pr.headSha;
  const at = report.next ? ` at step ${report.next.index + 1} (${codeSpan(report.next.stepId)})` : '';
  switch (report.outcome) {
    case 'paused':
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        status: 'queued',
        title: `Paused${at}`,
        summary: `Paused at a checkpoint${at}; \`/proceed\` resumes. This check passes only when every step and verification passed.`,
        ...buttons(env),
      });
      return;
    case 'failed':
    case 'cancelled':
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        conclusion: report.outcome === 'failed' ? 'failure' : 'cancelled',
        title: report.outcome === 'failed' ? `Failed${at}` : `Cancelled${at}`,
        summary: `${report.reason ? `${escapeReason(report.reason)}\n\n` : ''}The steps did not all succeed on ${codeSpan(short(sha))}, so this commit is not verified.`,
        ...buttons(env),
      });
      return;
    default:
      return;
  }
}

function outcomeComment(view: ValidView, report: ExecutionReport, stored: StoredState): string | undefined {
  const { plan } = view.plan;
  const step = report.next ? plan.steps[report.next.index] : undefined;
  switch (report.outcome) {
    case 'paused':
      return step
        ? `### ⏸️ Checkpoint before step ${report.next!.index + 1}: ${codeSpan(step.name)}\n\n` +
            `Steps so far succeeded. The plan stops here until someone allowed confirms.\n\n` +
            `- \`/proceed\` runs step ${report.next!.index + 1} and continues\n` +
            (plan.config.allow_skip ? '- `/skip` skips it and continues\n' : '') +
            '- `/cancel` stops here'
        : undefined;
    case 'failed': {
      const last = [...report.results].reverse().find((r) => r.id === report.next?.stepId);
      const why = last
        ? `${last.status === 'timed-out' ? 'timed out' : `failed with exit ${last.exitCode ?? last.signal ?? '—'}`}`
        : 'stopped';
      return (
        `### ⛔ STOP: step ${(report.next?.index ?? 0) + 1}${step ? `, ${codeSpan(step.name)},` : ''} ${why}\n\n` +
        `${report.reason ? `${escapeReason(report.reason)}\n\n` : ''}The plan assumed it would succeed, so nothing after it ran. ` +
        `The log is in the ${codeSpan(stepCheckName(report.next?.stepId ?? ''))} check.\n\n` +
        '- `/retry` runs it again, then continues\n' +
        (plan.config.allow_skip ? '- `/skip` skips it and continues\n' : '') +
        '- `/cancel` stops here' +
        (plan.steps.some((s) => s.rollback) ? '\n- `/rollback` undoes the completed steps, newest first' : '')
      );
    }
    case 'cancelled':
      return `### ⊘ Cancelled\n\n${report.reason ? escapeReason(report.reason) : 'The execution was cancelled.'} Steps not run are marked cancelled.`;
    default:
      return (
        renderReport(plan, report.results, report.verify) +
        (stored.state === 'verify-failed' ? '\n\n`/retry` runs the verify phase again.' : '')
      );
  }
}

/** Reasons come from the executor and the bot; they can quote plan text, so they are shown as code. */
function escapeReason(reason: string): string {
  return codeSpan(reason);
}

function stepOutput(
  step: Step,
  index: number,
  plan: Plan,
  r: StepResult,
): { title: string; summary: string; text: string } {
  const estimate =
    r.estimateMs !== undefined ? ` against an estimate of ${formatDuration(r.estimateMs)}` : '';
  const exit =
    r.exitCode !== null ? `exit code ${r.exitCode}` : r.signal ? `killed by ${r.signal}` : 'no exit code';
  const title =
    r.status === 'success'
      ? `Succeeded in ${formatDuration(r.durationMs)}`
      : r.status === 'timed-out'
        ? `Timed out after ${formatDuration(r.durationMs)}`
        : r.status === 'failure'
          ? `Failed (${exit})`
          : r.status === 'skipped'
            ? 'Skipped'
            : 'Cancelled';
  const summary =
    `Step ${index + 1} of ${plan.steps.length}: ${codeSpan(step.name)}\n\n` +
    `- Result: **${r.status}**, ${exit}\n- Duration: ${formatDuration(r.durationMs)}${estimate}` +
    (r.reason ? `\n- ${escapeReason(r.reason)}` : '');
  const dropped = r.droppedBytes
    ? `The first ${formatCount(r.droppedBytes)} bytes of output are not shown.\n\n`
    : '';
  return { title, summary, text: logBlock(r.tail, dropped) };
}

/**
 * A log's tail as a code block within a check run's limit, keeping the end (where the error is).
 * Escaping can lengthen text (control characters are shown as ⟨U+XXXX⟩), so it shrinks until it fits.
 */
function logBlock(tail: string, prefix = ''): string {
  if (!tail) return `${prefix}No output.`;
  let room = CHECK_TEXT_LIMIT - prefix.length - 200;
  for (;;) {
    const kept = clipStart(tail, room);
    const cut = kept.omitted ? `… ${formatCount(kept.omitted)} earlier characters cut to fit.\n\n` : '';
    const text = `${prefix}${cut}${fencedBlock(kept.text)}`;
    if (text.length <= CHECK_TEXT_LIMIT) return text;
    room = Math.floor(room * 0.8);
  }
}

/** Texts made of many logs (the failed verifications) are kept to the limit the same way. */
function clipText(text: string): string {
  return text.length <= CHECK_TEXT_LIMIT
    ? text
    : `… earlier text cut to fit.\n\n${clipStart(text, CHECK_TEXT_LIMIT - 40).text}`;
}

function conclusionOf(r: StepResult): CheckConclusion {
  return r.status === 'timed-out' ? 'timed_out' : r.status;
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

/** Longest a holder may keep the lock before it counts as stale: every timeout added up, or a job's limit. */
function lockMaxAgeMs(plan: Plan): number {
  const total = plan.steps.reduce((sum, s) => sum + (s.timeout ? parseDuration(s.timeout) : JOB_LIMIT_MS), 0);
  return Math.min(total, JOB_LIMIT_MS) + 10 * 60 * 1000;
}

function now(env: GateEnv): Date {
  return env.now?.() ?? new Date();
}

/**
 * While steps run, the pull request is watched: closed, a new head, or a `/cancel` from someone
 * allowed stops the running step's process group. (A `/cancel` workflow run may be queued behind this
 * one by the workflow's concurrency group, so the running execution looks for it itself.)
 */
function watchWhileRunning(env: GateEnv, view: ValidView, runner: PlanRunner, lost: AbortSignal) {
  const controller = new AbortController();
  const since = now(env).toISOString();
  let stopReason: string | undefined;
  // Taken over by someone who found our heartbeats missing: they run the plan now, we stop.
  const onLost = () => {
    stopReason ??= `${String(lost.reason)} (this execution stopped sending heartbeats in time)`;
    controller.abort(stopReason);
  };
  if (lost.aborted) onLost();
  else lost.addEventListener('abort', onLost, { once: true });
  // The view was read just before the run started: that counts as the first look.
  let lookedAt = Date.now();
  const check = async (): Promise<string | undefined> => {
    lookedAt = Date.now();
    const pr = await env.port.getPullRequest(view.pr.number);
    if (pr.state === 'closed') return 'the pull request was closed';
    if (pr.headSha !== view.pr.headSha)
      return `new commit ${short(pr.headSha)} was pushed; the approval was for ${short(view.pr.headSha)}`;
    for (const c of await env.port.listComments(view.pr.number, since)) {
      // GitHub's `since` also returns older comments edited since; edited comments are never commands (SPEC §3).
      if (Date.parse(c.createdAt) < Date.parse(since) - 1_000 || c.updatedAt !== c.createdAt) continue;
      // A Cancel button pressed while this runs reaches it as the bot's own comment (see buttons.ts).
      // Any workflow posts as github-actions[bot], so the request counts only when the person it names may cancel.
      let asker = c.user;
      if (c.user?.login.toLowerCase() === env.botLogin.toLowerCase()) {
        const by = cancelRequestedBy(c.body);
        if (!by) continue;
        asker = { login: by, type: 'User' };
      } else {
        const parsed = parseComment(c.body);
        if (parsed.kind !== 'command' || parsed.command !== 'cancel') continue;
      }
      if (!asker) continue;
      const actor = await actorOf(env, view.policy, asker, 'cancel');
      const ok = authorize({
        command: 'cancel',
        actor,
        prAuthor: view.pr.author.login,
        isFork: view.pr.isFork,
        policy: view.policy,
        allowSkip: false,
        door: 'comment',
      });
      if (ok.allowed) {
        if (asker === c.user) await env.port.reactToComment(c.id, 'eyes');
        return `cancelled by ${asker.login}`;
      }
    }
    return undefined;
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    check()
      .then((reason) => {
        if (reason && !controller.signal.aborted) {
          stopReason = reason;
          controller.abort(reason);
        }
      })
      .catch((err: unknown) =>
        env.log(`Could not check the pull request while running: ${(err as Error).message}`),
      )
      .finally(() => (busy = false));
  }, runner.pollMs);
  timer.unref();
  return {
    signal: controller.signal,
    // Before every step: the same checks, unless the last look is younger than the poll interval,
    // so short steps do not cost two reads each and a push or a close still stops the next step.
    guard: async () => stopReason ?? (Date.now() - lookedAt < runner.pollMs ? undefined : await check()),
    stop: () => {
      clearInterval(timer);
      lost.removeEventListener('abort', onLost);
    },
  };
}

/** `/cancel` when nothing is running: the steps not run are marked cancelled, and the gate with them. */
export async function cancelPlan(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  by: string,
): Promise<GateResult> {
  const sha = view.pr.headSha;
  const checks = await env.port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    view.plan.hash,
    view.plan.plan.steps.map((s) => s.id),
  );
  for (const step of view.plan.plan.steps) {
    const c = previous.get(step.id);
    if (
      c &&
      c.status === 'completed' &&
      (c.conclusion === 'success' || c.conclusion === 'skipped' || c.conclusion === 'cancelled')
    )
      continue;
    await env.port.createCheckRun({
      name: stepCheckName(step.id),
      headSha: sha,
      status: 'completed',
      conclusion: 'cancelled',
      externalId: stepExternalId(view.plan.hash, step.id),
      completedAt: now(env).toISOString(),
      title: 'Cancelled',
      summary: `Cancelled by ${codeSpan(by)} before it ran.`,
    });
  }
  const next: StoredState = {
    ...stored,
    state: 'cancelled',
    reason: `cancelled by ${by}`,
    pausedAt: undefined,
  };
  const fresh = await env.port.listCheckRuns(sha);
  await upsertCheck(env, fresh, sha, CHECK_VERIFY, {
    conclusion: 'cancelled',
    title: 'Cancelled',
    summary: `Cancelled by ${codeSpan(by)}; this commit is not verified. \`/proceed\` resumes from the first step that did not succeed.`,
    ...buttons(env),
  });
  await writeReview(env, view, reviewBody(view, next, fresh), next);
  return result(view, `Cancelled by ${by}.`, next);
}

/** `/rollback`: the `rollback` commands of the completed steps, newest first, each as a check run. */
export async function rollbackPlan(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  by: string,
): Promise<GateResult> {
  const { port } = env;
  const runner = env.runner;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const checks = await port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    view.plan.hash,
    view.plan.plan.steps.map((s) => s.id),
  );
  const toUndo = view.plan.plan.steps
    .filter((s) => s.rollback && previous.get(s.id)?.conclusion === 'success')
    .reverse();
  if (toUndo.length === 0) {
    await port.createComment(
      number,
      refusal(
        '/rollback',
        'No completed step on this commit has a `rollback` command, so there is nothing to undo.',
      ),
    );
    return result(view, 'Nothing to roll back.');
  }
  if (!runner) return handOff(env, view, stored, 'rollback', by);
  return withPlanLock(
    env,
    view,
    runner.holder,
    lockMaxAgeMs(view.plan.plan),
    async (holder) => {
      await port.createComment(
        number,
        refusal('/rollback', `The plan is being executed by ${holder}; \`/cancel\` it first.`),
      );
      return result(view, 'Refused /rollback: another execution holds the lock.');
    },
    (lost) => runRollback(env, view, stored, by, runner, toUndo, lost),
  );
}

async function runRollback(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  by: string,
  runner: PlanRunner,
  toUndo: Step[],
  lost: AbortSignal,
): Promise<GateResult> {
  const { port } = env;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const workspace = await runner.workspace(sha, number);
  if (!workspace.ok) {
    await port.createComment(number, refusal('/rollback', workspace.message));
    return { ...result(view, workspace.message), failed: true };
  }
  const lines: string[] = [];
  let failed = false;
  for (const step of toUndo) {
    const name = `proceed/rollback-${step.id}`;
    const startedAt = now(env).toISOString();
    const check = await port.createCheckRun({
      name,
      headSha: sha,
      status: 'in_progress',
      startedAt,
      title: 'Rolling back',
      summary: `Undoing ${codeSpan(step.name)}.`,
    });
    const outcome = await runCommand({
      command: step.rollback!,
      shell: step.shell,
      cwd: step['working-directory'] ? join(workspace.dir, step['working-directory']) : workspace.dir,
      env: {
        ...runner.env,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v)])),
        PROCEED_PLAN: view.plan.path,
        PROCEED_STEP: step.id,
        PROCEED_PR: String(number),
        PROCEED_SHA: sha,
      },
      ...(step.timeout ? { timeoutMs: parseDuration(step.timeout) } : {}),
      secrets: runner.secrets,
      signal: lost,
    });
    const ok = outcome.exitCode === 0 && !outcome.timedOut && !outcome.spawnError;
    failed ||= !ok;
    await port.updateCheckRun(check.id, {
      status: 'completed',
      conclusion: ok ? 'success' : outcome.timedOut ? 'timed_out' : 'failure',
      completedAt: now(env).toISOString(),
      title: ok ? 'Rolled back' : 'Rollback failed',
      summary: `Rollback of ${codeSpan(step.name)}: exit ${outcome.exitCode ?? outcome.signal ?? '—'} in ${formatDuration(outcome.durationMs)}${outcome.spawnError ? `\n\n${codeSpan(outcome.spawnError)}` : ''}`,
      text: logBlock(outcome.tail),
    });
    lines.push(
      `- ${ok ? '✅' : '❌'} ${codeSpan(step.name)}: exit ${outcome.exitCode ?? outcome.signal ?? '—'}, ${formatDuration(outcome.durationMs)}`,
    );
    if (!ok) break;
  }
  const next: StoredState = {
    ...stored,
    state: failed ? 'failed' : 'cancelled',
    reason: failed ? `rollback requested by ${by} failed` : `rolled back by ${by}`,
  };
  const fresh = await port.listCheckRuns(sha);
  await upsertCheck(env, fresh, sha, CHECK_VERIFY, {
    conclusion: failed ? 'failure' : 'cancelled',
    title: failed ? 'Rollback failed' : 'Rolled back',
    summary: `Rolled back at the request of ${codeSpan(by)}:\n\n${lines.join('\n')}`,
    ...buttons(env),
  });
  await writeReview(env, view, reviewBody(view, next, fresh), next);
  await port.createComment(
    number,
    `### ↩️ Rollback ${failed ? 'failed' : 'done'}\n\nNewest first:\n\n${lines.join('\n')}`,
  );
  return { ...result(view, `Rollback by ${by}: ${failed ? 'failed' : 'done'}.`, next), failed };
}

/**
 * A door without a runner (the app with the `dispatch` executor) records the allowed run in the
 * review as `requested`, bound to the head commit, and hands it back to be carried out elsewhere:
 * the Action in `mode: execute` runs a request it finds there, and nothing else, so starting that
 * workflow by hand cannot run, resume or retry anything nobody allowed.
 */
async function handOff(
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

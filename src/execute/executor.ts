import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { formatDuration, parseDuration } from '../plan/duration.js';
import { planHash } from '../plan/hash.js';
import type { Plan, Shell, Step, Verification } from '../plan/schema.js';
import { stopsBefore } from '../plan/checkpoints.js';
import type {
  CheckpointDecision,
  ExecEvent,
  ExecutionOutcome,
  FailureDecision,
  StepResult,
  StepStatus,
  VerifyResult,
} from './events.js';
import type { ProcessOutcome } from './process.js';
import { stepEnvironment } from './step-env.js';
import { EXECUTION_MARK, newExecutionId, sweepExecution } from './sweep.js';
import {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_TAIL_BYTES,
  OutputFifos,
  runCommand,
  stopProcessGroup,
} from './process.js';

/** The `reason` of a step in `done`: it is reported as a success without running. */
export const ALREADY_SUCCEEDED = 'already succeeded on this commit and plan; not run again';

export interface ExecuteOptions {
  plan: Plan;
  /** The plan file's text; it must hash to `approvedHash`. */
  source: string;
  approvedHash: string;
  /** Exported to steps as PROCEED_PLAN. */
  planPath: string;
  /** Repository root: working directories are relative to it and must stay inside it. */
  cwd: string;
  /**
   * Base environment (default `process.env`): steps inherit it, as workflow steps do, less the
   * runner's channels to the job and the action's inputs (`stepEnvironment`).
   */
  env?: NodeJS.ProcessEnv;
  /** Exported to every step and verification last, e.g. PROCEED_PR and PROCEED_SHA. */
  extraEnv?: Record<string, string>;
  /** The verify phase (default `plan.verify`); the caller merges the repository policy's in. */
  verify?: Record<string, Verification>;
  /**
   * Steps that already succeeded on this commit and plan: never run again. Given as a map, each
   * is reported with its earlier result; given as a set, with a zero-length success whose reason
   * is `ALREADY_SUCCEEDED`. Either way no event is emitted for them.
   */
  done?: ReadonlySet<string> | ReadonlyMap<string, StepResult>;
  /** Steps whose checkpoint was already confirmed. */
  confirmed?: ReadonlySet<string>;
  /**
   * Steps a `/skip` asked to skip when the run resumes (a failed or paused step): reported as
   * skipped without running. Honoured only when the plan's `config.allow_skip` is on.
   */
  skip?: ReadonlySet<string>;
  /** Awaited, in order. Output may come in larger, coalesced chunks while a previous call is pending. */
  onEvent?: (e: ExecEvent) => void | Promise<void>;
  /** Default: 'pause'. */
  onCheckpoint?: (step: Step, index: number) => Promise<CheckpointDecision>;
  /** Asked when a step fails and `stop_on_error` is on. Default: 'stop'. */
  onFailure?: (step: Step, result: StepResult, index: number) => Promise<FailureDecision>;
  /** Asked before every step and before the verify phase; a string stops the run with that reason. */
  guard?: () => Promise<string | undefined>;
  /** Aborting kills the running step's process group; it and the rest are cancelled. */
  signal?: AbortSignal;
  tailBytes?: number;
  killGraceMs?: number;
  /** Masked as `***` in tails and live output. */
  secrets?: string[];
}

export interface ExecutionReport {
  outcome: ExecutionOutcome;
  /**
   * Every step's result in the order they happened: a retried step appears once per attempt
   * (the last one counts), a skipped one as its failure and then as skipped.
   */
  results: StepResult[];
  verify?: VerifyResult;
  /** Where a resume would start (paused, failed or cancelled at a step). */
  next?: { stepId: string; index: number };
  reason?: string;
}

export class PlanChangedError extends Error {
  override name = 'PlanChangedError';
}

/** Where a step or verification runs and what it runs. */
interface Command {
  id: string;
  run: string;
  shell: Shell;
  workingDirectory: string | undefined;
  env: Record<string, string | number | boolean> | undefined;
  timeout: string | undefined;
}

/** Ends the run: what the report says besides the results collected so far. */
type Ending = Omit<ExecutionReport, 'results'>;

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === 'string' && reason) return reason;
  if (reason instanceof Error && reason.name !== 'AbortError' && reason.message) return reason.message;
  return 'the execution was cancelled';
}

/** Resolves `dir` inside `root`, refusing paths (and symlinks) that lead out of it. */
function resolveWorkingDirectory(
  root: string,
  dir: string | undefined,
): { path: string } | { error: string } {
  if (dir === undefined) return { path: root };
  const path = resolve(root, dir);
  const inside = (from: string, to: string): boolean => {
    const rel = relative(from, to);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  let escapes = !inside(root, path);
  if (!escapes) {
    try {
      escapes = !inside(realpathSync(root), realpathSync(path));
    } catch {
      // does not exist (yet): runCommand says so
    }
  }
  return escapes
    ? { error: `working-directory ${JSON.stringify(dir)} leads outside the repository; use a path inside it` }
    : { path };
}

function stepCommand(step: Step): Command | undefined {
  if (step.run === undefined) return undefined;
  return {
    id: step.id,
    run: step.run,
    shell: step.shell,
    workingDirectory: step['working-directory'],
    env: step.env,
    timeout: step.timeout,
  };
}

function verificationCommand(name: string, v: Verification): Command {
  if (typeof v === 'string') {
    return {
      id: name,
      run: v,
      shell: 'bash',
      workingDirectory: undefined,
      env: undefined,
      timeout: undefined,
    };
  }
  return {
    id: name,
    run: v.run,
    shell: v.shell,
    workingDirectory: v['working-directory'],
    env: v.env,
    timeout: v.timeout,
  };
}

function statusOf(outcome: ProcessOutcome): StepStatus {
  if (outcome.aborted) return 'cancelled';
  if (outcome.timedOut) return 'timed-out';
  if (outcome.spawnError !== undefined) return 'failure';
  return outcome.exitCode === 0 ? 'success' : 'failure';
}

function reasonOf(
  outcome: ProcessOutcome,
  status: StepStatus,
  timeoutMs: number | undefined,
): string | undefined {
  switch (status) {
    case 'cancelled':
      return 'cancelled while running; its processes were stopped';
    case 'timed-out':
      return `timed out after ${formatDuration(timeoutMs ?? 0)}; its processes were stopped`;
    case 'failure':
      if (outcome.spawnError !== undefined) return outcome.spawnError;
      return outcome.exitCode !== null
        ? `exited with code ${outcome.exitCode}`
        : `killed by ${outcome.signal ?? 'a signal'}`;
    default:
      return undefined;
  }
}

function describeFailure(step: Step, result: StepResult): string {
  return `step "${step.id}" ${result.status === 'timed-out' ? 'timed out' : 'failed'}${result.reason ? `: ${result.reason}` : ''}`;
}

/**
 * Delivers events in order, awaiting the handler. Output that arrives while the handler is still
 * busy is coalesced into one chunk (its oldest part dropped beyond `limit` characters) so that a
 * slow consumer neither slows the step nor makes memory grow with its output.
 */
class EventChannel {
  private pending: Promise<void> | undefined;
  private buffered = '';
  private skipped = 0;
  private error: unknown;

  constructor(
    private readonly handler: ExecuteOptions['onEvent'],
    private readonly limit: number,
  ) {}

  get wantsOutput(): boolean {
    return this.handler !== undefined;
  }

  async send(event: ExecEvent): Promise<void> {
    await this.drain();
    await this.handler?.(event);
  }

  output(step: Step, index: number, chunk: string): void {
    if (this.error !== undefined) return;
    if (this.pending) {
      this.buffered += chunk;
      if (this.buffered.length > this.limit) {
        this.skipped += this.buffered.length - this.limit;
        this.buffered = this.buffered.slice(this.buffered.length - this.limit);
      }
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.handler?.({ type: 'step-output', step, index, chunk });
    } catch (err) {
      this.error = err;
      return;
    }
    if (result instanceof Promise) {
      this.pending = result.then(
        () => {
          this.pending = undefined;
          if (!this.buffered) return;
          const note = this.skipped ? `[… ${this.skipped} characters of output not shown …]\n` : '';
          const next = note + this.buffered;
          this.buffered = '';
          this.skipped = 0;
          this.output(step, index, next);
        },
        (err: unknown) => {
          this.pending = undefined;
          this.error = err;
        },
      );
    }
  }

  /** Waits for output still being delivered; rethrows a handler's error. */
  async drain(): Promise<void> {
    while (this.pending) await this.pending;
    if (this.error !== undefined) throw this.error;
  }
}

/**
 * Runs an approved plan's steps in order, then its verify phase, asking the caller at checkpoints
 * and failures, and reporting every step as events. Background processes a step leaves running
 * live until the execution ends (so a later step can use a server an earlier one started), then
 * are stopped with the rest of their process group, and so are those that left it (`sweep.ts`).
 */
export async function executePlan(opts: ExecuteOptions): Promise<ExecutionReport> {
  const actualHash = planHash(opts.source);
  if (actualHash !== opts.approvedHash) {
    throw new PlanChangedError(
      `the plan at ${opts.planPath} is not the plan that was approved ` +
        `(approved sha256 ${opts.approvedHash.slice(0, 12)}, now ${actualHash.slice(0, 12)}); ` +
        'nothing was run. Review and approve the plan as it is now.',
    );
  }

  const { plan, signal } = opts;
  const config = plan.config;
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const events = new EventChannel(opts.onEvent, opts.tailBytes ?? DEFAULT_TAIL_BYTES);
  const results: StepResult[] = [];
  const groups = new Set<number>();
  const verifications = opts.verify ?? plan.verify ?? {};
  // One FIFO per command this run is expected to start, made at once; a retry makes more.
  const fifos = new OutputFifos(
    plan.steps.filter((s) => s.run !== undefined && !opts.done?.has(s.id) && !opts.skip?.has(s.id)).length +
      Object.keys(verifications).length,
  );
  const baseEnv: NodeJS.ProcessEnv = stepEnvironment(opts.env ?? process.env);
  // Marks every process of this execution, however it detaches, for the sweep when it ends.
  const executionId = newExecutionId();

  const run = async (cmd: Command, extraEnv: Record<string, string>, onOutput?: (chunk: string) => void) => {
    const timeoutMs = cmd.timeout !== undefined ? parseDuration(cmd.timeout) : undefined;
    const dir = resolveWorkingDirectory(opts.cwd, cmd.workingDirectory);
    const env: NodeJS.ProcessEnv = { ...baseEnv };
    for (const [key, value] of Object.entries(cmd.env ?? {})) env[key] = String(value);
    Object.assign(env, { PROCEED_PLAN: opts.planPath }, extraEnv, opts.extraEnv, {
      [EXECUTION_MARK]: executionId,
    });
    const outcome: ProcessOutcome =
      'error' in dir
        ? {
            exitCode: null,
            signal: null,
            timedOut: false,
            aborted: false,
            startedAt: new Date().toISOString(),
            durationMs: 0,
            tail: '',
            droppedBytes: 0,
            spawnError: dir.error,
          }
        : await runCommand({
            command: cmd.run,
            shell: cmd.shell,
            cwd: dir.path,
            env,
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            ...(signal ? { signal } : {}),
            ...(opts.tailBytes !== undefined ? { tailBytes: opts.tailBytes } : {}),
            killGraceMs: graceMs,
            ...(opts.secrets ? { secrets: opts.secrets } : {}),
            ...(onOutput ? { onOutput } : {}),
            fifos,
          });
    if (outcome.pid !== undefined) groups.add(outcome.pid);
    const status = statusOf(outcome);
    const reason = reasonOf(outcome, status, timeoutMs);
    const result: StepResult = {
      id: cmd.id,
      status,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      tail: outcome.tail,
      droppedBytes: outcome.droppedBytes,
      ...(reason !== undefined ? { reason } : {}),
    };
    return result;
  };

  /** The result of something that did not run (or ran nothing). */
  const settled = (id: string, status: StepStatus, reason: string, estimate?: string): StepResult => ({
    id,
    status,
    exitCode: null,
    signal: null,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    ...(estimate !== undefined ? { estimateMs: parseDuration(estimate) } : {}),
    tail: '',
    droppedBytes: 0,
    reason,
  });

  const finishStep = async (step: Step, index: number, result: StepResult): Promise<void> => {
    results.push(result);
    await events.send({ type: 'step-finished', step, index, result });
  };

  const runStep = async (step: Step, index: number): Promise<StepResult> => {
    const startedAt = new Date().toISOString();
    await events.send({ type: 'step-started', step, index, startedAt });
    const cmd = stepCommand(step);
    const result: StepResult = cmd
      ? await run(
          cmd,
          { PROCEED_STEP: step.id },
          events.wantsOutput ? (chunk) => events.output(step, index, chunk) : undefined,
        )
      : { ...settled(step.id, 'success', 'no command'), startedAt };
    await events.drain();
    if (step.estimate !== undefined) result.estimateMs = parseDuration(step.estimate);
    await finishStep(step, index, result);
    return result;
  };

  /** Marks the steps from `from` on as cancelled (those already done keep their result). */
  const cancelFrom = async (from: number, reason: string): Promise<void> => {
    for (let j = from; j < plan.steps.length; j++) {
      const step = plan.steps[j]!;
      const done = doneResult(step);
      if (done) results.push(done);
      else await finishStep(step, j, settled(step.id, 'cancelled', reason, step.estimate));
    }
  };

  const doneResult = (step: Step): StepResult | undefined => {
    if (!opts.done?.has(step.id)) return undefined;
    const earlier = opts.done instanceof Map ? (opts.done.get(step.id) as StepResult | undefined) : undefined;
    return earlier ?? settled(step.id, 'success', ALREADY_SUCCEEDED, step.estimate);
  };

  /** Awaits a question to the caller, or the abort signal, whichever comes first. */
  const ask = async <T>(question: () => Promise<T>): Promise<T | 'aborted'> => {
    if (signal?.aborted) return 'aborted';
    if (!signal) return question();
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([question(), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };

  const checkGuard = async (): Promise<string | undefined> => {
    if (!opts.guard) return undefined;
    try {
      return await opts.guard();
    } catch (err) {
      return `could not confirm that the plan and head are unchanged (${(err as Error).message}); nothing more was run`;
    }
  };

  const executeSteps = async (): Promise<Ending | undefined> => {
    let firstFailure: { index: number; reason: string } | undefined;
    for (let index = 0; index < plan.steps.length; index++) {
      const step = plan.steps[index]!;
      const next = { stepId: step.id, index };
      const done = doneResult(step);
      if (done) {
        results.push(done);
        continue;
      }
      if (signal?.aborted) {
        await cancelFrom(index, 'not run: the execution was cancelled');
        return { outcome: 'cancelled', next, reason: abortReason(signal) };
      }
      if (opts.skip?.has(step.id)) {
        if (!config.allow_skip) {
          return {
            outcome: 'failed',
            next,
            reason: `step "${step.id}" cannot be skipped: this plan does not allow skipping (config.allow_skip is false); /retry it or /cancel`,
          };
        }
        await finishStep(step, index, settled(step.id, 'skipped', 'skipped by /skip', step.estimate));
        continue;
      }

      if (stopsBefore(plan, index) && !opts.confirmed?.has(step.id)) {
        const decision = await ask(
          () => opts.onCheckpoint?.(step, index) ?? Promise.resolve('pause' as const),
        );
        if (decision === 'aborted' || decision === 'cancel') {
          const why =
            decision === 'aborted'
              ? abortReason(signal)
              : `cancelled at the checkpoint before step "${step.id}"`;
          await cancelFrom(index, `not run: ${why}`);
          return { outcome: 'cancelled', next, reason: why };
        }
        if (decision === 'pause') {
          await events.send({ type: 'paused', step, index, reason: 'checkpoint' });
          return { outcome: 'paused', next, reason: `paused at the checkpoint before step "${step.id}"` };
        }
      }

      for (;;) {
        const stop = await checkGuard();
        if (stop !== undefined) return { outcome: 'failed', next, reason: stop };
        const result = await runStep(step, index);
        if (result.status === 'success') break;
        if (result.status === 'cancelled') {
          await cancelFrom(index + 1, 'not run: the execution was cancelled');
          return { outcome: 'cancelled', next, reason: abortReason(signal) };
        }
        if (!config.stop_on_error) {
          firstFailure ??= { index, reason: describeFailure(step, result) };
          break;
        }
        const decision = await ask(
          () => opts.onFailure?.(step, result, index) ?? Promise.resolve('stop' as const),
        );
        if (decision === 'retry') continue;
        if (decision === 'skip' && config.allow_skip) {
          await finishStep(
            step,
            index,
            settled(
              step.id,
              'skipped',
              `skipped by /skip after it ${result.status === 'timed-out' ? 'timed out' : 'failed'}`,
              step.estimate,
            ),
          );
          break;
        }
        if (decision === 'aborted' || decision === 'cancel') {
          const why =
            decision === 'aborted' ? abortReason(signal) : `cancelled after ${describeFailure(step, result)}`;
          await cancelFrom(index + 1, `not run: ${why}`);
          return { outcome: 'cancelled', next, reason: why };
        }
        await events.send({ type: 'paused', step, index, reason: 'failure' });
        const refusal =
          decision === 'skip'
            ? '; it cannot be skipped: this plan does not allow skipping (config.allow_skip is false)'
            : '';
        return { outcome: 'failed', next, reason: `${describeFailure(step, result)}${refusal}` };
      }
    }
    if (firstFailure) {
      const step = plan.steps[firstFailure.index]!;
      return {
        outcome: 'failed',
        next: { stepId: step.id, index: firstFailure.index },
        reason: `${firstFailure.reason}; the later steps ran because stop_on_error is off, but a plan with a failed step is never verified`,
      };
    }
    return undefined;
  };

  const executeVerify = async (): Promise<{ verify: VerifyResult } & Ending> => {
    const checks = Object.entries(verifications).map(([name, v]) => verificationCommand(name, v));
    await events.send({ type: 'verify-started', names: checks.map((c) => c.id) });
    const verify: VerifyResult = { status: 'success', checks: [] };
    for (const cmd of checks) {
      const result = signal?.aborted
        ? settled(cmd.id, 'cancelled', 'not run: the execution was cancelled')
        : await run(cmd, { PROCEED_VERIFY: cmd.id });
      verify.checks.push(result);
      if (result.status === 'cancelled') verify.status = 'cancelled';
      else if (result.status !== 'success' && verify.status === 'success') verify.status = 'failure';
      await events.send({ type: 'verify-check-finished', result });
    }
    await events.send({ type: 'verify-finished', result: verify });
    if (verify.status === 'cancelled') return { verify, outcome: 'cancelled', reason: abortReason(signal) };
    if (verify.status === 'failure') {
      const failed = verify.checks.filter((c) => c.status !== 'success').map((c) => c.id);
      return { verify, outcome: 'verify-failed', reason: `verification failed: ${failed.join(', ')}` };
    }
    return { verify, outcome: 'verified' };
  };

  try {
    let ending = await executeSteps();
    if (!ending) {
      const stop = await checkGuard();
      ending = stop !== undefined ? { outcome: 'failed', reason: stop } : await executeVerify();
    }
    return { ...ending, results };
  } finally {
    await Promise.all([...groups].map((pgid) => stopProcessGroup(pgid, graceMs)));
    // What left the process groups (setsid, a daemon's double fork) is found by its mark.
    await sweepExecution(executionId, graceMs);
    await fifos.dispose();
  }
}

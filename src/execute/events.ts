import type { Step } from '../plan/schema.js';

/** How a step or a verification ended. */
export type StepStatus = 'success' | 'failure' | 'timed-out' | 'skipped' | 'cancelled';

/** What one finished process (a step, a verification or a rollback) left behind. */
export interface StepResult {
  /** Step id, verification name, or `rollback:<step id>`. */
  id: string;
  status: StepStatus;
  /** Exit code, or null when killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  startedAt: string;
  durationMs: number;
  /** Estimate in ms from the plan, when it has one. */
  estimateMs?: number;
  /** The last bytes of stdout and stderr interleaved, decoded as UTF-8 (bounded, see `tailBytes`). */
  tail: string;
  /** How many bytes of output were dropped before `tail`. */
  droppedBytes: number;
  /** Why it ended, in a sentence, for failures, timeouts, skips and cancels. */
  reason?: string;
}

export interface VerifyResult {
  status: 'success' | 'failure' | 'cancelled';
  checks: StepResult[];
}

/** What the executor tells its caller while it works; the GitHub layer turns these into check runs. */
export type ExecEvent =
  | { type: 'step-started'; step: Step; index: number; startedAt: string }
  | { type: 'step-output'; step: Step; index: number; chunk: string }
  | { type: 'step-finished'; step: Step; index: number; result: StepResult }
  | { type: 'paused'; step: Step; index: number; reason: 'checkpoint' | 'failure' }
  | { type: 'verify-started'; names: string[] }
  | { type: 'verify-check-finished'; result: StepResult }
  | { type: 'verify-finished'; result: VerifyResult };

/** The answer to a checkpoint: go on, stop here for now (resume later), or cancel the rest. */
export type CheckpointDecision = 'proceed' | 'pause' | 'cancel';
/** The answer to a failed step when `stop_on_error` is on. */
export type FailureDecision = 'retry' | 'skip' | 'cancel' | 'stop';

/** How an execution ended. */
export type ExecutionOutcome = 'verified' | 'verify-failed' | 'failed' | 'paused' | 'cancelled';

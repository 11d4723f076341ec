import type { ExecutionOutcome } from '../execute/events.js';
import type { LifecycleState } from '../plan/lifecycle.js';

/** How a step is shown while a plan runs; `waiting` means paused at its checkpoint. */
export type StepDisplayStatus =
  'pending' | 'running' | 'success' | 'failure' | 'timed-out' | 'skipped' | 'cancelled' | 'waiting';

export const STEP_STATUS_ICON: Record<StepDisplayStatus, string> = {
  pending: '⚪',
  running: '🔄',
  success: '✅',
  failure: '❌',
  'timed-out': '⌛',
  skipped: '⏭️',
  cancelled: '🚫',
  waiting: '⏸️',
};

export const STEP_STATUS_TEXT: Record<StepDisplayStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  success: 'Success',
  failure: 'Failed',
  'timed-out': 'Timed out',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
  waiting: 'Waiting at checkpoint',
};

/** Plain-text marks for terminals where emoji widths are unreliable. */
export const STEP_STATUS_MARK: Record<StepDisplayStatus, string> = {
  pending: '·',
  running: '…',
  success: '✔',
  failure: '✘',
  'timed-out': '✘',
  skipped: '↷',
  cancelled: '⊘',
  waiting: '‖',
};

export function stepStatusLabel(status: StepDisplayStatus): string {
  return `${STEP_STATUS_ICON[status]} ${STEP_STATUS_TEXT[status]}`;
}

export const STATE_LABEL: Record<LifecycleState, string> = {
  proposed: '⏳ Awaiting approval',
  approved: '👍 Approved',
  executing: '🔄 Executing',
  paused: '⏸️ Paused at a checkpoint',
  failed: '❌ Failed',
  cancelled: '🚫 Cancelled',
  verifying: '🔍 Verifying',
  verified: '✅ Verified',
  'verify-failed': '❌ Verification failed',
};

export const OUTCOME_LABEL: Record<ExecutionOutcome, string> = {
  verified: '✅ Verified',
  'verify-failed': '❌ Verification failed',
  failed: '❌ Failed',
  paused: '⏸️ Paused',
  cancelled: '🚫 Cancelled',
};

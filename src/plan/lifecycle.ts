/**
 * The lifecycle of a plan on a pull request (SPEC §3) as one state machine: the states, every
 * transition as a named edge, and the one table of which commands apply in which state. The gate's
 * `decide` moves along these edges and guards commands with the table; the check-run buttons, the
 * review's "How to proceed" and the outcome comments offer what the table offers. It sits with the
 * plan format, below the renderers and the gate, because all of them read it; it does no I/O.
 */

export const LIFECYCLE_STATES = [
  'proposed',
  'approved',
  'executing',
  'paused',
  'failed',
  'cancelled',
  'verifying',
  'verified',
  'verify-failed',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** The commands that move a plan along its lifecycle (`/plan` and `/help` apply in every state and move nothing). */
export const LIFECYCLE_COMMANDS = ['proceed', 'retry', 'skip', 'cancel', 'rollback'] as const;
export type LifecycleCommand = (typeof LIFECYCLE_COMMANDS)[number];

/**
 * Whether a command applies in a state. `offer`: it applies, and the review, the outcome comments and
 * the buttons suggest it. `accept`: it applies but is not suggested — the recovery paths (a `/proceed`
 * or `/retry` while a run holds the lock is refused by the lock, unless that run died and its lock is
 * stale; a `/rollback` of a plan that never failed). Absent: there is nothing to do, and the gate says so.
 */
export type Applies = 'offer' | 'accept';

export const COMMANDS_BY_STATE: Record<LifecycleState, Partial<Record<LifecycleCommand, Applies>>> = {
  proposed: { proceed: 'offer', rollback: 'accept' },
  approved: { proceed: 'accept', cancel: 'offer', rollback: 'accept' },
  executing: { proceed: 'accept', retry: 'accept', cancel: 'offer' },
  verifying: { proceed: 'accept', cancel: 'offer', rollback: 'accept' },
  paused: { proceed: 'offer', skip: 'offer', cancel: 'offer', rollback: 'accept' },
  failed: { retry: 'offer', skip: 'offer', cancel: 'offer', rollback: 'offer' },
  cancelled: { proceed: 'offer', rollback: 'offer' },
  verified: { rollback: 'offer' },
  'verify-failed': { retry: 'offer', cancel: 'accept', rollback: 'offer' },
};

/** What the plan allows beyond the table: `/skip` only with `allow_skip`, `/rollback` only with a rollback command. */
export interface PlanAllows {
  skip: boolean;
  rollback: boolean;
}

/** Whether `command` applies in `state` (offered or accepted), regardless of what the plan allows. */
export function applies(state: LifecycleState, command: LifecycleCommand): boolean {
  return COMMANDS_BY_STATE[state][command] !== undefined;
}

/** The commands suggested in `state`, in the table's order, less those the plan does not allow. */
export function offered(state: LifecycleState, allows: PlanAllows): LifecycleCommand[] {
  return LIFECYCLE_COMMANDS.filter(
    (c) =>
      COMMANDS_BY_STATE[state][c] === 'offer' &&
      (c !== 'skip' || allows.skip) &&
      (c !== 'rollback' || allows.rollback),
  );
}

/** One named transition: the states it leaves from, and where it goes. */
export interface Edge {
  readonly from: readonly LifecycleState[];
  readonly to: LifecycleState;
}

const ANY: readonly LifecycleState[] = LIFECYCLE_STATES;

/**
 * Every transition of the lifecycle. A push that voids the approval (`reset`) and the dismissal of the
 * review the approval rests on (`withdraw`) are the only ways back to `proposed`.
 */
export const EDGES = {
  /** A push voided the approval (another plan, or a new head under `bind_approval_to: head`). */
  reset: { from: ANY, to: 'proposed' },
  /** The same plan on a new commit under `bind_approval_to: plan`: still approved, nothing run there yet. */
  carry: { from: ANY, to: 'approved' },
  /** The approving review an approval rests on was dismissed before anything ran (issue 15). */
  withdraw: { from: ['approved'], to: 'proposed' },
  /** `/proceed` or an approving review by someone allowed. */
  approve: { from: ['proposed'], to: 'approved' },
  /** An execution starts or resumes (`/proceed`, `/retry`, `/skip`). */
  start: {
    from: ['approved', 'executing', 'verifying', 'paused', 'failed', 'cancelled', 'verify-failed'],
    to: 'executing',
  },
  /** The execution reached a checkpoint. */
  pause: { from: ['executing'], to: 'paused' },
  /** A step failed or timed out. */
  fail: { from: ['executing'], to: 'failed' },
  /** Every step and every verification passed. */
  verify: { from: ['executing'], to: 'verified' },
  /** A verification failed. */
  'fail-verify': { from: ['executing'], to: 'verify-failed' },
  /** `/cancel`, a close, a push or a lost lock stopped the running execution. */
  stop: { from: ['executing'], to: 'cancelled' },
  /** `/cancel` while nothing runs. */
  cancel: { from: ['approved', 'verifying', 'paused', 'failed', 'verify-failed'], to: 'cancelled' },
  /** A checkpoint nobody confirmed within `checkpoint_timeout`. */
  'time-out': { from: ['paused'], to: 'cancelled' },
  /** The pull request was closed while the plan was still going. */
  close: { from: ['approved', 'executing', 'paused', 'failed'], to: 'cancelled' },
  /** `/rollback` undid the completed steps. */
  'roll-back': { from: ANY.filter((s) => s !== 'executing'), to: 'cancelled' },
  /** A rollback command failed. */
  'fail-rollback': { from: ANY.filter((s) => s !== 'executing'), to: 'failed' },
} as const satisfies Record<string, Edge>;
export type EdgeName = keyof typeof EDGES;

/** The state an edge leads to (its `from` is what the table tests hold it to). */
export function follow(edge: EdgeName): LifecycleState {
  return EDGES[edge].to;
}

/** What the bot remembers about a pull request: the lifecycle state and the approval's binding, as stored in its review. */
import { z } from 'zod';
import { LIFECYCLE_STATES } from '../plan/lifecycle.js';

// The state names sit with the plan format so the renderers can label them without importing the gate.
export { LIFECYCLE_STATES, type LifecycleState } from '../plan/lifecycle.js';

/** Who approved what: the binding of SPEC §3 (head commit and plan blob at the moment of approval). */
export const approvalSchema = z.object({
  by: z.string(),
  via: z.enum(['review', 'comment', 'button']),
  at: z.string(),
  headSha: z.string(),
  planBlob: z.string(),
  planHash: z.string(),
});
export type Approval = z.infer<typeof approvalSchema>;

/**
 * One person's approval of a head and plan (issue 15): who, when, through which door, on which commit.
 * A quorum (`approvers.count`) is counted from these; `teams` are the teams the approver was found a
 * member of when they approved (the policy's, the code owners', a checkpoint's), so `decide` can judge
 * code ownership later without asking GitHub again.
 */
export const approvalEntrySchema = z.object({
  by: z.string(),
  via: z.enum(['review', 'comment', 'button']),
  at: z.string(),
  headSha: z.string(),
  planHash: z.string(),
  teams: z.array(z.string()).max(50).default([]),
});
export type ApprovalEntry = z.infer<typeof approvalEntrySchema>;

/** A confirmation of one step's checkpoint by one person (a checkpoint with `approvers.count`). */
export const confirmationSchema = z.object({ step: z.string(), by: z.string(), at: z.string() });
export type Confirmation = z.infer<typeof confirmationSchema>;

/**
 * What the bot remembers about a pull request, kept in a hidden marker at the end of its own
 * review (the app is stateless; only the bot can edit its review, so the marker is trusted there
 * and ignored anywhere else).
 */
export const storedStateSchema = z.object({
  v: z.literal(1),
  state: z.enum(LIFECYCLE_STATES),
  planPath: z.string(),
  planBlob: z.string(),
  planHash: z.string(),
  headSha: z.string(),
  approval: approvalSchema.optional(),
  /** Every approval given for this head and plan, at most one per person (the newest). */
  approvals: z.array(approvalEntrySchema).max(20).optional(),
  /** Confirmations of the checkpoint the plan waits at, while fewer than its approvers' `count`. */
  confirmations: z.array(confirmationSchema).max(20).optional(),
  /** Step ids whose checkpoint someone allowed has confirmed, for this approval. */
  confirmed: z.array(z.string()).default([]),
  /** When the bot first rendered the plan at `headSha`: a command written before it was written about another plan. */
  renderedAt: z.string().optional(),
  /** The step a resume starts from, after a pause at a checkpoint or a failure. */
  next: z.string().optional(),
  /** When the plan paused at a checkpoint; it times out after the policy's `checkpoint_timeout`. */
  pausedAt: z.string().optional(),
  /** Why the plan stopped (failed, cancelled, timed out), for the review. */
  reason: z.string().max(300).optional(),
  /**
   * Ids of comments (and, negated, of approving reviews) already acted on, newest last, so a
   * redelivered webhook or a re-run workflow does nothing twice.
   */
  handled: z.array(z.number()).default([]),
  /**
   * The watermark of commands (issue 12): the newest comment id and review id acted on. GitHub's ids
   * grow with time, so a command at or below it was handled already or was overtaken by a later one;
   * unlike `handled`, it never forgets.
   */
  lastComment: z.number().optional(),
  lastReview: z.number().optional(),
  /** When the lifecycle state last changed: a command written before it was about another situation. */
  changedAt: z.string().optional(),
  /** Who pushed commits onto the pull request (the senders of its `synchronize` events), for `self_approval`. */
  pushers: z
    .array(z.object({ login: z.string(), sha: z.string() }))
    .max(20)
    .optional(),
  /**
   * The plan rendered before the last change of the plan (issue 15, item 5): its commit, path and blob,
   * from which the review reads it back through the API to show what changed since.
   */
  planBefore: z.object({ sha: z.string(), path: z.string(), blob: z.string() }).optional(),
  /**
   * A run that someone allowed asked for on `headSha`, recorded by a door that cannot execute it
   * (the app's `dispatch` executor); the Action in `mode: execute` runs exactly this and nothing else.
   */
  requested: z
    .object({
      command: z.enum(['proceed', 'retry', 'skip', 'rollback']),
      by: z.string(),
      headSha: z.string(),
      /** How the person asked (review, comment, button), for the audit record. */
      via: z.enum(['review', 'comment', 'button']).optional(),
    })
    .optional(),
});
export type StoredState = z.infer<typeof storedStateSchema>;

/** An execution recorded for another door to carry out (see `requested`). */
export type RunRequest = NonNullable<StoredState['requested']>;

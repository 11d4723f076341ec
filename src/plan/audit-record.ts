/**
 * The audit record of an execution (issue 15, item 6): versioned JSON that says which plan ran on
 * which commit, who approved it (when, through which door), who confirmed each checkpoint, every
 * step's attempts with their start, end and exit, the verifications, and who cancelled, skipped or
 * retried. The gate attaches it to `proceed/verify` and the Action's job summary; `proceed audit`
 * reads it back. Documented in docs/what-the-bot-posts.md; this schema is the format.
 */
import { z } from 'zod';
import { checkpointApproversSchema } from './schema.js';

/** The format's version: a reader refuses records of another one rather than misread them. */
export const AUDIT_VERSION = 1;

const via = z
  .enum(['review', 'comment', 'button'])
  .describe('How the person said it: an approving review, a comment, a check-run button');
const status = z.enum(['success', 'failure', 'timed-out', 'skipped', 'cancelled']);

export const auditStepSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The command as written in the plan (absent only when `commandsOmitted` says why). */
  run: z.string().optional(),
  shell: z.string(),
  workingDirectory: z.string().optional(),
  checkpoint: z.boolean(),
  /** Who alone may confirm the checkpoint, when the plan names them (issue 15, item 3). */
  checkpointApprovers: checkpointApproversSchema.optional(),
  rollback: z.string().optional(),
});

export const auditRecordSchema = z.object({
  proceedAudit: z.literal(AUDIT_VERSION),
  repository: z.string().describe('owner/name'),
  pullRequest: z.number().int(),
  /** The commit the steps ran on (the head, exactly as checked out). */
  commit: z.string(),
  plan: z.object({
    path: z.string(),
    /** SHA-256 of the plan file: what was approved, and the only plan that ran. */
    hash: z.string(),
    title: z.string(),
    environment: z.string().optional(),
    steps: z.array(auditStepSchema),
    verify: z.array(z.object({ name: z.string(), run: z.string().optional(), shell: z.string() })),
    /** Set when the commands were left out to fit GitHub's limit: the plan file at `commit` has them (its hash is `hash`). */
    commandsOmitted: z.boolean().optional(),
  }),
  /** The commit the approval was given on (with `bind_approval_to: plan` it may be older than `commit`). */
  approvedCommit: z.string().optional(),
  approvals: z.array(
    z.object({ by: z.string(), via, at: z.string(), commit: z.string(), planHash: z.string() }),
  ),
  checkpoints: z.array(z.object({ step: z.string(), by: z.string(), via: via.optional(), at: z.string() })),
  /**
   * Who cancelled, skipped or retried, when, and at which step (`verify` for the verify phase); a
   * checkpoint nobody confirmed in time is a `time-out` by the policy's `checkpoint_timeout`.
   */
  interventions: z.array(
    z.object({
      action: z.enum(['cancel', 'skip', 'retry', 'time-out']),
      by: z.string(),
      via: via.optional(),
      at: z.string(),
      step: z.string().optional(),
    }),
  ),
  /** Each job that executed (the first, and every resume): who started it, where, how it ended. */
  jobs: z.array(
    z.object({
      trigger: z.enum(['proceed', 'retry', 'skip']),
      by: z.string(),
      via: via.optional(),
      /** The workflow run or app instance that ran it. */
      runner: z.object({ kind: z.string(), id: z.string(), url: z.string().optional() }),
      startedAt: z.string(),
      endedAt: z.string(),
      outcome: z.enum(['verified', 'verify-failed', 'failed', 'paused', 'cancelled']),
      /** The step it stopped at (paused, failed, cancelled). */
      next: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  /** Every attempt of every step, in the order they happened; `attempt` counts the step's entries. */
  steps: z.array(
    z.object({
      id: z.string(),
      attempt: z.number().int().positive(),
      status,
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
      startedAt: z.string(),
      endedAt: z.string(),
      durationMs: z.number(),
      reason: z.string().optional(),
    }),
  ),
  verifications: z.array(
    z.object({
      name: z.string(),
      attempt: z.number().int().positive(),
      status,
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
      startedAt: z.string(),
      endedAt: z.string(),
      durationMs: z.number(),
    }),
  ),
  /** Older step and verification entries dropped to fit GitHub's limit (the check runs of the steps keep each result). */
  droppedEntries: z.number().int().optional(),
  /** The state the plan was left in, and when the record was last written. */
  state: z.string(),
  updatedAt: z.string(),
});

export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditStepEntry = AuditRecord['steps'][number];

/**
 * The record as JSON that can sit inside Markdown and a fenced block unharmed: `<`, `>`, `&` and
 * backticks are written as \u escapes (still the same JSON), so no command in it can open an HTML
 * comment or close the fence.
 */
export function auditJson(record: AuditRecord): string {
  return JSON.stringify(record, null, 1).replace(
    /[<>&`]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A record read back, or why not: not JSON, another version, or not the shape of this one. */
export function parseAuditRecord(
  text: string,
): { ok: true; record: AuditRecord } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `the record is not valid JSON (${(err as Error).message})` };
  }
  const version = (value as { proceedAudit?: unknown } | null)?.proceedAudit;
  if (version !== AUDIT_VERSION)
    return {
      ok: false,
      message: `the record has format version ${JSON.stringify(version)}; this proceed reads version ${AUDIT_VERSION} (upgrade proceed)`,
    };
  const parsed = auditRecordSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      message: `the record does not have the expected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    };
  return { ok: true, record: parsed.data };
}

import { z } from 'zod';

/**
 * The events the gate acts on, whichever door they came through (an Action's event file, a
 * webhook, a check-run button). Payloads are validated here, so the rest of the gate can trust
 * their shape; everything else in a payload is ignored.
 */
export type GateEvent =
  | { kind: 'pull_request'; action: string; number: number; sender: Sender }
  | { kind: 'review'; number: number; reviewId: number; state: string; commitId: string; sender: Sender }
  /** An approving review dismissed (`pull_request_review.dismissed`): `reviewer` wrote it, `sender` dismissed it. */
  | { kind: 'review-dismissed'; number: number; reviewId: number; reviewer: string; sender: Sender }
  | { kind: 'comment'; number: number; commentId: number; body: string; sender: Sender; createdAt?: string }
  | {
      kind: 'button';
      number: number;
      identifier: string;
      /** The check run the button was pressed on, and the commit it belongs to. */
      checkRunId: number;
      headSha: string;
      sender: Sender;
    }
  | {
      /** A merge queue asks for the required checks on a group's commit (`merge_group.checks_requested`). */
      kind: 'merge_group';
      headSha: string;
      /** `refs/heads/gh-readonly-queue/<base>/pr-<N>-<parent sha>`: names the newest pull request of the group. */
      headRef: string;
      baseSha: string;
      baseRef: string;
      sender: Sender;
    };

export interface Sender {
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

/** Why an event is not for us; said in the log and the job summary, never an error. */
export type Ignored = { kind: 'ignored'; reason: string };
/** A payload that does not have the shape GitHub sends: a clear message, never a crash. */
export type Invalid = { kind: 'invalid'; message: string };

const PR_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review', 'closed'];

const sender = z.object({ login: z.string().min(1), type: z.enum(['User', 'Bot', 'Organization']) });

const pullRequestPayload = z.object({
  action: z.string(),
  pull_request: z.object({ number: z.number().int().positive() }),
  sender,
});
const reviewPayload = z.object({
  action: z.string(),
  review: z.object({
    id: z.number(),
    state: z.string(),
    commit_id: z.string(),
    user: z.object({ login: z.string() }).nullable().optional(),
  }),
  pull_request: z.object({ number: z.number().int().positive() }),
  sender,
});
const commentPayload = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    pull_request: z.object({}).passthrough().optional(),
  }),
  comment: z.object({ id: z.number(), body: z.string().nullable(), created_at: z.string().optional() }),
  sender,
});
const checkRunPayload = z.object({
  action: z.string(),
  check_run: z.object({
    id: z.number(),
    head_sha: z.string(),
    pull_requests: z.array(z.object({ number: z.number().int().positive() })),
  }),
  requested_action: z.object({ identifier: z.string() }).optional(),
  sender,
});

const mergeGroupPayload = z.object({
  action: z.string(),
  merge_group: z.object({
    head_sha: z.string().regex(/^[0-9a-f]{40}$/),
    head_ref: z.string().min(1),
    base_sha: z.string().regex(/^[0-9a-f]{40}$/),
    base_ref: z.string().min(1),
  }),
  sender,
});

function invalid(name: string, error: z.ZodError): Invalid {
  const first = error.issues[0];
  const where = first ? first.path.join('.') || '(payload)' : '(payload)';
  return {
    kind: 'invalid',
    message: `the ${name} event payload is not what GitHub sends: ${where}: ${first?.message ?? 'invalid'}`,
  };
}

/**
 * The actions of each event the gate acts on; any other is ignored before its payload is read.
 * Edited comments are ignored (SPEC §3): an edit must not turn an old comment into a command. A
 * merge group `destroyed` (merged, ejected, or the queue moved on) needs nothing: its commit is not
 * merged.
 */
const ACTED_ON: Record<string, readonly string[]> = {
  pull_request: PR_ACTIONS,
  pull_request_target: PR_ACTIONS,
  pull_request_review: ['submitted', 'dismissed'],
  issue_comment: ['created'],
  check_run: ['requested_action'],
  merge_group: ['checks_requested'],
};

/** Whether the gate acts on this action of this event (an event it has no list for: never). */
export function actsOn(name: string, action: unknown): boolean {
  return typeof action === 'string' && (ACTED_ON[name]?.includes(action) ?? false);
}

/**
 * Turns a GitHub event (name + payload) into a gate event, or says why it is not one. An action
 * the gate never acts on is ignored at once, without validating the rest of the payload: most
 * deliveries are such (a label, another app's check run), and nothing of them is read.
 */
export function toGateEvent(name: string, payload: unknown): GateEvent | Ignored | Invalid {
  const action = (payload as { action?: unknown } | null | undefined)?.action;
  if (typeof action === 'string' && ACTED_ON[name] && !actsOn(name, action))
    return { kind: 'ignored', reason: `${name}.${action} is not acted on` };
  switch (name) {
    case 'pull_request':
    case 'pull_request_target': {
      const p = pullRequestPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      return {
        kind: 'pull_request',
        action: p.data.action,
        number: p.data.pull_request.number,
        sender: p.data.sender,
      };
    }
    case 'pull_request_review': {
      const p = reviewPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      if (p.data.action === 'dismissed') {
        const reviewer = p.data.review.user?.login;
        if (!reviewer) return { kind: 'ignored', reason: 'the dismissed review names no reviewer' };
        return {
          kind: 'review-dismissed',
          number: p.data.pull_request.number,
          reviewId: p.data.review.id,
          reviewer,
          sender: p.data.sender,
        };
      }
      return {
        kind: 'review',
        number: p.data.pull_request.number,
        reviewId: p.data.review.id,
        state: p.data.review.state.toLowerCase(),
        commitId: p.data.review.commit_id,
        sender: p.data.sender,
      };
    }
    case 'issue_comment': {
      const p = commentPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      if (!p.data.issue.pull_request)
        return { kind: 'ignored', reason: 'the comment is on an issue, not a pull request' };
      return {
        kind: 'comment',
        number: p.data.issue.number,
        commentId: p.data.comment.id,
        body: p.data.comment.body ?? '',
        sender: p.data.sender,
        ...(p.data.comment.created_at ? { createdAt: p.data.comment.created_at } : {}),
      };
    }
    case 'check_run': {
      const p = checkRunPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      if (!p.data.requested_action)
        return { kind: 'ignored', reason: 'the check run names no requested action' };
      const pr = p.data.check_run.pull_requests[0];
      if (!pr) return { kind: 'ignored', reason: 'the check run belongs to no pull request' };
      return {
        kind: 'button',
        number: pr.number,
        identifier: p.data.requested_action.identifier,
        checkRunId: p.data.check_run.id,
        headSha: p.data.check_run.head_sha,
        sender: p.data.sender,
      };
    }
    case 'merge_group': {
      const p = mergeGroupPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      const g = p.data.merge_group;
      return {
        kind: 'merge_group',
        headSha: g.head_sha,
        headRef: g.head_ref,
        baseSha: g.base_sha,
        baseRef: g.base_ref,
        sender: p.data.sender,
      };
    }
    default:
      return { kind: 'ignored', reason: `the ${name} event is not acted on` };
  }
}

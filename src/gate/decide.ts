/**
 * What the gate does about one input, decided without any I/O: read this to know what any event or
 * command does. `intake` turns an event into the command it stands for (or ends it: ignored, already
 * handled, a stale approval, a dead button); `decide` takes that command with its actor, door and time
 * and returns the next state and the effects to apply — comments, check runs, the review, and the
 * execution to start — in order. `handleEvent` (handle.ts) loads the view, calls these, and applies.
 *
 * The lifecycle moves only along the named edges of src/plan/lifecycle.ts, and a command acts only in
 * the states where its table says it applies. New rules go here: add a field to `CommandInput` (or
 * `DecideContext`) and a guard to `decide`; the effects stay the same.
 */
import type { Intervention } from './audit.js';
import { parseDuration } from '../plan/duration.js';
import { applies, EDGES, follow, type LifecycleCommand } from '../plan/lifecycle.js';
import { checkpointApprovers } from '../plan/schema.js';
import { codeSpan } from '../render/markdown.js';
import { authorize, type Actor, type Door } from './authorize.js';
import { liveButtons } from './buttons.js';
import { isCommandName, parseComment, type CommandName } from './commands.js';
import type { GateEvent, Sender } from './events.js';
import { mergePlanConfig, type Policy } from './policy.js';
import type { CheckRunInfo, CheckRunInput } from './port.js';
import { renderHelp } from './help.js';
import { policyProblem, refusal } from './publish.js';
import { withPusher, type Contribution } from './rules/contributors.js';
import { pinnedCommit, pinnedHeadRefusal } from './rules/pinned-head.js';
import { checkpointRefusal, checkpointWhoMay, recordConfirmation } from './rules/checkpoint-approvers.js';
import {
  approvalEntry,
  approvalNeed,
  liveApprovals,
  quorumStatus,
  recordApproval,
  shortfallWords,
  type ApprovalNeed,
} from './rules/quorum.js';
import { judgeReplay, markHandled } from './rules/replay.js';
import { sharedHeadRefusal, type OtherPullRequest } from './rules/shared-head.js';
import type { StoredState } from './state.js';
import {
  bindingAfterPush,
  freshState,
  short,
  stepCheckName,
  stepExternalId,
  type Binding,
  type View,
} from './view.js';

export type ValidView = View & { plan: Extract<View['plan'], { kind: 'valid' }> };

/** What starts steps: a `/proceed` (or approval), a `/retry`, a `/skip`. */
export type Trigger = 'proceed' | 'retry' | 'skip';

/** One thing for `apply` to do, in the order given. */
export type Effect =
  | { kind: 'comment'; body: string }
  /**
   * Render the plan: the review, `proceed/plan` and `proceed/verify`, with the binding after a push.
   * `reports`: its outcome is the result (a push, `/plan`), rather than the decision's summary.
   */
  | { kind: 'publish-plan'; reports: boolean; binding?: Binding }
  | { kind: 'check-run'; check: CheckRunInput }
  /** Write the bot's review for this state (with the check runs as they are then). */
  | { kind: 'write-review'; stored: StoredState }
  | { kind: 'release-lock' }
  /** Take the lock and run the approved plan from its first step not done (or hand it over, without a runner). */
  | { kind: 'execute'; trigger: Trigger; stored: StoredState; by: string; door?: Door }
  | { kind: 'rollback'; stored: StoredState; by: string }
  /** Stop the plan: a running execution through its watcher, anything else here. */
  | { kind: 'cancel'; stored: StoredState; by: string; door: Door }
  /** End the plan's open GitHub Deployment as inactive, saying why (a checkpoint that timed out). */
  | { kind: 'end-deployment'; why: string }
  /** Add an intervention outside an execution (a checkpoint that timed out) to the audit record of `stored`'s approval. */
  | { kind: 'audit'; stored: StoredState; intervention: Intervention };

export interface Decision {
  /** The state the review holds afterwards (undefined: no plan, nothing stored). */
  state: StoredState | undefined;
  effects: Effect[];
  /** For the log and the job summary, unless an execution effect reports its own. */
  summary: string;
}

/** What `decide` needs besides the view and the command: facts of the door, and the time. */
export interface DecideContext {
  now: Date;
  /** Where the repository policy lives, for the message when it is invalid. */
  policyPath: string;
}

/** A command as `decide` takes it: what, from whom (as `authorize` needs them), through which door. */
export interface CommandInput extends DecideContext {
  kind: 'command';
  command: CommandName;
  actor: Actor;
  door: Door;
  /** The comment (or, negated, the approving review) this command is; recorded so it is acted on once. */
  handledId?: number;
  /** When the comment was written: a comment older than the rendered plan was about another plan. */
  writtenAt?: string;
  /**
   * The sender as read under the approvers the policy gives the plan's environment (issue 14), when
   * it gives any and the command runs something (`environmentApprovers`); handle.ts loads it.
   */
  environmentActor?: Actor;
  /** The commit a `/proceed <sha>` names: the command acts only while it is the head (issue 12, attack 10). */
  pin?: string;
  /**
   * Who authored, committed or pushed the pull request's commits (issue 12, attack 5), loaded by the
   * door for a command that runs steps under `self_approval: false`; authors too, for `authorize`.
   */
  contributions?: Contribution[];
  /**
   * The other open pull requests with this head (issue 12, attack 1), loaded for a command that runs
   * steps: each one's view, the actor as its policy sees them, and its contributions.
   */
  sharedHead?: SharedHead[];
}

/** Another open pull request on the same head, as `decide` judges the approver against its policy. */
export interface SharedHead {
  view: View;
  actor: Actor;
  contributions: Contribution[];
}

/** The commands that start or change an execution: the ones the issue 12 rules guard. */
export const RUNS: readonly CommandName[] = ['proceed', 'retry', 'skip', 'rollback'];

export type DecideInput =
  | CommandInput
  /** Opened, reopened, ready for review, or a push (`pusher`: the sender of a `synchronize`). */
  | (DecideContext & { kind: 'push'; pusher?: string })
  /** Closed (the lock is already released). */
  | (DecideContext & { kind: 'closed' })
  /** `reviewer`'s approving review was dismissed by `by`. */
  | (DecideContext & { kind: 'withdraw'; reviewer: string; by: string });

/** An event, once read: the command it stands for, or the decision that ends it here. */
export type Intake =
  | {
      kind: 'command';
      command: CommandName;
      sender: Sender;
      door: Door;
      handledId?: number;
      writtenAt?: string;
      pin?: string;
    }
  | { kind: 'push'; pusher?: string }
  | { kind: 'closed' }
  /** An approving review was dismissed: what it approved no longer counts (issue 15). */
  | { kind: 'withdraw'; reviewer: string; by: string }
  | { kind: 'done'; decision: Decision };

const done = (view: View, summary: string, effects: Effect[] = []): Intake => ({
  kind: 'done',
  decision: { state: view.stored, effects, summary },
});

/**
 * Which command an event stands for, given the view (and, for a button, the check runs of the head).
 * Events that ask for no view (a bot's event, a review that is not an approval, a comment without a
 * command) are turned away by `handleEvent` before anything is read.
 */
export function intake(view: View, event: GateEvent, checks: CheckRunInfo[] = []): Intake {
  switch (event.kind) {
    case 'pull_request':
      if (event.action === 'closed') return { kind: 'closed' };
      // Who pushed counts as an author of what they pushed (issue 12, attack 5).
      return event.action === 'synchronize' ? { kind: 'push', pusher: event.sender.login } : { kind: 'push' };
    case 'review-dismissed':
      return { kind: 'withdraw', reviewer: event.reviewer, by: event.sender.login };
    case 'review': {
      // An approving review by someone allowed, on the current head, counts as `/proceed` (SPEC §3).
      if (event.commitId !== view.pr.headSha) {
        return done(view, `Approval by ${event.sender.login} ignored: it is for an older commit.`, [
          {
            kind: 'comment',
            body: refusal(
              'approval',
              `This approval is for an older commit, ${codeSpan(short(event.commitId))}; the head is now ${codeSpan(short(view.pr.headSha))}. ` +
                'Approve the current head, or comment `/proceed`.',
            ),
          },
        ]);
      }
      // A redelivered approval, or a re-run of its workflow, must not confirm a checkpoint reached since.
      const replay = judgeReplay(view.stored, { kind: 'review', id: event.reviewId });
      if (replay.kind === 'handled') return done(view, `Review ${event.reviewId} was already handled.`);
      if (replay.kind === 'stale') {
        return done(
          view,
          `Approval ${event.reviewId} by ${event.sender.login} not acted on: ${replay.reason}`,
          [{ kind: 'comment', body: refusal('approval', replay.reason) }],
        );
      }
      return {
        kind: 'command',
        command: 'proceed',
        sender: event.sender,
        door: 'review',
        handledId: -event.reviewId,
      };
    }
    case 'comment': {
      const parsed = parseComment(event.body);
      // Acted on once, and never once overtaken by a later command or a change of state (issue 12, attack 4).
      const replay = judgeReplay(view.stored, {
        kind: 'comment',
        id: event.commentId,
        ...(event.createdAt ? { createdAt: event.createdAt } : {}),
      });
      if (replay.kind === 'handled') return done(view, `Comment ${event.commentId} was already handled.`);
      if (
        replay.kind === 'stale' &&
        parsed.kind === 'command' &&
        !['help', 'plan'].includes(parsed.command)
      ) {
        return done(view, `Comment ${event.commentId} not acted on: ${replay.reason}`, [
          { kind: 'comment', body: refusal(`/${parsed.command}`, replay.reason) },
        ]);
      }
      if (parsed.kind === 'invalid') {
        return done(view, `Refused a comment: ${parsed.message}`, [
          { kind: 'comment', body: refusal('command', parsed.message) },
        ]);
      }
      if (parsed.kind === 'none') return done(view, 'Ignored: the comment has no command.');
      return {
        kind: 'command',
        command: parsed.command,
        sender: event.sender,
        door: 'comment',
        handledId: event.commentId,
        writtenAt: event.createdAt,
        pin: pinnedCommit(parsed.args),
      };
    }
    case 'button': {
      // A press on a superseded run, a second click, or a redelivered webhook is ignored without a word.
      const pressed = `The ${event.identifier} button pressed by ${event.sender.login} on check run ${event.checkRunId}`;
      if (event.headSha !== view.pr.headSha) {
        return done(
          view,
          `${pressed} is for ${short(event.headSha)}, not the head ${short(view.pr.headSha)}; ignored.`,
        );
      }
      if (view.plan.kind === 'valid' && !view.policyErrors.length) {
        const check = checks.find((c) => c.id === event.checkRunId);
        const live = check
          ? liveButtons(check, checks, view.stored, {
              hash: view.plan.hash,
              stepIds: view.plan.plan.steps.map((s) => s.id),
            })
          : [];
        if (!live.some((command) => command === event.identifier))
          return done(
            view,
            `${pressed} no longer applies (the plan is ${view.stored?.state ?? 'proposed'}); ignored.`,
          );
      }
      // Anything else is refused by `authorize` with a message, like a comment would be.
      const command = isCommandName(event.identifier) ? event.identifier : 'help';
      return { kind: 'command', command, sender: event.sender, door: 'button' };
    }
    case 'merge_group':
      // Not a pull request's event: `handleEvent` answers it before any view (merge-group-gate.ts).
      return done(view, 'Ignored: a merge group is gated by merge-group-gate.ts, not on a pull request.');
  }
}

/** Whether intake needs the head's check runs to read this event (a button's liveness). */
export function intakeNeedsChecks(view: View, event: GateEvent): boolean {
  return (
    event.kind === 'button' &&
    event.headSha === view.pr.headSha &&
    view.plan.kind === 'valid' &&
    !view.policyErrors.length
  );
}

/** The next state and the effects of one input: the whole of what the gate decides. */
export function decide(view: View, input: DecideInput): Decision {
  switch (input.kind) {
    case 'push': {
      const binding = bindingAfterPush(view);
      // Who pushed counts as an author of what they pushed (issue 12, attack 5).
      if (input.pusher && binding.stored)
        binding.stored = withPusher(binding.stored, input.pusher, view.pr.headSha);
      return {
        state: binding.stored,
        effects: [{ kind: 'publish-plan', reports: true, binding }],
        summary: 'Rendered.',
      };
    }
    case 'closed':
      return onClosed(view);
    case 'withdraw':
      return onWithdraw(view, input.reviewer, input.by);
    case 'command':
      return onCommand(view, input);
  }
}

/** Closed: a plan that was still going ends as cancelled (the lock was released before the view was read). */
function onClosed(view: View): Decision {
  const stored = view.stored;
  const number = view.pr.number;
  if (
    view.plan.kind === 'valid' &&
    stored &&
    (EDGES.close.from as readonly string[]).includes(stored.state)
  ) {
    const next: StoredState = {
      ...stored,
      state: follow('close'),
      reason: 'the pull request was closed',
      pausedAt: undefined,
    };
    return {
      state: next,
      effects: [{ kind: 'write-review', stored: next }],
      summary: `Pull request #${number} closed: the plan is cancelled and the lock released.`,
    };
  }
  return { state: stored, effects: [], summary: `Pull request #${number} closed; the lock is released.` };
}

/**
 * A dismissed approving review no longer counts, as on GitHub (issue 15): the approvals it gave are
 * removed. Before anything ran the plan goes back to `proposed` (`withdraw`); a plan stopped part-way
 * keeps its state, and its next `/proceed` is a new approval by whoever gives it; a running execution
 * is not stopped by a dismissal (`/cancel` stops it), nor is a verified plan undone.
 */
function onWithdraw(view: View, reviewer: string, by: string): Decision {
  const stored = view.stored;
  const theirs = (a: { by: string; via: Door }) =>
    a.via === 'review' && a.by.toLowerCase() === reviewer.toLowerCase();
  const bound = stored?.approval !== undefined && theirs(stored.approval);
  const approvals = (stored?.approvals ?? []).filter((a) => !theirs(a));
  if (!stored || (!bound && approvals.length === (stored.approvals ?? []).length))
    return {
      state: stored,
      effects: [],
      summary: `The dismissed review of ${reviewer} gave no approval that counts.`,
    };
  if (['executing', 'verifying', 'verified'].includes(stored.state)) {
    return {
      state: stored,
      effects: [],
      summary: `The review of ${reviewer} was dismissed while the plan is ${stored.state}; that does not stop or undo it (\`/cancel\` stops a running execution).`,
    };
  }
  const next: StoredState = {
    ...stored,
    ...(stored.approvals ? { approvals } : {}),
    ...(bound ? { approval: undefined } : {}),
    ...(bound && stored.state === 'approved' ? { state: follow('withdraw') } : {}),
  };
  const notice = `The approval of ${codeSpan(reviewer)} was withdrawn: ${codeSpan(by)} dismissed the review that gave it. Approve again or comment \`/proceed\`.`;
  return {
    state: next,
    effects: [{ kind: 'publish-plan', reports: true, binding: { stored: next, notice } }],
    summary: `The approval of ${reviewer} was withdrawn: ${by} dismissed their review.`,
  };
}

/** Every command, from a comment, a review or a button: who may, then what it does in this state. */
function onCommand(view: View, input: CommandInput): Decision {
  const { command, actor, door } = input;
  const login = actor.login;
  const allowSkip =
    view.plan.kind === 'valid' && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  const decision = authorize({
    command,
    actor,
    prAuthor: view.pr.author.login,
    isFork: view.pr.isFork,
    policy: view.policy,
    allowSkip,
    door,
    contributions: input.contributions ?? [],
  });
  if (!decision.allowed) {
    return refuse(
      view,
      `/${command}`,
      decision.reason,
      `Refused /${command} from ${login}: ${decision.reason}`,
      decision.whoMay,
    );
  }
  const shared = RUNS.includes(command)
    ? sharedHeadRefusal(
        view.pr.headSha,
        (input.sharedHead ?? []).map((o) => judgeShared(o, command, door)),
      )
    : undefined;
  if (shared) return refuse(view, `/${command}`, shared, `Refused /${command} from ${login}: ${shared}`);
  if (command === 'help') {
    return {
      state: view.stored,
      effects: [{ kind: 'comment', body: renderHelp(view.policy, allowSkip) }],
      summary: `Answered /help for ${login}.`,
    };
  }
  if (command === 'plan') return decide(view, { kind: 'push', now: input.now, policyPath: input.policyPath });

  // Everything else acts on a valid plan under a valid policy.
  const unusable = whyUnusable(view, input.policyPath);
  if (unusable) return refuse(view, `/${command}`, unusable, `Refused /${command}: ${unusable}`);
  const valid = view as ValidView;
  const forEnvironment = environmentRefusal(valid, input);
  if (forEnvironment)
    return refuse(
      view,
      `/${command}`,
      forEnvironment,
      `Refused /${command} from ${login}: ${forEnvironment}`,
    );
  const unseen = door === 'comment' ? unseenPlan(valid, input.writtenAt) : undefined;
  if (unseen) {
    // The comment was written about another plan than the one at the head now: show this one, ask again.
    return {
      state: view.stored,
      effects: [
        { kind: 'publish-plan', reports: false },
        { kind: 'comment', body: refusal(`/${command}`, unseen) },
      ],
      summary: `Refused /${command}: the comment predates the plan at the head.`,
    };
  }
  const moved = RUNS.includes(command) ? pinnedHeadRefusal(input.pin, valid.pr.headSha) : undefined;
  if (moved)
    return refuse(view, `/${command}`, moved, `Refused /${command}: it names ${input.pin}, not the head.`);
  let stored: StoredState = bindingAfterPush(valid).stored ?? freshState(valid);
  const handledId = input.handledId;
  if (handledId !== undefined)
    stored = markHandled(
      stored,
      handledId > 0 ? { kind: 'comment', id: handledId } : { kind: 'review', id: -handledId },
    );
  if (overdue(valid, stored, input.now) && stored.next) {
    // A late confirmation is not a confirmation: the timeout is said first, and a new /proceed resumes.
    const expiry = expireCheckpoint(valid, stored, input.now);
    return {
      state: expiry.stored,
      effects: [
        { kind: 'check-run', check: expiry.check },
        { kind: 'audit', stored, intervention: expiry.intervention },
        { kind: 'write-review', stored: expiry.stored },
        { kind: 'end-deployment', why: `The checkpoint before ${stored.next} timed out` },
        {
          kind: 'comment',
          body: refusal(
            `/${command}`,
            `The checkpoint before ${codeSpan(stored.next)} timed out: nobody confirmed it within ${view.policy.checkpoint_timeout}, so the plan was cancelled. Comment \`/proceed\` again to resume from that step.`,
          ),
        },
      ],
      summary: `Checkpoint timed out; /${command} not acted on.`,
    };
  }
  return inState(valid, stored, command, input);
}

/** A lifecycle command, authorized, on a valid plan: what it does in the stored state (the table's guard). */
function inState(
  view: ValidView,
  stored: StoredState,
  command: LifecycleCommand,
  input: CommandInput,
): Decision {
  const { door } = input;
  const login = input.actor.login;
  if (!applies(stored.state, command)) {
    if (command === 'rollback') {
      return refuse(
        view,
        '/rollback',
        'The plan is executing; `/cancel` it first, then `/rollback`.',
        'Refused /rollback while executing.',
        undefined,
        stored,
      );
    }
    const why =
      command === 'proceed'
        ? PROCEED_STOPPED[stored.state as keyof typeof PROCEED_STOPPED]?.(view, stored)
        : undefined;
    return {
      state: stored,
      effects: [
        {
          kind: 'comment',
          body: refusal(
            `/${command}`,
            why ?? `There is nothing to ${command}: the plan is ${stored.state.replace('-', ' ')}.`,
          ),
        },
        { kind: 'write-review', stored },
      ],
      summary:
        command === 'proceed'
          ? `/proceed from ${login}: nothing to start (${stored.state}).`
          : `/${command}: nothing to do in state ${stored.state}.`,
    };
  }
  switch (command) {
    case 'proceed':
    case 'retry':
    case 'skip':
      return startOrResume(view, stored, command, input);
    case 'cancel':
      return {
        state: stored,
        effects: [{ kind: 'cancel', stored, by: login, door }],
        summary: `/cancel from ${login}.`,
      };
    case 'rollback':
      return {
        state: stored,
        effects: [{ kind: 'rollback', stored, by: login }],
        summary: `/rollback from ${login}.`,
      };
  }
}

/**
 * A `/proceed` (or approval), `/retry` or `/skip` by someone `authorize` allowed (issue 15): the
 * sender's approval is recorded (or renewed); a checkpoint with approvers of its own is passed only by
 * them, `count` of them; and nothing starts or resumes until the quorum holds — `approvers.count`
 * distinct approvals of this head and plan, none older than `approval_ttl`, a code owner among them
 * when the policy asks. Short of that, the plan stays where it is and the reply says what is missing.
 */
function startOrResume(
  view: ValidView,
  stored: StoredState,
  trigger: Trigger,
  input: CommandInput,
): Decision {
  const { actor, door, now } = input;
  const login = actor.login;
  const binding = {
    headSha: view.pr.headSha,
    planHash: view.plan.hash,
    bindTo: view.policy.bind_approval_to,
  };
  const entry = approvalEntry(login, door, now, view.pr.headSha, view.plan.hash, actor.teams);
  let next: StoredState = { ...stored, approvals: recordApproval(liveApprovals(stored, binding), entry) };

  // A checkpoint that names who may pass it (a `/proceed` confirms it, a `/skip` passes over it), also
  // once the plan was cancelled there (a timeout): the `/proceed` that resumes it confirms it too.
  const at = waitingAt(stored);
  const step = at ? view.plan.plan.steps.find((s) => s.id === at) : undefined;
  const gate = step && trigger !== 'retry' ? checkpointApprovers(step) : undefined;
  if (at && gate) {
    const why = checkpointRefusal(gate, actor, at);
    if (why)
      return refuse(
        view,
        `/${trigger}`,
        why,
        `Refused /${trigger} from ${login} at the checkpoint before ${at}.`,
        checkpointWhoMay(gate),
        stored,
      );
    if (trigger === 'proceed') {
      const confirmations = recordConfirmation(next.confirmations ?? [], at, login, now);
      next = { ...next, confirmations };
      if (confirmations.length < gate.count) {
        const more = gate.count - confirmations.length;
        return waitFor(
          next,
          `${codeSpan(login)} confirmed the checkpoint before ${codeSpan(at)} (${confirmations.length} of ${gate.count}): ` +
            `${more} more confirmation${more === 1 ? ' is' : 's are'} needed from ${checkpointWhoMay(gate)}.`,
          `/proceed from ${login}: checkpoint before ${at} confirmed ${confirmations.length} of ${gate.count}.`,
        );
      }
    }
  }

  const need = needOf(view);
  const status = quorumStatus(next.approvals ?? [], need, now);
  if (!status.satisfied) {
    const words = shortfallWords(status, need);
    return waitFor(
      next,
      words,
      `/${trigger} from ${login}: approval recorded, not enough to run (${status.fresh.length} of ${need.count}).`,
    );
  }
  if (!next.approval || next.state === 'proposed') {
    next = {
      ...next,
      state: follow('approve'),
      approval: {
        by: login,
        via: door,
        at: now.toISOString(),
        headSha: view.pr.headSha,
        planBlob: view.plan.blobSha,
        planHash: view.plan.hash,
      },
      confirmed: [],
    };
  }
  return execute({ ...next, confirmations: undefined }, trigger, login, door);
}

/** The step a `/proceed` would confirm the checkpoint of: where the plan paused, or was cancelled. */
export function waitingAt(stored: StoredState | undefined): string | undefined {
  return stored && (stored.state === 'paused' || stored.state === 'cancelled') ? stored.next : undefined;
}

/** The approvals recorded, not enough yet: the review shows them, the reply says what is missing. */
function waitFor(stored: StoredState, why: string, summary: string): Decision {
  return {
    state: stored,
    effects: [
      { kind: 'write-review', stored },
      { kind: 'comment', body: `### ⏳ Waiting for approvals\n\n${why}` },
    ],
    summary,
  };
}

/** What the quorum needs on this view: the policy's and its environment's count, the ttl, the code owners. */
export function needOf(view: View): ApprovalNeed {
  const environment = view.plan.kind === 'valid' ? view.plan.plan.environment : undefined;
  return approvalNeed(view.policy, environment, view.codeOwners);
}

/** How the policy of another open pull request with this head judges the approver (issue 12, attack 1). */
function judgeShared(other: SharedHead, command: CommandName, door: Door): OtherPullRequest {
  const { view } = other;
  if (view.policyErrors.length) {
    return {
      number: view.pr.number,
      decision: {
        allowed: false,
        reason: 'its repository policy is invalid.',
        whoMay: 'nobody until it is fixed',
      },
    };
  }
  const allowSkip =
    view.plan.kind === 'valid' && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  return {
    number: view.pr.number,
    decision: authorize({
      command,
      actor: other.actor,
      prAuthor: view.pr.author.login,
      isFork: view.pr.isFork,
      policy: view.policy,
      allowSkip,
      door,
      contributions: other.contributions,
    }),
  };
}

function execute(stored: StoredState, trigger: Trigger, by: string, door?: Door): Decision {
  return {
    state: stored,
    effects: [{ kind: 'execute', trigger, stored, by, ...(door ? { door } : {}) }],
    summary: `/${trigger} from ${by}.`,
  };
}

/** The commands an environment's policy judges: those that run something (`/cancel` never is). */
const ENVIRONMENT_COMMANDS: readonly CommandName[] = ['proceed', 'retry', 'skip', 'rollback'];

/**
 * The approvers the policy gives the plan's environment, when `command` is judged by them: whom
 * `handleEvent` reads the sender under (`environmentActor`) before it decides.
 */
export function environmentApprovers(view: View, command: CommandName): Policy['approvers'] | undefined {
  if (view.plan.kind !== 'valid' || view.policyErrors.length) return undefined;
  const name = view.plan.plan.environment;
  if (!name || !ENVIRONMENT_COMMANDS.includes(command)) return undefined;
  return view.policy.environments?.[name]?.approvers;
}

/**
 * Why the plan's environment stops the command, or undefined when it does not (issue 14): an
 * environment the policy does not list (when it lists any), or a sender outside the environment's
 * own approvers (on top of the global `approvers`, so it only ever tightens). Only commands that run
 * something are judged; `/cancel` never is.
 */
export function environmentRefusal(view: ValidView, input: CommandInput): string | undefined {
  const { command } = input;
  const name = view.plan.plan.environment;
  if (!name || !ENVIRONMENT_COMMANDS.includes(command)) return undefined;
  const listed = view.policy.environments;
  if (listed && !Object.hasOwn(listed, name)) {
    const allowed = Object.keys(listed);
    return (
      `The plan names the environment ${codeSpan(name)}, which \`.github/proceed.yml\` does not allow ` +
      `(${allowed.length ? `allowed: ${allowed.map((e) => codeSpan(e)).join(', ')}` : 'it allows none'}). ` +
      'Name an allowed environment in the plan, or add this one to `environments` on the base branch.'
    );
  }
  const approvers = environmentApprovers(view, command);
  if (!approvers) return undefined;
  // Not loaded (a caller that skipped `environmentApprovers`): nobody is taken to be allowed.
  if (!input.environmentActor)
    return `Plans for the environment ${codeSpan(name)} need its own approvers too, and who they are was not read.`;
  const policy: Policy = { ...view.policy, approvers };
  const decision = authorize({
    command,
    actor: input.environmentActor,
    prAuthor: view.pr.author.login,
    isFork: view.pr.isFork,
    policy,
    allowSkip: true,
    door: input.door,
  });
  return decision.allowed
    ? undefined
    : `Plans for the environment ${codeSpan(name)} need its own approvers too: ${decision.reason} Who may: ${decision.whoMay}.`;
}

/** Why `/proceed` starts nothing in a state where it does not apply. */
const PROCEED_STOPPED = {
  failed: (_view: ValidView, stored: StoredState) =>
    `Step ${codeSpan(stored.next ?? '?')} failed: \`/retry\` runs it again, \`/skip\` skips it (when the plan allows), \`/cancel\` stops.`,
  'verify-failed': () => 'The verify phase failed: `/retry` runs it again.',
  verified: (view: ValidView) =>
    `The plan is already verified on ${codeSpan(short(view.pr.headSha))}; there is nothing left to run.`,
} as const;

function refuse(
  view: View,
  what: string,
  reason: string,
  summary: string,
  whoMay?: string,
  state: StoredState | undefined = view.stored,
): Decision {
  return { state, effects: [{ kind: 'comment', body: refusal(what, reason, whoMay) }], summary };
}

/** Whether the plan has waited at its checkpoint longer than the policy's `checkpoint_timeout`. */
export function overdue(view: View, stored: StoredState, now: Date): boolean {
  if (stored.state !== 'paused' || !stored.pausedAt || !stored.next) return false;
  return now.getTime() - Date.parse(stored.pausedAt) > parseDuration(view.policy.checkpoint_timeout);
}

/**
 * A checkpoint nobody confirmed within `checkpoint_timeout` ends the plan as timed out: the state, the
 * step's check run saying so, and the time-out for the audit record.
 */
export function expireCheckpoint(
  view: ValidView,
  stored: StoredState,
  now: Date,
): { stored: StoredState; check: CheckRunInput; intervention: Intervention } {
  const step = stored.next ?? '';
  return {
    intervention: {
      action: 'time-out',
      by: `checkpoint_timeout (${view.policy.checkpoint_timeout})`,
      at: now.toISOString(),
      state: follow('time-out'),
    },
    check: {
      name: stepCheckName(step),
      headSha: view.pr.headSha,
      status: 'completed',
      conclusion: 'timed_out',
      externalId: stepExternalId(view.plan.hash, step),
      completedAt: now.toISOString(),
      title: 'Checkpoint timed out',
      summary: `Nobody confirmed the checkpoint within ${view.policy.checkpoint_timeout} (\`checkpoint_timeout\`). \`/proceed\` resumes from here.`,
    },
    stored: {
      ...stored,
      state: follow('time-out'),
      confirmed: [],
      reason: `the checkpoint before ${step} timed out after ${view.policy.checkpoint_timeout}`,
    },
  };
}

/**
 * Why a command comment cannot be about the plan at the head: the bot has not rendered this head yet
 * (a push raced the comment), or the comment was written before it did.
 */
function unseenPlan(view: ValidView, writtenAt: string | undefined): string | undefined {
  const head = codeSpan(short(view.pr.headSha));
  const again = 'Read the plan in the review, then comment again.';
  if (!view.stored || view.stored.headSha !== view.pr.headSha) {
    return `The plan at the head, ${head}, had not been rendered when this comment was handled (a push came in). ${again}`;
  }
  const rendered = view.stored.renderedAt;
  // GitHub's timestamps have whole seconds: compare at that resolution.
  if (writtenAt && rendered && Date.parse(writtenAt) < Math.floor(Date.parse(rendered) / 1000) * 1000) {
    return `This comment was written before the plan at the head, ${head}, was rendered, so it was about another plan. ${again}`;
  }
  return undefined;
}

/** Why nothing can be approved or run on this view: an invalid policy, or no single valid plan. */
export function whyUnusable(view: View, policyPath: string): string | undefined {
  if (view.policyErrors.length) return policyProblem(view, policyPath);
  switch (view.plan.kind) {
    case 'none':
      return 'This pull request has no plan file, so there is nothing to run.';
    case 'many':
      return 'This pull request has more than one plan; keep one plan per pull request.';
    case 'invalid':
      return `The plan ${codeSpan(view.plan.path)} is invalid; fix the errors in the \`proceed/plan\` check first.`;
    default:
      return undefined;
  }
}

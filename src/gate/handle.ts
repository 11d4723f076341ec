import { acquireLock, forceReleaseLock } from '../github/lock.js';
import { parseDuration } from '../plan/duration.js';
import { codeSpan } from '../render/markdown.js';
import { actorOf } from './actor.js';
import { authorize, type Door } from './authorize.js';
import { parseComment, type CommandName } from './commands.js';
import type { GateEvent, Sender } from './events.js';
import { cancelPlan, executeApproved, rollbackPlan, type Trigger } from './execute.js';
import { renderHelp } from './help.js';
import { mergePlanConfig } from './policy.js';
import {
  policyProblem,
  publishPlan,
  refusal,
  result,
  reviewBody,
  writeReview,
  type GateResult,
} from './publish.js';
import type { LifecycleState, StoredState } from './state.js';
import {
  bindingAfterPush,
  freshState,
  loadView,
  short,
  stepCheckName,
  stepExternalId,
  type GateEnv,
  type View,
} from './view.js';

export type { GateEnv } from './view.js';
export type { GateResult } from './publish.js';

type ValidView = View & { plan: Extract<View['plan'], { kind: 'valid' }> };

/**
 * The single entry point: one event in, the pull request's review, checks and (when approved) steps
 * brought up to date. What happens on `/proceed`: `onCommand` → `authorize` → `proceed`.
 */
export async function handleEvent(env: GateEnv, event: GateEvent): Promise<GateResult> {
  if (event.sender.type !== 'User') {
    return {
      state: 'none',
      failed: false,
      summary: `Ignored: sent by ${event.sender.login}, a ${event.sender.type.toLowerCase()}.`,
    };
  }
  switch (event.kind) {
    case 'pull_request':
      if (event.action === 'closed') return onClosed(env, event.number);
      return onPush(env, event.number);
    case 'review':
      return onReview(env, event);
    case 'comment':
      return onComment(env, event);
    case 'button':
      return onCommand(
        env,
        await loadView(env, event.number),
        event.identifier as CommandName,
        event.sender,
        'button',
      );
  }
}

/** Opened, reopened, ready for review, or a push: render the plan and check the approval's binding. */
async function onPush(env: GateEnv, number: number): Promise<GateResult> {
  const view = await loadView(env, number);
  return publishPlan(env, view, bindingAfterPush(view));
}

/** Closed: the lock is released, and a plan that was still going ends as cancelled. */
async function onClosed(env: GateEnv, number: number): Promise<GateResult> {
  await forceReleaseLock(env.port, number);
  const view = await loadView(env, number);
  const stored = view.stored;
  if (
    view.plan.kind === 'valid' &&
    stored &&
    ['approved', 'executing', 'paused', 'failed'].includes(stored.state)
  ) {
    const next: StoredState = {
      ...stored,
      state: 'cancelled',
      reason: 'the pull request was closed',
      pausedAt: undefined,
    };
    await writeReview(env, view, reviewBody(view, next, await env.port.listCheckRuns(view.pr.headSha)), next);
    return result(view, `Pull request #${number} closed: the plan is cancelled and the lock released.`, next);
  }
  return result(view, `Pull request #${number} closed; the lock is released.`);
}

/** An approving review by someone allowed, on the current head, counts as `/proceed` (SPEC §3). */
async function onReview(env: GateEnv, event: Extract<GateEvent, { kind: 'review' }>): Promise<GateResult> {
  if (event.state !== 'approved') {
    return {
      state: 'none',
      failed: false,
      summary: `Ignored: a review that ${event.state.replace('_', ' ')}, not an approval.`,
    };
  }
  const view = await loadView(env, event.number);
  if (event.commitId !== view.pr.headSha) {
    await env.port.createComment(
      event.number,
      refusal(
        'approval',
        `This approval is for an older commit, ${codeSpan(short(event.commitId))}; the head is now ${codeSpan(short(view.pr.headSha))}. ` +
          'Approve the current head, or comment `/proceed`.',
      ),
    );
    return result(view, `Approval by ${event.sender.login} ignored: it is for an older commit.`);
  }
  return onCommand(env, view, 'proceed', event.sender, 'review');
}

async function onComment(env: GateEnv, event: Extract<GateEvent, { kind: 'comment' }>): Promise<GateResult> {
  const parsed = parseComment(event.body);
  if (parsed.kind === 'none')
    return { state: 'none', failed: false, summary: 'Ignored: the comment has no command.' };
  await env.port.reactToComment(event.commentId, 'eyes');
  const view = await loadView(env, event.number);
  if (view.stored?.handled.includes(event.commentId)) {
    return result(view, `Comment ${event.commentId} was already handled.`);
  }
  if (parsed.kind === 'invalid') {
    await env.port.createComment(event.number, refusal('command', parsed.message));
    return result(view, `Refused a comment: ${parsed.message}`);
  }
  return onCommand(env, view, parsed.command, event.sender, 'comment', event.commentId);
}

/** Every command, from a comment, a review or a button, goes through here: who may, then what it does. */
async function onCommand(
  env: GateEnv,
  view: View,
  command: CommandName,
  sender: Sender,
  door: Door,
  commentId?: number,
): Promise<GateResult> {
  const number = view.pr.number;
  const allowSkip =
    view.plan.kind === 'valid' && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  const actor = await actorOf(env, view.policy, sender, command);
  const decision = authorize({
    command,
    actor,
    prAuthor: view.pr.author.login,
    isFork: view.pr.isFork,
    policy: view.policy,
    allowSkip,
    door,
  });
  if (!decision.allowed) {
    await env.port.createComment(number, refusal(`/${command}`, decision.reason, decision.whoMay));
    return result(view, `Refused /${command} from ${sender.login}: ${decision.reason}`);
  }
  if (command === 'help') {
    await env.port.createComment(number, renderHelp(view.policy, allowSkip));
    return result(view, `Answered /help for ${sender.login}.`);
  }
  if (command === 'plan') return publishPlan(env, view, bindingAfterPush(view));

  // Everything else acts on a valid plan under a valid policy.
  const unusable = whyUnusable(env, view);
  if (unusable) {
    await env.port.createComment(number, refusal(`/${command}`, unusable));
    return result(view, `Refused /${command}: ${unusable}`);
  }
  const valid = view as ValidView;
  const binding = bindingAfterPush(valid);
  let stored: StoredState = binding.stored ?? freshState(valid);
  if (commentId !== undefined) stored = { ...stored, handled: [...stored.handled, commentId] };
  const expired = await expireCheckpoint(env, valid, stored);
  if (expired !== stored) {
    // A late confirmation is not a confirmation: the timeout is said first, and a new /proceed resumes.
    await writeReview(env, valid, reviewBody(valid, expired, await env.port.listCheckRuns(valid.pr.headSha)), expired);
    await env.port.createComment(
      number,
      refusal(`/${command}`, `The checkpoint before ${codeSpan(stored.next ?? '?')} timed out: nobody confirmed it within ${view.policy.checkpoint_timeout}, so the plan was cancelled. Comment \`/proceed\` again to resume from that step.`),
    );
    return result(view, `Checkpoint timed out; /${command} not acted on.`, expired);
  }

  switch (command) {
    case 'proceed':
      return proceed(env, valid, stored, sender.login, door);
    case 'retry':
      if (!['failed', 'verify-failed', 'executing'].includes(stored.state))
        return nothingTo(env, valid, stored, 'retry');
      return executeApproved(env, valid, stored, 'retry', sender.login);
    case 'skip':
      if (!['failed', 'paused'].includes(stored.state)) return nothingTo(env, valid, stored, 'skip');
      return executeApproved(env, valid, stored, 'skip', sender.login);
    case 'cancel':
      return cancel(env, valid, stored, sender.login);
    case 'rollback':
      if (stored.state === 'executing') {
        await env.port.createComment(
          number,
          refusal('/rollback', 'The plan is executing; `/cancel` it first, then `/rollback`.'),
        );
        return result(view, 'Refused /rollback while executing.', stored);
      }
      return rollbackPlan(env, valid, stored, sender.login);
  }
}

/** `/proceed` (or an approving review): approve when not yet approved, then start or resume. */
async function proceed(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  login: string,
  door: Door,
): Promise<GateResult> {
  const stopped: Partial<Record<LifecycleState, string>> = {
    failed: `Step ${codeSpan(stored.next ?? '?')} failed: \`/retry\` runs it again, \`/skip\` skips it (when the plan allows), \`/cancel\` stops.`,
    'verify-failed': 'The verify phase failed: `/retry` runs it again.',
    verified: `The plan is already verified on ${codeSpan(short(view.pr.headSha))}; there is nothing left to run.`,
  };
  const why = stopped[stored.state];
  if (why) {
    await env.port.createComment(view.pr.number, refusal('/proceed', why));
    await writeReview(
      env,
      view,
      reviewBody(view, stored, await env.port.listCheckRuns(view.pr.headSha)),
      stored,
    );
    return result(view, `/proceed from ${login}: nothing to start (${stored.state}).`, stored);
  }
  let next = stored;
  if (!next.approval || next.state === 'proposed') {
    next = {
      ...next,
      state: 'approved',
      approval: {
        by: login,
        via: door,
        at: (env.now?.() ?? new Date()).toISOString(),
        headSha: view.pr.headSha,
        planBlob: view.plan.blobSha,
        planHash: view.plan.hash,
      },
      confirmed: [],
    };
  }
  return executeApproved(env, view, next, 'proceed' satisfies Trigger, login);
}

/** `/cancel`: a running execution is stopped by its own watcher; anything else is cancelled here. */
async function cancel(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  login: string,
): Promise<GateResult> {
  if (['proposed', 'verified', 'cancelled'].includes(stored.state))
    return nothingTo(env, view, stored, 'cancel');
  if (stored.state === 'executing' && env.runner) {
    const lock = await acquireLock(env.port, {
      number: view.pr.number,
      headSha: view.pr.headSha,
      holder: env.runner.holder,
      maxAgeMs: Number.MAX_SAFE_INTEGER,
    });
    if (!lock.acquired) {
      return result(
        view,
        `Cancel requested by ${login}; the running execution stops at its next check.`,
        stored,
      );
    }
    try {
      return await cancelPlan(env, view, stored, login);
    } finally {
      await lock.lock.release();
    }
  }
  return cancelPlan(env, view, stored, login);
}

async function nothingTo(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  command: CommandName,
): Promise<GateResult> {
  await env.port.createComment(
    view.pr.number,
    refusal(`/${command}`, `There is nothing to ${command}: the plan is ${stored.state.replace('-', ' ')}.`),
  );
  await writeReview(
    env,
    view,
    reviewBody(view, stored, await env.port.listCheckRuns(view.pr.headSha)),
    stored,
  );
  return result(view, `/${command}: nothing to do in state ${stored.state}.`, stored);
}

/** A checkpoint nobody confirmed within the policy's `checkpoint_timeout` ends the plan as timed out. */
async function expireCheckpoint(env: GateEnv, view: ValidView, stored: StoredState): Promise<StoredState> {
  if (stored.state !== 'paused' || !stored.pausedAt || !stored.next) return stored;
  const limit = parseDuration(view.policy.checkpoint_timeout);
  const now = env.now?.() ?? new Date();
  if (now.getTime() - Date.parse(stored.pausedAt) <= limit) return stored;
  await env.port.createCheckRun({
    name: stepCheckName(stored.next),
    headSha: view.pr.headSha,
    status: 'completed',
    conclusion: 'timed_out',
    externalId: stepExternalId(view.plan.hash, stored.next),
    completedAt: now.toISOString(),
    title: 'Checkpoint timed out',
    summary: `Nobody confirmed the checkpoint within ${view.policy.checkpoint_timeout} (\`checkpoint_timeout\`). \`/proceed\` resumes from here.`,
  });
  return {
    ...stored,
    state: 'cancelled',
    confirmed: [],
    reason: `the checkpoint before ${stored.next} timed out after ${view.policy.checkpoint_timeout}`,
  };
}

function whyUnusable(env: GateEnv, view: View): string | undefined {
  if (view.policyErrors.length) return policyProblem(env, view);
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

import { forceReleaseLock } from '../github/lock.js';
import { parseDuration } from '../plan/duration.js';
import { codeSpan } from '../render/markdown.js';
import { actorOf } from './actor.js';
import { authorize, type Door } from './authorize.js';
import { cancelRequestComment, liveButtons } from './buttons.js';
import { isCommandName, parseComment, type CommandName } from './commands.js';
import type { GateEvent, Sender } from './events.js';
import { cancelPlan, executeApproved, rollbackPlan, withPlanLock, type Trigger } from './execute.js';
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
import { decodeState } from './marker.js';
import { contributionsOf, withPusher } from './rules/contributors.js';
import { portTrustingOwnChecks } from './rules/own-checks.js';
import { sharedHeadRefusal, type OtherPullRequest } from './rules/shared-head.js';
import { pinnedCommit, pinnedHeadRefusal } from './rules/pinned-head.js';
import { judgeReplay, markHandled } from './rules/replay.js';
import type { LifecycleState, StoredState } from './state.js';
import {
  bindingAfterPush,
  bound,
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
export async function handleEvent(door: GateEnv, event: GateEvent): Promise<GateResult> {
  const env = trustingOwnChecks(door);
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
      return onPush(env, event.number, event.action === 'synchronize' ? event.sender.login : undefined);
    case 'review':
      return onReview(env, event);
    case 'comment':
      return onComment(env, event);
    case 'button':
      return onButton(env, event);
  }
}

/**
 * A sweep (the Action on `schedule`): every open pull request whose plan has waited at a checkpoint
 * longer than the policy's `checkpoint_timeout` ends as timed out now, rather than at the next event.
 * One read per open pull request (its reviews); the full view only for a paused one. Each expiry
 * holds the pull request's lock, so it cannot interleave with a `/proceed` that resumes the plan.
 */
export async function sweepCheckpoints(door: GateEnv): Promise<GateResult> {
  const env = trustingOwnChecks(door);
  const numbers = await env.port.listOpenPullRequests();
  const ended: number[] = [];
  const skipped: string[] = [];
  for (const number of numbers) {
    try {
      await sweepOne(env, number, () => ended.push(number));
    } catch (err) {
      // One pull request the API would not answer for does not stop the others.
      skipped.push(`#${number} (${(err as Error).message})`);
      env.log(`Could not look at the checkpoint of #${number}: ${(err as Error).message}`);
    }
  }
  const checked = `Looked at ${numbers.length} open pull request${numbers.length === 1 ? '' : 's'}`;
  return {
    state: 'none',
    failed: false,
    summary:
      (ended.length
        ? `${checked}; ended the checkpoint nobody confirmed in time on ${ended.map((n) => `#${n}`).join(', ')} (\`/proceed\` resumes).`
        : `${checked}; no checkpoint has waited longer than its checkpoint_timeout.`) +
      (skipped.length ? ` Could not look at ${skipped.join(', ')}; the next scheduled run tries again.` : ''),
  };
}

/** The sweep of one pull request: ends its checkpoint when it is overdue, and says so through `onEnded`. */
async function sweepOne(env: GateEnv, number: number, onEnded: () => void): Promise<void> {
  const reviews = await env.port.listReviews(number);
  const paused = reviews.some(
    (r) =>
      r.user?.login.toLowerCase() === env.botLogin.toLowerCase() && decodeState(r.body)?.state === 'paused',
  );
  if (!paused) return;
  const view = await loadView(env, number);
  const stored = view.stored;
  // A push since the pause resets the approval when its event is handled: nothing to end here.
  if (whyUnusable(env, view) || !env.runner || !stored || stored.headSha !== view.pr.headSha) return;
  if (!overdue(env, view, stored)) return;
  await withPlanLock(
    env,
    view,
    env.runner.holder,
    Number.MAX_SAFE_INTEGER,
    // Someone holds the lock: the plan is executing, so it is not waiting at its checkpoint.
    async () => result(view, 'The plan is executing.'),
    async () => {
      // Read again under the lock: a /proceed may have resumed the plan since the first look.
      const fresh = await loadView(env, number);
      const stored = fresh.stored;
      if (whyUnusable(env, fresh) || !stored || stored.headSha !== fresh.pr.headSha)
        return result(fresh, 'Nothing to end.');
      const valid = fresh as ValidView;
      const next = await expireCheckpoint(env, valid, stored);
      if (next === stored) return result(fresh, 'Nothing to end.');
      const checks = await env.port.listCheckRuns(valid.pr.headSha);
      await writeReview(env, valid, reviewBody(valid, next, checks), next);
      onEnded();
      return result(fresh, 'Ended the checkpoint.', next);
    },
  );
}

/** What the app's dispatch tells the Action in `mode: execute`: which pull request, commit and plan. */
export interface DispatchedRun {
  number: number;
  headSha: string;
  planHash: string;
}

/**
 * The Action's `mode: execute` (the app's `dispatch` executor): carries out the run the gate recorded
 * in its review (see `handOff` in execute.ts), and only when it was asked for on exactly this commit,
 * the plan is exactly the one named, and the approval still binds. Anything else is refused and fails
 * the job, so a hand-started workflow runs nothing that nobody allowed.
 */
export async function executeRequested(door: GateEnv, run: DispatchedRun): Promise<GateResult> {
  const env = trustingOwnChecks(door);
  const view = await loadView(env, run.number);
  const refuse = (why: string): GateResult => ({
    ...result(view, `Refused to execute pull request #${run.number}: ${why}`),
    failed: true,
  });
  if (view.pr.state !== 'open') return refuse('it is closed.');
  const unusable = whyUnusable(env, view);
  if (unusable) return refuse(unusable);
  const valid = view as ValidView;
  const stored = view.stored;
  const request = stored?.requested;
  if (!stored || !request) {
    return refuse(
      "no run is waiting in the bot's review (it already ran, or nobody allowed one); comment `/proceed` on the pull request.",
    );
  }
  if (run.headSha !== view.pr.headSha)
    return refuse(`this run is for ${short(run.headSha)}, but the head is now ${short(view.pr.headSha)}.`);
  if (request.headSha !== run.headSha)
    return refuse(`the waiting run was allowed on ${short(request.headSha)}, not on ${short(run.headSha)}.`);
  if (run.planHash !== valid.plan.hash)
    return refuse(`the plan at ${short(run.headSha)} is not the plan this run is for (its hash differs).`);
  if (!bound(stored, valid))
    return refuse('the approval no longer holds for this commit and plan; approve again.');
  const next: StoredState = { ...stored, requested: undefined };
  if (request.command === 'rollback') return rollbackPlan(env, valid, next, request.by);
  return executeApproved(env, valid, next, request.command, request.by);
}

/** Opened, reopened, ready for review, or a push: render the plan and check the approval's binding. */
async function onPush(env: GateEnv, number: number, pusher?: string): Promise<GateResult> {
  const view = await loadView(env, number);
  const binding = bindingAfterPush(view);
  // Who pushed counts as an author of what they pushed (issue 12, attack 5).
  if (pusher && binding.stored) binding.stored = withPusher(binding.stored, pusher, view.pr.headSha);
  return publishPlan(env, view, binding);
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
  // A redelivered approval, or a re-run of its workflow, must not confirm a checkpoint reached since.
  const replay = judgeReplay(view.stored, { kind: 'review', id: event.reviewId });
  if (replay.kind === 'handled') return result(view, `Review ${event.reviewId} was already handled.`);
  if (replay.kind === 'stale') {
    await env.port.createComment(event.number, refusal('approval', replay.reason));
    return result(view, `Approval ${event.reviewId} by ${event.sender.login} not acted on: ${replay.reason}`);
  }
  return onCommand(env, view, 'proceed', event.sender, 'review', -event.reviewId);
}

async function onComment(env: GateEnv, event: Extract<GateEvent, { kind: 'comment' }>): Promise<GateResult> {
  const parsed = parseComment(event.body);
  if (parsed.kind === 'none')
    return { state: 'none', failed: false, summary: 'Ignored: the comment has no command.' };
  await env.port.reactToComment(event.commentId, 'eyes');
  const view = await loadView(env, event.number);
  const replay = judgeReplay(view.stored, {
    kind: 'comment',
    id: event.commentId,
    ...(event.createdAt ? { createdAt: event.createdAt } : {}),
  });
  if (replay.kind === 'handled') return result(view, `Comment ${event.commentId} was already handled.`);
  if (replay.kind === 'stale' && parsed.kind === 'command' && !['help', 'plan'].includes(parsed.command)) {
    await env.port.createComment(event.number, refusal(`/${parsed.command}`, replay.reason));
    return result(view, `Comment ${event.commentId} not acted on: ${replay.reason}`);
  }
  if (parsed.kind === 'invalid') {
    await env.port.createComment(event.number, refusal('command', parsed.message));
    return result(view, `Refused a comment: ${parsed.message}`);
  }
  return onCommand(
    env,
    view,
    parsed.command,
    event.sender,
    'comment',
    event.commentId,
    event.createdAt,
    pinnedCommit(parsed.args),
  );
}

/**
 * A check-run button: the command of whoever pressed it, if the button still means something there.
 * A press on a superseded run, a second click, or a redelivered webhook is ignored without a word.
 */
async function onButton(env: GateEnv, event: Extract<GateEvent, { kind: 'button' }>): Promise<GateResult> {
  const view = await loadView(env, event.number);
  const pressed = `The ${event.identifier} button pressed by ${event.sender.login} on check run ${event.checkRunId}`;
  if (event.headSha !== view.pr.headSha) {
    return result(
      view,
      `${pressed} is for ${short(event.headSha)}, not the head ${short(view.pr.headSha)}; ignored.`,
    );
  }
  if (view.plan.kind === 'valid' && !view.policyErrors.length) {
    const checks = await env.port.listCheckRuns(view.pr.headSha);
    const check = checks.find((c) => c.id === event.checkRunId);
    const live = check
      ? liveButtons(check, checks, view.stored, {
          hash: view.plan.hash,
          stepIds: view.plan.plan.steps.map((s) => s.id),
        })
      : [];
    if (!live.some((command) => command === event.identifier)) {
      return result(
        view,
        `${pressed} no longer applies (the plan is ${view.stored?.state ?? 'proposed'}); ignored.`,
      );
    }
  }
  // Anything else is refused by `authorize` with a message, like a comment would be.
  const command = isCommandName(event.identifier) ? event.identifier : 'help';
  return onCommand(env, view, command, event.sender, 'button');
}

/** Every command, from a comment, a review or a button, goes through here: who may, then what it does. */
async function onCommand(
  env: GateEnv,
  view: View,
  command: CommandName,
  sender: Sender,
  door: Door,
  handledId?: number,
  writtenAt?: string,
  /** The commit a `/proceed <sha>` names. */
  pin?: string,
): Promise<GateResult> {
  const number = view.pr.number;
  const allowSkip =
    view.plan.kind === 'valid' && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  const actor = await actorOf(env, view.policy, sender, command);
  const runs = ['proceed', 'retry', 'skip', 'rollback'].includes(command);
  // Commit authors and pushers count as authors too (issue 12, attack 5); asked only when it matters.
  const contributions =
    runs && !view.policy.self_approval && actor.type === 'User'
      ? contributionsOf(await env.port.listPullRequestCommits(number), view.stored?.pushers)
      : [];
  const decision = authorize({
    contributions,
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
  const shared = runs
    ? sharedHeadRefusal(view.pr.headSha, await otherPullRequests(env, view, sender, command, door))
    : undefined;
  if (shared) {
    await env.port.createComment(number, refusal(`/${command}`, shared));
    return result(view, `Refused /${command} from ${sender.login}: ${shared}`);
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
  const unseen = door === 'comment' ? unseenPlan(valid, writtenAt) : undefined;
  if (unseen) {
    // The comment was written about another plan than the one at the head now: show this one, ask again.
    await publishPlan(env, valid, bindingAfterPush(valid));
    await env.port.createComment(number, refusal(`/${command}`, unseen));
    return result(view, `Refused /${command}: the comment predates the plan at the head.`);
  }
  const moved = ['proceed', 'retry', 'skip', 'rollback'].includes(command)
    ? pinnedHeadRefusal(pin, valid.pr.headSha)
    : undefined;
  if (moved) {
    await env.port.createComment(number, refusal(`/${command}`, moved));
    return result(view, `Refused /${command}: it names ${pin}, not the head.`);
  }
  const binding = bindingAfterPush(valid);
  let stored: StoredState = binding.stored ?? freshState(valid);
  if (handledId !== undefined)
    stored = markHandled(
      stored,
      handledId > 0 ? { kind: 'comment', id: handledId } : { kind: 'review', id: -handledId },
    );
  const expired = await expireCheckpoint(env, valid, stored);
  if (expired !== stored) {
    // A late confirmation is not a confirmation: the timeout is said first, and a new /proceed resumes.
    await writeReview(
      env,
      valid,
      reviewBody(valid, expired, await env.port.listCheckRuns(valid.pr.headSha)),
      expired,
    );
    await env.port.createComment(
      number,
      refusal(
        `/${command}`,
        `The checkpoint before ${codeSpan(stored.next ?? '?')} timed out: nobody confirmed it within ${view.policy.checkpoint_timeout}, so the plan was cancelled. Comment \`/proceed\` again to resume from that step.`,
      ),
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
      return cancel(env, valid, stored, sender.login, door);
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

/** How the policy of every other open pull request with this head judges the approver (issue 12, attack 1). */
async function otherPullRequests(
  env: GateEnv,
  view: View,
  sender: Sender,
  command: CommandName,
  door: Door,
): Promise<OtherPullRequest[]> {
  const numbers = await env.port.listOpenPullRequestsOnHead(view.pr.headSha);
  const others: OtherPullRequest[] = [];
  for (const n of numbers) {
    if (n === view.pr.number) continue;
    const other = await loadView(env, n);
    const allowSkip =
      other.plan.kind === 'valid' &&
      mergePlanConfig(other.plan.plan.config, other.policy).settings.allow_skip;
    const decision = other.policyErrors.length
      ? {
          allowed: false as const,
          reason: 'its repository policy is invalid.',
          whoMay: 'nobody until it is fixed',
        }
      : authorize({
          command,
          actor: await actorOf(env, other.policy, sender, command),
          prAuthor: other.pr.author.login,
          isFork: other.pr.isFork,
          policy: other.policy,
          allowSkip,
          door,
          contributions: other.policy.self_approval
            ? []
            : contributionsOf(await env.port.listPullRequestCommits(n), other.stored?.pushers),
        });
    others.push({ number: n, decision });
  }
  return others;
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

/**
 * `/cancel`: a running execution is stopped by its own watcher, which reads the comments (a button
 * press reaches it as the bot's comment); anything else is cancelled here.
 */
async function cancel(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  login: string,
  door: Door,
): Promise<GateResult> {
  if (['proposed', 'verified', 'cancelled'].includes(stored.state))
    return nothingTo(env, view, stored, 'cancel');
  if (stored.state === 'executing') {
    // Taken only to learn whether an execution is running; a door without a runner names the bot.
    return withPlanLock(
      env,
      view,
      env.runner?.holder ?? { kind: 'app', id: env.botLogin },
      Number.MAX_SAFE_INTEGER,
      async () => {
        if (door === 'button') await env.port.createComment(view.pr.number, cancelRequestComment(login));
        return result(
          view,
          `Cancel requested by ${login}; the running execution stops at its next check.`,
          stored,
        );
      },
      () => cancelPlan(env, view, stored, login),
    );
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

/** Whether the plan has waited at its checkpoint longer than the policy's `checkpoint_timeout`. */
function overdue(env: GateEnv, view: View, stored: StoredState): boolean {
  if (stored.state !== 'paused' || !stored.pausedAt || !stored.next) return false;
  const now = env.now?.() ?? new Date();
  return now.getTime() - Date.parse(stored.pausedAt) > parseDuration(view.policy.checkpoint_timeout);
}

/** A checkpoint nobody confirmed within the policy's `checkpoint_timeout` ends the plan as timed out. */
async function expireCheckpoint(env: GateEnv, view: ValidView, stored: StoredState): Promise<StoredState> {
  if (!overdue(env, view, stored) || !stored.next) return stored;
  const now = env.now?.() ?? new Date();
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

/** The door's environment, reading only the bot's own check runs (issue 12, attack 2). */
function trustingOwnChecks(env: GateEnv): GateEnv {
  return { ...env, port: portTrustingOwnChecks(env.port, env.botLogin) };
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

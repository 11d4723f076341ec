/**
 * The gate's entry points: one event in, the pull request's review, checks and (when approved) steps
 * brought up to date. Each is load → decide → apply: `loadView` reads what the gate needs, `intake` and
 * `decide` (decide.ts, pure) say what happens, and `apply` (apply.ts) writes exactly that.
 */
import { actorOf } from './actor.js';
import { applyDecision } from './apply.js';
import {
  decide,
  environmentApprovers,
  expireCheckpoint,
  intake,
  intakeNeedsChecks,
  needOf,
  waitingAt,
  overdue,
  RUNS,
  whyUnusable,
  type SharedHead,
  type ValidView,
} from './decide.js';
import type { GateEvent, Sender } from './events.js';
import { executeApproved } from './execute.js';
import { createPublisher, flushed, type Publisher } from './publisher.js';
import { withPlanLock } from './lock-session.js';
import { onMergeGroup } from './merge-group-gate.js';
import { rollbackPlan } from './rollback.js';
import { forceReleaseLock } from './lock.js';
import { parseComment } from './commands.js';
import { readingAhead } from './read-ahead.js';
import { decodeState } from './marker.js';
import type { Actor } from './authorize.js';
import type { CommandName } from './commands.js';
import { contributionsOf, type Contribution } from './rules/contributors.js';
import { portTrustingOwnChecks } from './rules/own-checks.js';
import { ownerTeams } from './rules/codeowners.js';
import { liveApprovals, quorumStatus, shortfallWords } from './rules/quorum.js';
import { checkpointApprovers } from '../plan/schema.js';
import { result, reviewBody, writeReview, type GateResult } from './publish.js';
import type { StoredState } from './state.js';
import { deploymentLogUrl, endOpenDeployment } from './deployments.js';
import { auditIntervention } from './audit.js';
import { bound, loadView, short, type GateEnv, type View } from './view.js';

export type { GateEnv } from './view.js';
export type { GateResult } from './publish.js';

/**
 * The single entry point: one event in, everything it calls for done. What happens on `/proceed`:
 * `intake` makes it a command, `decide` says what the command does in this state.
 */
export async function handleEvent(door: GateEnv, event: GateEvent): Promise<GateResult> {
  const env = { ...trustingOwnChecks(door), publisher: door.publisher ?? createPublisher() };
  return flushed(env.publisher, () => handle(env, event));
}

async function handle(env: GateEnv & { publisher: Publisher }, event: GateEvent): Promise<GateResult> {
  // GitHub's merge queue asks for the gate on a group's commit, whoever queued it: always answered
  // (merge-group-gate.ts reads the group's pull requests; the verdict is merge-group.ts, pure).
  if (event.kind === 'merge_group') return onMergeGroup(env, event);
  // A dismissal withdraws an approval whoever dismissed it (GitHub's own stale-review dismissal too).
  if (event.sender.type !== 'User' && event.kind !== 'review-dismissed') {
    return {
      state: 'none',
      failed: false,
      summary: `Ignored: sent by ${event.sender.login}, a ${event.sender.type.toLowerCase()}.`,
    };
  }
  // Turned away before anything is read: these ask for no view.
  if (event.kind === 'review' && event.state !== 'approved') {
    return {
      state: 'none',
      failed: false,
      summary: `Ignored: a review that ${event.state.replace('_', ' ')}, not an approval.`,
    };
  }
  if (event.kind === 'comment') {
    const parsed = parseComment(event.body);
    if (parsed.kind === 'none')
      return { state: 'none', failed: false, summary: 'Ignored: the comment has no command.' };
    // The 👀 is the first write, so the commenter sees the command was received; nothing waits for it.
    const { commentId } = event;
    env.publisher.want(`reaction:${commentId}`, () => env.port.reactToComment(commentId, 'eyes'));
  }
  // Closing frees the lock whatever the view says, before it is read.
  if (event.kind === 'pull_request' && event.action === 'closed')
    await forceReleaseLock(env.port, event.number);

  // A pull request event other than a close is a push to `decide`: it publishes the plan, which begins
  // by reading the head's check runs; that read goes out with the view's instead of after it (read-ahead.ts).
  const ahead =
    event.kind === 'pull_request' && event.action !== 'closed' ? readingAhead(env.port) : undefined;
  if (ahead) env = { ...env, port: ahead.port };
  const view = await loadView(env, event.number, { withHead: ahead && ((sha) => ahead.checkRuns(sha)) });
  const checks = intakeNeedsChecks(view, event) ? await env.port.listCheckRuns(view.pr.headSha) : [];
  const taken = intake(view, event, checks);
  const context = { now: env.now?.() ?? new Date(), policyPath: env.policyPath };
  if (taken.kind === 'done') return applyDecision(env, view, taken.decision);
  if (taken.kind !== 'command')
    // The whole intake (a push carries who pushed: issue 12, attack 5), not only its kind.
    return applyDecision(env, view, decide(view, { ...taken, ...context }));
  // The teams `decide` judges besides the policy's: the code owners' and the waiting checkpoint's (issue 15).
  const actor = await actorOf(
    env,
    view.policy,
    taken.sender,
    taken.command,
    judgedTeams(view, taken.command),
  );
  // The plan's environment may have approvers of its own (policy `environments`): the sender is read
  // under them here, and `decide` judges the command with both actors (decide.ts, `environmentRefusal`).
  const forEnvironment = environmentApprovers(view, taken.command);
  const environmentActor = forEnvironment
    ? await actorOf(env, { ...view.policy, approvers: forEnvironment }, taken.sender, taken.command)
    : undefined;
  // What the issue 12 rules in `decide` judge, read only for a command that runs steps.
  const runs = RUNS.includes(taken.command);
  const contributions = runs ? await contributionsFor(env, view, actor) : [];
  const sharedHead = runs ? await sharedHeadOf(env, view, taken.sender, taken.command) : [];
  const decision = decide(view, {
    ...context,
    ...taken,
    kind: 'command',
    actor,
    environmentActor,
    contributions,
    sharedHead,
  });
  return applyDecision(env, view, decision);
}

/** Teams whose membership `decide` needs for a command that runs steps: code owners', the waiting checkpoint's. */
function judgedTeams(view: View, command: CommandName): string[] {
  if (!RUNS.includes(command) || view.plan.kind !== 'valid') return [];
  const owners = (view.codeOwners?.paths ?? []).flatMap((p) => ownerTeams(p.owners));
  const waiting = waitingAt(view.stored);
  const step = waiting ? view.plan.plan.steps.find((s) => s.id === waiting) : undefined;
  const forCheckpoint = step ? (checkpointApprovers(step)?.teams ?? []) : [];
  return [...owners, ...forCheckpoint];
}

/** The door's environment, reading only the bot's own check runs (issue 12, attack 2). */
function trustingOwnChecks(env: GateEnv): GateEnv {
  return { ...env, port: portTrustingOwnChecks(env.port, env.botLogin) };
}

/** Commit authors and pushers count as authors too (issue 12, attack 5); asked only when it matters. */
async function contributionsFor(env: GateEnv, view: View, actor: Actor): Promise<Contribution[]> {
  if (view.policy.self_approval || actor.type !== 'User') return [];
  return contributionsOf(await env.port.listPullRequestCommits(view.pr.number), view.stored?.pushers);
}

/** Every other open pull request with this head, for `decide` to judge the approver by its policy (issue 12, attack 1). */
async function sharedHeadOf(
  env: GateEnv,
  view: View,
  sender: Sender,
  command: CommandName,
): Promise<SharedHead[]> {
  const numbers = await env.port.listOpenPullRequestsOnHead(view.pr.headSha);
  const others: SharedHead[] = [];
  for (const n of numbers) {
    if (n === view.pr.number) continue;
    const other = await loadView(env, n);
    if (other.policyErrors.length) {
      // Refused by decide without asking who the sender is there: its policy cannot be read.
      others.push({
        view: other,
        actor: { login: sender.login, type: 'User', permission: 'none', teams: [] },
        contributions: [],
      });
      continue;
    }
    others.push({
      view: other,
      actor: await actorOf(env, other.policy, sender, command),
      contributions: other.policy.self_approval
        ? []
        : contributionsOf(await env.port.listPullRequestCommits(n), other.stored?.pushers),
    });
  }
  return others;
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
  if (whyUnusable(view, env.policyPath) || !env.runner || !stored || stored.headSha !== view.pr.headSha)
    return;
  if (!overdue(view, stored, env.now?.() ?? new Date())) return;
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
      if (whyUnusable(fresh, env.policyPath) || !stored || stored.headSha !== fresh.pr.headSha)
        return result(fresh, 'Nothing to end.');
      const valid = fresh as ValidView;
      const now = env.now?.() ?? new Date();
      if (!overdue(valid, stored, now)) return result(fresh, 'Nothing to end.');
      const { stored: next, check, intervention } = expireCheckpoint(valid, stored, now);
      await env.port.createCheckRun(check);
      await auditIntervention(env.port, valid, stored, intervention);
      const checks = await env.port.listCheckRuns(valid.pr.headSha);
      await writeReview(env, valid, reviewBody(valid, next, checks), next);
      await endOpenDeployment(
        env,
        valid,
        deploymentLogUrl(env, valid),
        `The checkpoint before ${stored.next ?? '?'} timed out`,
      );
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
  const unusable = whyUnusable(view, env.policyPath);
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
  // Handed over some time ago: under `approval_ttl` the approvals must still count now (issue 15).
  const need = needOf(valid);
  if (need.ttl) {
    const live = liveApprovals(stored, {
      headSha: valid.pr.headSha,
      planHash: valid.plan.hash,
      bindTo: valid.policy.bind_approval_to,
    });
    const status = quorumStatus(live, need, env.now?.() ?? new Date());
    if (!status.satisfied) return refuse(shortfallWords(status, need));
  }
  const next: StoredState = { ...stored, requested: undefined };
  if (request.command === 'rollback') return rollbackPlan(env, valid, next, request.by);
  return executeApproved(env, valid, next, request.command, request.by, request.via);
}

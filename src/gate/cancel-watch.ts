/** The watch over a running execution: a close, a new head, a `/cancel` or a lost lock stops it. */
import { actorOf } from './actor.js';
import { authorize } from './authorize.js';
import { cancelRequestedBy } from './buttons.js';
import { parseComment } from './commands.js';
import type { ValidView } from './decide.js';
import { short, type GateEnv, type PlanRunner } from './view.js';

/** The account every workflow of a repository posts as: nothing it writes proves who asked for it. */
export const SHARED_WORKFLOW_ACCOUNT = 'github-actions[bot]';

function sharedAccount(botLogin: string): boolean {
  return botLogin.toLowerCase() === SHARED_WORKFLOW_ACCOUNT;
}

/**
 * While steps run, the pull request is watched: closed, a new head, or a `/cancel` from someone
 * allowed stops the running step's process group. (A `/cancel` workflow run may be queued behind this
 * one by the workflow's concurrency group, so the running execution looks for it itself.)
 */
export function watchWhileRunning(env: GateEnv, view: ValidView, runner: PlanRunner, lost: AbortSignal) {
  const controller = new AbortController();
  const since = (env.now?.() ?? new Date()).toISOString();
  let stopReason: string | undefined;
  /** Who cancelled, once an allowed `/cancel` (or Cancel button) was found: for the audit record. */
  let cancelledBy: string | undefined;
  // Taken over by someone who found our heartbeats missing: they run the plan now, we stop.
  const onLost = () => {
    stopReason ??= `${String(lost.reason)} (this execution stopped sending heartbeats in time)`;
    controller.abort(stopReason);
  };
  if (lost.aborted) onLost();
  else lost.addEventListener('abort', onLost, { once: true });
  // The view was read just before the run started: that counts as the first look.
  let lookedAt = Date.now();
  // One look at a time: the guard before a step joins a poll already under way instead of sending
  // the same reads again beside it.
  let looking: Promise<string | undefined> | undefined;
  const check = (): Promise<string | undefined> => (looking ??= look().finally(() => (looking = undefined)));
  const look = async (): Promise<string | undefined> => {
    lookedAt = Date.now();
    const pr = await env.port.getPullRequest(view.pr.number);
    if (pr.state === 'closed') return 'the pull request was closed';
    if (pr.headSha !== view.pr.headSha)
      return `new commit ${short(pr.headSha)} was pushed; the approval was for ${short(view.pr.headSha)}`;
    for (const c of await env.port.listComments(view.pr.number, since)) {
      // GitHub's `since` also returns older comments edited since; edited comments are never commands (SPEC §3).
      if (Date.parse(c.createdAt) < Date.parse(since) - 1_000 || c.updatedAt !== c.createdAt) continue;
      // A Cancel button pressed while this runs reaches it as the bot's own comment (see buttons.ts).
      let asker = c.user;
      if (c.user?.login.toLowerCase() === env.botLogin.toLowerCase()) {
        const by = cancelRequestedBy(c.body);
        // Every workflow of the repository posts as github-actions[bot]: a request in that account's
        // comment is anyone's word for who asked, so it never counts (buttons are the app's, and a
        // person's own `/cancel` comment is read below).
        if (!by || sharedAccount(env.botLogin)) continue;
        asker = { login: by, type: 'User' };
      } else {
        const parsed = parseComment(c.body);
        if (parsed.kind !== 'command' || parsed.command !== 'cancel') continue;
      }
      if (!asker) continue;
      const actor = await actorOf(env, view.policy, asker, 'cancel');
      const ok = authorize({
        command: 'cancel',
        actor,
        prAuthor: view.pr.author.login,
        isFork: view.pr.isFork,
        policy: view.policy,
        allowSkip: false,
        door: 'comment',
      });
      if (ok.allowed) {
        if (asker === c.user) await env.port.reactToComment(c.id, 'eyes');
        cancelledBy ??= asker.login;
        return `cancelled by ${asker.login}`;
      }
    }
    return undefined;
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    check()
      .then((reason) => {
        if (reason && !controller.signal.aborted) {
          stopReason = reason;
          controller.abort(reason);
        }
      })
      .catch((err: unknown) =>
        env.log(`Could not check the pull request while running: ${(err as Error).message}`),
      )
      .finally(() => (busy = false));
  }, runner.pollMs);
  timer.unref();
  return {
    signal: controller.signal,
    // Before every step: the same checks, unless the last look is younger than the poll interval,
    // so short steps do not cost two reads each and a push or a close still stops the next step.
    // A look that failed past Octokit's retries (or a poll's that the guard joined) is tried once
    // more before the guard gives up and stops the run.
    guard: async () =>
      stopReason ?? (Date.now() - lookedAt < runner.pollMs ? undefined : await check().catch(() => check())),
    cancelledBy: () => cancelledBy,
    stop: () => {
      clearInterval(timer);
      lost.removeEventListener('abort', onLost);
    },
  };
}

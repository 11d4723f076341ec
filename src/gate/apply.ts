/**
 * Applies what `decide` said, in order, and nothing else: each effect is one write (a comment, a
 * check run, the review) or one of the execution paths (run, roll back, cancel), which report their
 * own outcome. No decision is taken here beyond what the lock answers.
 */
import type { Door } from './authorize.js';
import type { Decision, Effect, ValidView } from './decide.js';
import { cancelRequestComment } from './buttons.js';
import { cancelPlan, executeApproved, rollbackPlan, withPlanLock } from './execute.js';
import { forceReleaseLock } from './lock.js';
import { publishPlan, result, reviewBody, writeReview, type GateResult } from './publish.js';
import type { StoredState } from './state.js';
import { bindingAfterPush, type GateEnv, type View } from './view.js';

/** Applies the decision's effects; the result is the last execution path's, or the decision's own. */
export async function applyDecision(env: GateEnv, view: View, decision: Decision): Promise<GateResult> {
  let outcome: GateResult | undefined;
  for (const effect of decision.effects) {
    const reported = await applyEffect(env, view, effect);
    if (reported) outcome = reported;
  }
  return outcome ?? result(view, decision.summary, decision.state);
}

async function applyEffect(env: GateEnv, view: View, effect: Effect): Promise<GateResult | undefined> {
  const { port } = env;
  switch (effect.kind) {
    case 'comment':
      await port.createComment(view.pr.number, effect.body);
      return undefined;
    case 'publish-plan': {
      const published = await publishPlan(env, view, bindingAfterPush(view));
      return effect.reports ? published : undefined;
    }
    case 'check-run':
      await port.createCheckRun(effect.check);
      return undefined;
    case 'write-review':
      await writeReview(
        env,
        view,
        reviewBody(view, effect.stored, await port.listCheckRuns(view.pr.headSha)),
        effect.stored,
      );
      return undefined;
    case 'release-lock':
      await forceReleaseLock(port, view.pr.number);
      return undefined;
    case 'execute':
      return executeApproved(env, view as ValidView, effect.stored, effect.trigger, effect.by);
    case 'rollback':
      return rollbackPlan(env, view as ValidView, effect.stored, effect.by);
    case 'cancel':
      return cancel(env, view as ValidView, effect.stored, effect.by, effect.door);
  }
}

/**
 * `/cancel`: a running execution is stopped by its own watcher, which reads the comments (a button
 * press reaches it as the bot's comment); anything else is cancelled here. The lock tells which.
 */
async function cancel(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  login: string,
  door: Door,
): Promise<GateResult> {
  if (stored.state !== 'executing') return cancelPlan(env, view, stored, login);
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

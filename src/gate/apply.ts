/**
 * Applies what `decide` said, in order, and nothing else: each effect is one write (a comment, a
 * check run, the review) or one of the execution paths (run, roll back, cancel), which report their
 * own outcome. No decision is taken here beyond what the lock answers.
 */
import { auditIntervention } from './audit.js';
import type { Decision, Effect, ValidView } from './decide.js';
import { deploymentLogUrl, endOpenDeployment } from './deployments.js';
import { cancel } from './cancel.js';
import { executeApproved } from './execute.js';
import { rollbackPlan } from './rollback.js';
import { forceReleaseLock } from './lock.js';
import { publishPlan, result, reviewBody, writeReview, type GateResult } from './publish.js';
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
      const published = await publishPlan(env, view, effect.binding ?? bindingAfterPush(view));
      return effect.reports ? published : undefined;
    }
    case 'check-run':
      await port.createCheckRun(effect.check);
      return undefined;
    case 'write-review':
      await writeReview(
        env,
        view,
        reviewBody(
          view,
          effect.stored,
          await port.listCheckRuns(view.pr.headSha),
          undefined,
          env.now?.() ?? new Date(),
        ),
        effect.stored,
      );
      return undefined;
    case 'release-lock':
      await forceReleaseLock(port, view.pr.number);
      return undefined;
    case 'execute':
      return executeApproved(env, view as ValidView, effect.stored, effect.trigger, effect.by, effect.door);
    case 'rollback':
      return rollbackPlan(env, view as ValidView, effect.stored, effect.by);
    case 'cancel':
      return cancel(env, view as ValidView, effect.stored, effect.by, effect.door);
    case 'end-deployment':
      await endOpenDeployment(env, view as ValidView, deploymentLogUrl(env, view), effect.why);
      return undefined;
    case 'audit':
      await auditIntervention(port, view as ValidView, effect.stored, effect.intervention);
      return undefined;
  }
}

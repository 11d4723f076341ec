/**
 * `/cancel`: a running execution is stopped by its own watcher (cancel-watch.ts), which the lock
 * tells is there; a plan that is not running is cancelled here — its steps not run and the gate.
 */
import { follow } from '../plan/lifecycle.js';
import { codeSpan } from '../render/markdown.js';
import type { Door } from './authorize.js';
import { buttons, cancelRequestComment } from './buttons.js';
import type { ValidView } from './decide.js';
import { deploymentLogUrl, endOpenDeployment } from './deployments.js';
import { withPlanLock } from './lock-session.js';
import { auditIntervention } from './audit.js';
import { result, reviewBody, upsertCheck, writeReview, type GateResult } from './publish.js';
import type { StoredState } from './state.js';
import { CHECK_VERIFY, stepCheckName, stepChecks, stepExternalId, type GateEnv } from './view.js';

/**
 * `/cancel`, authorized, in a state where it applies: a running execution gets the request (a button
 * press as the bot's comment, which the watcher reads), anything else is cancelled at once.
 */
export async function cancel(
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

/** `/cancel` when nothing is running: the steps not run are marked cancelled, and the gate with them. */
export async function cancelPlan(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  by: string,
): Promise<GateResult> {
  const sha = view.pr.headSha;
  const checks = await env.port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    view.plan.hash,
    view.plan.plan.steps.map((s) => s.id),
  );
  for (const step of view.plan.plan.steps) {
    const c = previous.get(step.id);
    if (
      c &&
      c.status === 'completed' &&
      (c.conclusion === 'success' || c.conclusion === 'skipped' || c.conclusion === 'cancelled')
    )
      continue;
    await env.port.createCheckRun({
      name: stepCheckName(step.id),
      headSha: sha,
      status: 'completed',
      conclusion: 'cancelled',
      externalId: stepExternalId(view.plan.hash, step.id),
      completedAt: (env.now?.() ?? new Date()).toISOString(),
      title: 'Cancelled',
      summary: `Cancelled by ${codeSpan(by)} before it ran.`,
    });
  }
  const next: StoredState = {
    ...stored,
    state: follow('cancel'),
    reason: `cancelled by ${by}`,
    pausedAt: undefined,
  };
  const fresh = await env.port.listCheckRuns(sha);
  await upsertCheck(env, fresh, sha, CHECK_VERIFY, {
    conclusion: 'cancelled',
    title: 'Cancelled',
    summary: `Cancelled by ${codeSpan(by)}; this commit is not verified. \`/proceed\` resumes from the first step that did not succeed.`,
    ...buttons(env),
  });
  // Who cancelled goes in the audit record of the approved plan (issue 15, item 6).
  await auditIntervention(
    env.port,
    view,
    stored,
    { action: 'cancel', by, at: (env.now?.() ?? new Date()).toISOString(), state: next.state },
    checks,
  );
  await writeReview(env, view, reviewBody(view, next, fresh), next);
  // A plan paused at a checkpoint has its deployment open (deployments.ts): it ends as inactive.
  await endOpenDeployment(env, view, deploymentLogUrl(env, view), `Cancelled by ${by}`);
  return result(view, `Cancelled by ${by}.`, next);
}

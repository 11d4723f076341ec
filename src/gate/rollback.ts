/**
 * `/rollback`: the `rollback` commands of the completed steps, newest first, each as a check run. They
 * run through the executor, as the steps of a plan of their own, so one command builder serves steps,
 * verifications and rollbacks: the same shell, environment, masking, timeouts and process groups, and
 * a `working-directory` that must stay inside the checkout.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executePlan, PlanChangedError } from '../execute/executor.js';
import type { StepResult } from '../execute/events.js';
import { formatDuration } from '../plan/duration.js';
import { follow } from '../plan/lifecycle.js';
import type { Plan, Step } from '../plan/schema.js';
import { codeSpan } from '../render/markdown.js';
import { buttons } from './buttons.js';
import type { ValidView } from './decide.js';
import { handOff } from './execute.js';
import { lockMaxAgeMs, withPlanLock } from './lock-session.js';
import { refusal, result, reviewBody, upsertCheck, writeReview, type GateResult } from './publish.js';
import { logBlock } from './run-checks.js';
import type { StoredState } from './state.js';
import { CHECK_VERIFY, stepChecks, type GateEnv, type PlanRunner } from './view.js';

/** `/rollback`: the `rollback` commands of the completed steps, newest first, each as a check run. */
export async function rollbackPlan(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  by: string,
): Promise<GateResult> {
  const { port } = env;
  const runner = env.runner;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const checks = await port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    view.plan.hash,
    view.plan.plan.steps.map((s) => s.id),
  );
  const toUndo = view.plan.plan.steps
    .filter((s) => s.rollback && previous.get(s.id)?.conclusion === 'success')
    .reverse();
  if (toUndo.length === 0) {
    await port.createComment(
      number,
      refusal(
        '/rollback',
        'No completed step on this commit has a `rollback` command, so there is nothing to undo.',
      ),
    );
    return result(view, 'Nothing to roll back.');
  }
  if (!runner) return handOff(env, view, stored, 'rollback', by);
  return withPlanLock(
    env,
    view,
    runner.holder,
    lockMaxAgeMs(view.plan.plan),
    async (holder) => {
      await port.createComment(
        number,
        refusal('/rollback', `The plan is being executed by ${holder}; \`/cancel\` it first.`),
      );
      return result(view, 'Refused /rollback: another execution holds the lock.');
    },
    (lost) => runRollback(env, view, stored, by, runner, toUndo, lost),
  );
}

/** The plan the executor runs for a rollback: each step to undo, its `rollback` as its command, no checkpoint, no verify phase. */
export function rollbackPlan_(plan: Plan, toUndo: Step[]): Plan {
  return {
    ...plan,
    config: { ...plan.config, stop_on_error: true, allow_skip: false, checkpoint_between_steps: false },
    steps: toUndo.map((s) => ({ ...s, run: s.rollback, checkpoint: false, rollback: undefined })),
    verify: {},
  };
}

async function runRollback(
  env: GateEnv,
  view: ValidView,
  stored: StoredState,
  by: string,
  runner: PlanRunner,
  toUndo: Step[],
  lost: AbortSignal,
): Promise<GateResult> {
  const { port } = env;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const now = () => (env.now?.() ?? new Date()).toISOString();
  const workspace = await runner.workspace(sha, number);
  if (!workspace.ok) {
    await port.createComment(number, refusal('/rollback', workspace.message));
    return { ...result(view, workspace.message), failed: true };
  }
  const source = await readFile(join(workspace.dir, view.plan.path), 'utf8').catch(() => '');
  const lines: string[] = [];
  const runs = new Map<string, number>();
  let failed = false;
  try {
    await executePlan({
      plan: rollbackPlan_(view.plan.plan, toUndo),
      source,
      approvedHash: view.plan.hash,
      planPath: view.plan.path,
      cwd: workspace.dir,
      env: runner.env,
      extraEnv: { PROCEED_PR: String(number), PROCEED_SHA: sha },
      verify: {},
      secrets: runner.secrets,
      signal: lost,
      onFailure: async () => 'stop',
      onEvent: async (event) => {
        if (event.type === 'step-started') {
          const check = await port.createCheckRun({
            name: `proceed/rollback-${event.step.id}`,
            headSha: sha,
            status: 'in_progress',
            startedAt: now(),
            title: 'Rolling back',
            summary: `Undoing ${codeSpan(event.step.name)}.`,
          });
          runs.set(event.step.id, check.id);
        } else if (event.type === 'step-finished') {
          // Those after a failed rollback never started: they get no check run, as nothing was tried.
          const id = runs.get(event.step.id);
          if (id === undefined) return;
          const r = event.result;
          const ok = r.status === 'success';
          failed ||= !ok;
          await port.updateCheckRun(id, {
            status: 'completed',
            conclusion: ok ? 'success' : r.status === 'timed-out' ? 'timed_out' : 'failure',
            completedAt: now(),
            title: ok ? 'Rolled back' : 'Rollback failed',
            summary: `Rollback of ${codeSpan(event.step.name)}: exit ${exitOf(r)} in ${formatDuration(r.durationMs)}${!ok && r.reason ? `\n\n${codeSpan(r.reason)}` : ''}`,
            text: logBlock(r.tail),
          });
          lines.push(
            `- ${ok ? '✅' : '❌'} ${codeSpan(event.step.name)}: exit ${exitOf(r)}, ${formatDuration(r.durationMs)}`,
          );
        }
      },
    });
  } catch (err) {
    if (!(err instanceof PlanChangedError)) throw err;
    await port.createComment(
      number,
      refusal(
        '/rollback',
        `The plan at ${codeSpan(sha.slice(0, 7))} is not the plan that was approved, so its rollbacks are not run. Approve it again.`,
      ),
    );
    return {
      ...result(view, 'Refused /rollback: the checked-out plan differs from the approved one.', stored),
      failed: true,
    };
  }
  const next: StoredState = {
    ...stored,
    state: follow(failed ? 'fail-rollback' : 'roll-back'),
    reason: failed ? `rollback requested by ${by} failed` : `rolled back by ${by}`,
  };
  const fresh = await port.listCheckRuns(sha);
  await upsertCheck(env, fresh, sha, CHECK_VERIFY, {
    conclusion: failed ? 'failure' : 'cancelled',
    title: failed ? 'Rollback failed' : 'Rolled back',
    summary: `Rolled back at the request of ${codeSpan(by)}:\n\n${lines.join('\n')}`,
    ...buttons(env),
  });
  await writeReview(env, view, reviewBody(view, next, fresh), next);
  await port.createComment(
    number,
    `### ↩️ Rollback ${failed ? 'failed' : 'done'}\n\nNewest first:\n\n${lines.join('\n')}`,
  );
  return { ...result(view, `Rollback by ${by}: ${failed ? 'failed' : 'done'}.`, next), failed };
}

function exitOf(r: StepResult): string | number {
  return r.exitCode ?? r.signal ?? '—';
}

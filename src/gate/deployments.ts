/**
 * GitHub Deployments for plans that name an `environment:` (issue 14): the execution is recorded
 * as a deployment of exactly the approved commit, so the repository's Environments page shows who
 * deployed what and when. A subscriber of the executor's events: the deployment is created when
 * the first step starts, `in_progress` then, and `success`, `failure` or `inactive` (cancelled) when
 * the run ends; a pause at a checkpoint leaves it in progress and the resume carries it on.
 *
 * The policy's say over environments (which ones plans may name, and who may approve a plan for
 * each) is a rule of decide.ts, `environmentRefusal`; handle.ts reads the sender under the
 * environment's approvers (`environmentApprovers`) before it decides.
 */
import type { ExecEvent } from '../execute/events.js';
import type { ExecutionReport } from '../execute/executor.js';
import type { DeploymentStatusInput } from './port.js';
import type { Policy } from './policy.js';
import { short, type GateEnv, type View } from './view.js';

type ValidView = View & { plan: Extract<View['plan'], { kind: 'valid' }> };

/** Whether the policy records `environment` as a production environment. */
export function isProduction(policy: Policy, environment: string): boolean {
  return policy.environments?.[environment]?.production ?? environment === 'production';
}

export interface DeploymentRecorder {
  onEvent(event: ExecEvent): Promise<void>;
  finish(report: ExecutionReport): Promise<void>;
}

/**
 * The recorder for one execution, or undefined when the plan names no environment. Recording never
 * stops or fails the execution: a deployment GitHub refuses (a token without `deployments: write`)
 * is said in the log, with what to do.
 */
export function deploymentRecorder(
  env: GateEnv,
  view: ValidView,
  logUrl: string,
  approvedBy: string | undefined,
): DeploymentRecorder | undefined {
  const environment = view.plan.plan.environment;
  if (!environment) return undefined;
  const sha = view.pr.headSha;
  let id: number | undefined;
  let failed = false;
  const attempt = async (what: string, write: () => Promise<void>) => {
    if (failed) return;
    try {
      await write();
    } catch (err) {
      failed = true;
      env.log(
        `Could not ${what} for ${environment} at ${short(sha)}: ${(err as Error).message}. ` +
          'The steps go on; give the token `deployments: write` (the app: Deployments read and write) to record them.',
      );
    }
  };
  const status = (state: DeploymentStatusInput['state'], description: string) =>
    attempt(`set the deployment ${state}`, async () => {
      if (id !== undefined) await env.port.setDeploymentStatus(id, { state, logUrl, description });
    });
  return {
    onEvent: async (event) => {
      if (event.type !== 'step-started' || id !== undefined || failed) return;
      let resumed = false;
      await attempt('create the deployment', async () => {
        // A resume after a checkpoint carries on the deployment the first part started.
        const open = await env.port.findDeployment(sha, environment);
        if (open && open.state === 'in_progress') {
          id = open.id;
          resumed = true;
          return;
        }
        id = (
          await env.port.createDeployment({
            sha,
            environment,
            production: isProduction(view.policy, environment),
            description: `${view.plan.plan.title} (#${view.pr.number}, approved by ${approvedBy ?? 'someone allowed'})`,
          })
        ).id;
      });
      if (!resumed) await status('in_progress', `Executing ${view.plan.path}`);
    },
    finish: async (report) => {
      if (id === undefined) return;
      const states: Partial<Record<ExecutionReport['outcome'], DeploymentStatusInput['state']>> = {
        verified: 'success',
        failed: 'failure',
        'verify-failed': 'failure',
        cancelled: 'inactive',
      };
      const state = states[report.outcome];
      if (state) await status(state, report.reason ?? `The plan is ${report.outcome}`);
    },
  };
}

/**
 * A plan cancelled while nothing ran (paused at a checkpoint, or its checkpoint timed out): its open
 * deployment ends as inactive, with `why` as the status's description.
 */
export async function endOpenDeployment(
  env: GateEnv,
  view: ValidView,
  logUrl: string,
  why: string,
): Promise<void> {
  const environment = view.plan.plan.environment;
  if (!environment) return;
  try {
    const open = await env.port.findDeployment(view.pr.headSha, environment);
    if (open?.state === 'in_progress')
      await env.port.setDeploymentStatus(open.id, {
        state: 'inactive',
        logUrl,
        description: why,
      });
  } catch (err) {
    env.log(`Could not end the deployment to ${environment}: ${(err as Error).message}.`);
  }
}

/** Where a deployment's log is: the workflow run executing it, or the pull request's checks. */
export function deploymentLogUrl(env: GateEnv, view: View): string {
  const holder = env.runner?.holder;
  return holder && 'url' in holder && typeof holder.url === 'string'
    ? holder.url
    : `${view.pr.htmlUrl}/checks`;
}

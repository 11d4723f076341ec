import type { Octokit } from '@octokit/core';
import type { GateResult } from '../gate/handle.js';
import { httpStatus } from '../github/octokit.js';
import type { GitHubPort } from '../gate/port.js';
import { codeSpan } from '../render/markdown.js';

export type Handoff = NonNullable<GateResult['handoff']>;

export interface DispatchTarget {
  owner: string;
  repo: string;
  /** The workflow's file name in `.github/workflows/` (PROCEED_WORKFLOW). */
  workflow: string;
  /** The default branch: the workflow that runs is the one reviewed there, never a pull request's. */
  ref: string;
}

/**
 * The `dispatch` executor: starts the repository's proceed workflow (`workflow_dispatch` with the
 * pull request, commit and plan hash), whose Action runs in `mode: execute` on a GitHub Actions
 * runner, so executions scale with runners rather than with this process. The run itself was
 * recorded in the bot's review by the gate; the Action refuses anything else. GitHub records the
 * app as the run's triggering actor, which is what lets that run, and no other, trade its OIDC
 * token for an installation token (token-exchange.ts). Returns the new run's id, for the log.
 */
export async function dispatchRun(
  octokit: Octokit,
  target: DispatchTarget,
  number: number,
  handoff: Handoff,
): Promise<number | undefined> {
  const { data } = await octokit.request(
    'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    {
      owner: target.owner,
      repo: target.repo,
      workflow_id: target.workflow,
      ref: target.ref,
      inputs: { pr: String(number), sha: handoff.headSha, 'plan-hash': handoff.planHash },
      return_run_details: true,
    },
  );
  // GitHub Enterprise Server versions without run details answer 204 with no body.
  const runId = (data as { workflow_run_id?: unknown } | undefined)?.workflow_run_id;
  return typeof runId === 'number' ? runId : undefined;
}

/** Tells the pull request that an allowed run could not be started, and how to fix it. */
export async function reportDispatchFailure(
  port: GitHubPort,
  target: DispatchTarget,
  number: number,
  handoff: Handoff,
  err: unknown,
): Promise<void> {
  const status = httpStatus(err);
  const why =
    status === 404
      ? `there is no ${codeSpan(`.github/workflows/${target.workflow}`)} on ${codeSpan(target.ref)}, or the app may not read it`
      : status === 422
        ? `the workflow on ${codeSpan(target.ref)} has no \`workflow_dispatch\` trigger with the inputs \`pr\`, \`sha\` and \`plan-hash\``
        : `GitHub answered: ${codeSpan((err as Error).message ?? String(err))}`;
  await port.createComment(
    number,
    `**\`/${handoff.command}\` was allowed, but its run could not be started:** ${why}. ` +
      `Add the workflow from the README ("The GitHub App") to the default branch, then comment \`/${handoff.command}\` again.`,
  );
}

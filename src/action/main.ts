import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { parseGlobList } from '../gate/discover.js';
import { toGateEvent } from '../gate/events.js';
import { handleEvent, type GateResult } from '../gate/handle.js';
import { createOctokit, writeIntervalFromEnv } from '../github/client.js';
import { OctokitPort } from '../github/octokit.js';
import { checkoutApproved } from './checkout.js';

/**
 * The Action's door: the runner's environment and event file in, a call on the gate, outputs and
 * the job summary out. Everything the product decides lives behind `handleEvent`.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const eventName = env.GITHUB_EVENT_NAME;
  const eventPath = env.GITHUB_EVENT_PATH;
  const repository = env.GITHUB_REPOSITORY;
  if (!eventName || !eventPath || !repository) {
    core.setFailed(
      'proceed runs inside a GitHub Actions job: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_REPOSITORY must be set. ' +
        'To try a plan locally, use the CLI: npx proceed run FILE.',
    );
    return;
  }
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) {
    core.setFailed(`GITHUB_REPOSITORY is "${repository}", expected OWNER/REPO.`);
    return;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch (err) {
    core.setFailed(`Cannot read the event payload at ${eventPath}: ${(err as Error).message}`);
    return;
  }
  const event = toGateEvent(eventName, payload);
  if (event.kind === 'invalid') {
    core.setFailed(`${event.message}. Check the workflow's \`on:\` triggers against the README.`);
    return;
  }
  if (event.kind === 'ignored') {
    core.notice(`proceed: ${event.reason}.`);
    core.setOutput('state', 'none');
    return;
  }

  const octokit = createOctokit({
    token: core.getInput('github-token', { required: true }),
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    log: (line) => core.info(line),
    writeIntervalMs: writeIntervalFromEnv(env),
  });
  const port = new OctokitPort(octokit, owner, repo);
  const token = core.getInput('github-token', { required: true });
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const runId = env.GITHUB_RUN_ID || 'local';
  const result: GateResult = await handleEvent(
    {
      port,
      botLogin: core.getInput('bot-login') || 'github-actions[bot]',
      planGlobs: parseGlobList(core.getInput('plan-files')),
      policyPath: core.getInput('policy-file') || '.github/proceed.yml',
      log: (line) => core.info(line),
      runner: {
        workspace: (sha, number) =>
          checkoutApproved({
            workspace: env.GITHUB_WORKSPACE || process.cwd(),
            scratch: env.RUNNER_TEMP || tmpdir(),
            serverUrl,
            owner,
            repo,
            sha,
            prNumber: number,
            token,
            log: (line) => core.info(line),
          }),
        holder: {
          kind: 'workflow-run',
          id: runId,
          url: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
          attempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
        },
        env: stepEnvironment(env),
        secrets: [token, ...secretsInEnvironment(env)],
        pollMs: pollIntervalFromEnv(env),
      },
    },
    event,
  );

  core.setOutput('state', result.state);
  core.setOutput('plan-path', result.planPath ?? '');
  core.setOutput('next-step', result.nextStep ?? '');
  core.info(result.summary);
  if (env.GITHUB_STEP_SUMMARY) {
    const summary = core.summary.addHeading('proceed', 2).addRaw(result.summary, true);
    if (result.report) summary.addEOL().addRaw(result.report, true);
    await summary.write();
  }
  if (result.failed) core.setFailed(result.summary);
}

/** Steps inherit the job's environment, as workflow steps do, minus this action's own inputs (the token among them). */
function stepEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('INPUT_')));
}

/**
 * Values that look like secrets in the job's environment (a workflow passes secrets to a step as
 * variables: `env: { DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }} }`), masked in every posted log.
 */
export function secretsInEnvironment(env: NodeJS.ProcessEnv): string[] {
  const name = /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY/i;
  return Object.entries(env)
    .filter(([key, value]) => name.test(key) && value && value.length >= 6)
    .map(([, value]) => value!);
}

/** How often a running execution looks for /cancel, a close or a push: `PROCEED_POLL_INTERVAL_MS`, default 10 s. */
function pollIntervalFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.PROCEED_POLL_INTERVAL_MS);
  return Number.isFinite(value) && value >= 50 ? value : 10_000;
}

run().catch((err: unknown) => {
  // An API failure that outlived the retries, or a bug: say what happened without a stack trace.
  const status =
    typeof err === 'object' && err && 'status' in err
      ? ` (HTTP ${String((err as { status: unknown }).status)})`
      : '';
  core.setFailed(
    `proceed stopped: ${(err as Error).message}${status}. Re-run the job; if it persists, check the token's permissions.`,
  );
});

import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { parseGlobList } from '../gate/discover.js';
import { POLICY_FILE } from '../gate/policy.js';
import { toGateEvent, type GateEvent } from '../gate/events.js';
import {
  executeRequested,
  handleEvent,
  sweepCheckpoints,
  type DispatchedRun,
  type GateResult,
} from '../gate/handle.js';
import { actingSender } from '../gate/rules/rerun.js';
import { pollIntervalFromEnv, type GateEnv } from '../gate/view.js';
import { createOctokit, pacing, retryBaseFromEnv, writeIntervalFromEnv } from '../github/client.js';
import { createPublisher } from '../gate/publisher.js';
import { apiFailureMessage } from '../github/failure.js';
import { OctokitPort } from '../github/octokit.js';
import { type AppToken, revokeToken, tokenFromApp } from './app-token.js';
import { checkoutApproved } from '../execute/checkout.js';
import { secretsInEnvironment } from '../execute/secrets.js';
import { stepEnvironment } from '../execute/step-env.js';

/**
 * The Action's door: the runner's environment and event file in, a call on the gate, outputs and
 * the job summary out. Everything the product decides lives behind `handleEvent`.
 *
 * Importing this module does nothing (the entry, ./index.ts, calls `run`), so `@github/local-action`
 * and tests can import it and call `run` once. `run` never rejects: whatever stops it ends in
 * `core.setFailed` with a message that says what happened and what to do.
 */
/** Tokens of the write budget kept for what somebody waits for (see `publisher` below). */
const ROOM_KEPT = 5;

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await runGate(env);
  } catch (err) {
    // An API failure that outlived the retries, or a bug: say what happened without a stack trace.
    core.setFailed(`proceed stopped: ${apiFailureMessage(err, apiUrl(env), RESUME)}`);
  }
}

/** After GitHub failed past the retries: what is kept, and how to go on. */
const RESUME =
  'Steps that finished keep their check runs and are not run again; the lock this run held counts as ended once ' +
  'the run is over. To resume, comment `/proceed` on the pull request (or re-run this job) once GitHub answers again.';

/** Where the Action talks to GitHub: the runner's GITHUB_API_URL, or github.com's API. */
function apiUrl(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_API_URL || 'https://api.github.com';
}

async function runGate(env: NodeJS.ProcessEnv): Promise<void> {
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
  const mode = core.getInput('mode') || 'auto';
  if (mode !== 'auto' && mode !== 'execute') {
    core.setFailed(
      `The \`mode\` input is "${mode}"; use \`auto\` (act on the triggering event) or \`execute\` (run what the app dispatched).`,
    );
    return;
  }
  let work:
    { kind: 'event'; event: GateEvent } | { kind: 'dispatched'; run: DispatchedRun } | { kind: 'sweep' };
  if (mode === 'execute') {
    const dispatched = dispatchedRun();
    if (typeof dispatched === 'string') {
      core.setFailed(dispatched);
      return;
    }
    work = { kind: 'dispatched', run: dispatched };
  } else if (eventName === 'schedule') {
    // A scheduled run ends the checkpoints nobody confirmed in time, on every open pull request.
    work = { kind: 'sweep' };
  } else {
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
    // A re-run attempt acts as whoever re-ran it, not as the sender of the original payload.
    const sender = actingSender(event.sender, env.GITHUB_RUN_ATTEMPT, env.GITHUB_TRIGGERING_ACTOR);
    work = { kind: 'event', event: { ...event, sender } };
  }

  // Dispatched by the app with `app-url`: the app's token, traded for this job's OIDC token.
  const appUrl = work.kind === 'dispatched' ? core.getInput('app-url') : '';
  let appToken: AppToken | undefined;
  if (appUrl) {
    try {
      appToken = await tokenFromApp(appUrl, { log: (line) => core.info(line) });
    } catch (err) {
      core.setFailed(`${(err as Error).message} Nothing was run.`);
      return;
    }
  }
  const token = appToken?.token ?? core.getInput('github-token', { required: true });
  // Read once, then out of this process's environment: nothing spawned later inherits it.
  delete process.env['INPUT_GITHUB-TOKEN'];
  const writeIntervalMs = writeIntervalFromEnv(env);
  const pace = pacing(writeIntervalMs === undefined ? {} : { fixedIntervalMs: writeIntervalMs });
  const octokit = createOctokit({
    token,
    baseUrl: apiUrl(env),
    log: (line) => core.info(line),
    pacing: pace,
    retryBaseMs: retryBaseFromEnv(env),
  });
  const port = new OctokitPort(octokit, owner, repo, retryBaseFromEnv(env));
  const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
  const runId = env.GITHUB_RUN_ID || 'local';
  const gateEnv: GateEnv = {
    port,
    botLogin: appToken?.botLogin ?? (core.getInput('bot-login') || 'github-actions[bot]'),
    planGlobs: parseGlobList(core.getInput('plan-files')),
    policyPath: core.getInput('policy-file') || POLICY_FILE,
    log: (line) => core.info(line),
    // What no guarantee waits for goes out only while the budget keeps room for the writes that end
    // the job (the gate, the review, the outcome comment, the lock) and the next step's result.
    publisher: createPublisher({ room: () => pace.roomFor(ROOM_KEPT) }),
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
    // Dispatched by the app, this runs with the app's token, so its check runs' buttons reach the app.
    buttons: work.kind === 'dispatched',
  };
  let result: GateResult;
  try {
    result =
      work.kind === 'dispatched'
        ? await executeRequested(gateEnv, work.run)
        : work.kind === 'sweep'
          ? await sweepCheckpoints(gateEnv)
          : await handleEvent(gateEnv, work.event);
  } finally {
    if (appToken)
      await revokeToken(octokit).catch((err: unknown) =>
        core.warning(
          `proceed: could not revoke the app's token (${(err as Error).message}); it expires at ${appToken?.expiresAt}.`,
        ),
      );
  }

  core.setOutput('state', result.state);
  core.setOutput('plan-path', result.planPath ?? '');
  core.setOutput('next-step', result.nextStep ?? '');
  core.info(result.summary);
  if (env.GITHUB_STEP_SUMMARY) {
    const summary = core.summary.addHeading('proceed', 2).addRaw(result.summary, true);
    if (result.report) summary.addEOL().addRaw(result.report, true);
    // The audit record of the execution that ended (issue 15, item 6): tables, then its JSON whole.
    if (result.audit) summary.addEOL().addRaw(result.audit, true);
    await summary.write();
  }
  if (result.failed) core.setFailed(result.summary);
}

/**
 * `mode: execute`: the pull request, commit and plan the app's dispatch names (inputs `pr`, `sha`,
 * `plan-hash`), or what is wrong with them.
 */
function dispatchedRun(): DispatchedRun | string {
  const pr = core.getInput('pr').trim();
  const sha = core.getInput('sha').trim().toLowerCase();
  const planHash = core.getInput('plan-hash').trim().toLowerCase();
  const how = 'The app dispatches the proceed workflow with it; see "The GitHub App" in the README.';
  if (!/^[1-9]\d{0,9}$/.test(pr))
    return `mode: execute needs the \`pr\` input, a pull request number; it is "${pr}". ${how}`;
  if (!/^[0-9a-f]{40}$/.test(sha))
    return `mode: execute needs the \`sha\` input, the approved commit's full SHA; it is "${sha}". ${how}`;
  if (!/^[0-9a-f]{64}$/.test(planHash))
    return `mode: execute needs the \`plan-hash\` input, the approved plan's SHA-256; it is "${planHash}". ${how}`;
  return { number: Number(pr), headSha: sha, planHash };
}

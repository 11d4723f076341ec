/**
 * What reaches a step of the Action (issue 12 item 8, issue 13 item 3), end to end through the
 * bundle: the runner's channels to the job (GITHUB_OUTPUT, the job summary, ACTIONS_RUNTIME_TOKEN
 * and the cache) and the action's inputs (the token) never do, so a step cannot forge the Action's
 * outputs, and the token it can still dig out of its parent's /proc entry is masked when printed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RUNNER_CHANNELS } from '../../src/execute/step-env.js';
import { commentRun, DEFAULT_INPUTS, runAction } from '../support/action.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';
import { makeRemote } from '../support/remote.js';

const PLAN_PATH = 'deploy/release.plan.yml';
const TOKEN = DEFAULT_INPUTS['github-token']!;

/** Step one dumps its environment and tries every channel; step two fails, so the honest state is `failed`. */
const PLAN = `version: 1
title: A step that tries to speak for the Action
steps:
  - id: forge
    name: Forge the outputs
    run: |
      env > "$DUMP"
      for f in "$GITHUB_OUTPUT" "$GITHUB_STEP_SUMMARY" "$GITHUB_ENV" "$GITHUB_PATH" "$GITHUB_STATE"; do
        [ -n "$f" ] && echo "state=verified" >> "$f"
      done
      echo "forged: ran to the end"
      tr '\\0' '\\n' < /proc/$PPID/environ | grep -a '^INPUT_GITHUB-TOKEN=' || true
      tr '\\0' '\\n' < /proc/$PPID/environ | grep -a '^INPUT_GITHUB-TOKEN=' | cut -d= -f2 | base64 || true
    estimate: 1m
  - id: fail
    name: Fail honestly
    run: exit 3
    estimate: 1m
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('what reaches a step of the Action', () => {
  const github = useFakeGitHub();

  it('gets neither the runner channels nor INPUT_*, cannot forge state=verified, and the token it prints is masked', async () => {
    const fake = github();
    const remote = makeRemote();
    const head = remote.commit({ [PLAN_PATH]: PLAN });
    const dir = mkdtempSync(join(tmpdir(), 'proceed-env-'));
    cleanups.push(
      () => remote.cleanup(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    fake.addPullRequest({
      number: 7,
      user: 'alice',
      headSha: head,
      baseSha: remote.baseSha,
      files: [{ filename: PLAN_PATH, content: PLAN }],
    });
    fake.setPermission('bob', 'write');
    const dump = join(dir, 'env');
    const env = {
      GITHUB_SERVER_URL: remote.serverUrl,
      DUMP: dump,
      ACTIONS_RUNTIME_TOKEN: 'runtime-token-value',
      ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime/',
      ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/',
      ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results/',
      GITHUB_ENV: join(dir, 'github-env'),
      GITHUB_PATH: join(dir, 'github-path'),
      GITHUB_STATE: join(dir, 'github-state'),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
    };
    const opened = await runAction({
      fake,
      event: 'pull_request',
      payload: pullRequestEvent('opened', {
        number: 7,
        user: 'alice',
        headSha: head,
        baseSha: remote.baseSha,
      }),
      env,
    });
    expect(opened.code, opened.stderr).toBe(0);
    fake.setWorkflowRun({ id: 1001, status: 'in_progress' });
    const run = await commentRun({ fake, user: 'bob', body: '/proceed', env }).run;

    expect(run.code, 'the failing step fails the job').not.toBe(0);
    expect(run.outputs.state).toBe('failed');
    // The summary quotes the plan's commands in its audit record; what the step would have appended is a line of its own.
    expect(run.summary).not.toMatch(/^state=verified$/m);
    expect(run.summary).toContain('## 🧾 Audit record');
    for (const file of [env.GITHUB_ENV, env.GITHUB_PATH, env.GITHUB_STATE])
      expect(existsSync(file)).toBe(false);

    const seen = readFileSync(dump, 'utf8');
    const names = seen.split('\n').map((line) => line.split('=')[0]);
    for (const name of RUNNER_CHANNELS) expect(names, name).not.toContain(name);
    expect(names.filter((name) => name?.startsWith('INPUT_'))).toEqual([]);
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain('runtime-token-value');
    // Deploy steps keep the OIDC request, which the workflow granted with id-token: write.
    expect(seen).toContain('ACTIONS_ID_TOKEN_REQUEST_URL=http://127.0.0.1:9/oidc');
    expect(seen).toContain('ACTIONS_ID_TOKEN_REQUEST_TOKEN=oidc-request-token');

    const forge = fake
      .checkRuns(head)
      .filter((c) => c.name === 'proceed/forge')
      .at(-1)!;
    expect(forge.output.text).toContain('forged: ran to the end');
    expect(forge.output.text).toContain('INPUT_GITHUB-TOKEN=***');
    const posted = JSON.stringify([fake.checkRuns(head), fake.comments(7), fake.reviews(7)]);
    expect(posted).not.toContain(TOKEN);
    expect(posted).not.toContain(Buffer.from(`${TOKEN}\n`).toString('base64').slice(0, 16));
  });
});

/**
 * GitHub Deployments end to end (issue 14): a plan with `environment: production` executed through
 * the committed bundle is recorded as a deployment of the approved commit, with its statuses, over a
 * run that succeeds, one that fails and one cancelled; the policy's environments restrict which may
 * be named and who may approve each. The fake checks every request against GitHub's description.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commentRun, runAction, type ActionRun } from '../support/action.js';
import { deploymentsOf } from '../support/fake-github/deployments.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';
import { makeRemote } from '../support/remote.js';

const PLAN_PATH = 'deploy/release.plan.yml';

function plan(o: { environment?: string; two?: string; checkpoint?: boolean } = {}): string {
  return `version: 1
title: Release the widgets service
environment: ${o.environment ?? 'production'}
steps:
  - id: one
    name: Build
    run: echo one >> "$RUN_LOG"
    estimate: 1m
  - id: two
    name: Ship
    run: ${o.two ?? 'echo two >> "$RUN_LOG"'}
    checkpoint: ${o.checkpoint ?? false}
    estimate: 1m
verify:
  tests: echo verify >> "$RUN_LOG"
`;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function scene(fake: FakeGitHub, planText: string, policy?: string) {
  const remote = makeRemote(policy ? { '.github/proceed.yml': policy } : {});
  const head = remote.commit({ [PLAN_PATH]: planText });
  const dir = mkdtempSync(join(tmpdir(), 'proceed-deploy-'));
  cleanups.push(
    () => remote.cleanup(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  fake.addPullRequest({
    number: 7,
    user: 'alice',
    headSha: head,
    baseSha: remote.baseSha,
    files: [{ filename: PLAN_PATH, content: planText }],
  });
  if (policy) fake.setFile(remote.baseSha, '.github/proceed.yml', policy);
  for (const login of ['alice', 'bob', 'carol']) fake.setPermission(login, 'write');
  const env = { GITHUB_SERVER_URL: remote.serverUrl, RUN_LOG: join(dir, 'run.log') };
  let runs = 4000;
  return {
    head,
    serverUrl: remote.serverUrl,
    log: () => (existsSync(env.RUN_LOG) ? readFileSync(env.RUN_LOG, 'utf8').trim().split('\n') : []),
    deployments: () => deploymentsOf(fake.repo()),
    open: () =>
      runAction({
        fake,
        event: 'pull_request',
        payload: pullRequestEvent('opened', {
          number: 7,
          user: 'alice',
          headSha: head,
          baseSha: remote.baseSha,
        }),
        env,
      }),
    send: async (user: string, body: string): Promise<ActionRun & { runId: number }> => {
      const id = runs++;
      fake.setWorkflowRun({ id, status: 'in_progress' });
      const run = await commentRun({ fake, user, body, env: { ...env, GITHUB_RUN_ID: String(id) } }).run;
      fake.setWorkflowRun({ id, status: 'completed', conclusion: run.code === 0 ? 'success' : 'failure' });
      return { ...run, runId: id };
    },
  };
}

describe('a plan with environment: production', () => {
  const github = useFakeGitHub();

  it('is recorded as a production deployment of the approved commit: in_progress, then success', async () => {
    const s = scene(github(), plan());
    await s.open();
    expect(s.deployments()).toEqual([]);
    const run = await s.send('bob', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [d, ...more] = s.deployments();
    expect(more).toEqual([]);
    expect(d).toMatchObject({
      sha: s.head,
      ref: s.head,
      environment: 'production',
      productionEnvironment: true,
      creator: 'github-actions[bot]',
    });
    expect(d!.description).toContain('approved by bob');
    expect(d!.statuses.map((x) => x.state)).toEqual(['in_progress', 'success']);
    // The workflow run executing it (GITHUB_SERVER_URL is the local git server here).
    expect(d!.statuses[0]!.logUrl).toBe(`${s.serverUrl}/octo-org/widgets/actions/runs/${run.runId}`);
  }, 90_000);

  it('ends as failure when a step fails', async () => {
    const s = scene(github(), plan({ two: 'exit 3' }));
    await s.open();
    const run = await s.send('bob', '/proceed');
    expect(run.code).toBe(1);
    expect(s.deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress', 'failure']]);
  }, 90_000);

  it('stays in progress at a checkpoint, ends as inactive when cancelled there', async () => {
    const s = scene(github(), plan({ checkpoint: true }));
    await s.open();
    await s.send('bob', '/proceed');
    expect(s.log()).toEqual(['one']);
    expect(s.deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress']]);
    const cancel = await s.send('bob', '/cancel');
    expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
    expect(s.deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress', 'inactive']]);
  }, 90_000);

  it('ends as inactive when nobody confirms its checkpoint in time', async () => {
    const s = scene(github(), plan({ checkpoint: true }), 'checkpoint_timeout: 1s\n');
    await s.open();
    await s.send('bob', '/proceed');
    const pausedBy = Date.now();
    expect(s.deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress']]);
    await new Promise((r) => setTimeout(r, Math.max(0, pausedBy + 1_100 - Date.now())));
    const late = await s.send('bob', '/proceed');
    expect(late.code, late.stdout + late.stderr).toBe(0);
    const [d] = s.deployments();
    expect(d!.statuses.map((x) => x.state)).toEqual(['in_progress', 'inactive']);
    expect(d!.statuses.at(-1)!.description).toMatch(/timed out/);
  }, 90_000);

  it('carries one deployment across a checkpoint to its success', async () => {
    const s = scene(github(), plan({ checkpoint: true }));
    await s.open();
    await s.send('bob', '/proceed');
    await s.send('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'verify']);
    expect(s.deployments().map((d) => d.statuses.map((x) => x.state))).toEqual([['in_progress', 'success']]);
  }, 90_000);

  it('is a staging deployment, not production, for another name', async () => {
    const s = scene(github(), plan({ environment: 'staging' }));
    await s.open();
    await s.send('bob', '/proceed');
    expect(s.deployments()).toEqual([
      expect.objectContaining({ environment: 'staging', productionEnvironment: false }),
    ]);
  }, 90_000);
});

describe("the policy's environments", () => {
  const github = useFakeGitHub();

  it('refuses a plan naming an environment the policy does not list, and runs nothing', async () => {
    const s = scene(
      github(),
      plan({ environment: 'prod-eu' }),
      'environments:\n  production: {}\n  staging: {}\n',
    );
    await s.open();
    const run = await s.send('bob', '/proceed');
    expect(run.code).toBe(0);
    expect(s.log()).toEqual([]);
    expect(s.deployments()).toEqual([]);
    expect(run.summary).toContain('does not allow (allowed: `production`, `staging`)');
  }, 90_000);

  it("needs the environment's own approvers on top of the global ones", async () => {
    const s = scene(github(), plan(), 'environments:\n  production:\n    approvers: { users: [carol] }\n');
    await s.open();
    const refused = await s.send('bob', '/proceed');
    expect(s.log()).toEqual([]);
    expect(refused.summary).toContain('Plans for the environment `production` need its own approvers too');
    const run = await s.send('carol', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'verify']);
  }, 120_000);

  it('marks a policy-named production environment as production', async () => {
    const s = scene(github(), plan({ environment: 'live' }), 'environments:\n  live: { production: true }\n');
    await s.open();
    await s.send('bob', '/proceed');
    expect(s.deployments()).toEqual([
      expect.objectContaining({ environment: 'live', productionEnvironment: true }),
    ]);
  }, 90_000);
});

/**
 * GitHub Deployments end to end (issue 14): a plan with `environment: production` executed through
 * the committed bundle is recorded as a deployment of the approved commit, with its statuses, over a
 * run that succeeds, one that fails and one cancelled; the policy's environments restrict which may
 * be named and who may approve each. The fake checks every request against GitHub's description.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActionScene } from '../support/action-scene.js';
import { deploymentsOf } from '../support/fake-github/deployments.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';

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

const scenes: ActionScene[] = [];
afterEach(async () => {
  for (const s of scenes.splice(0)) await s.dispose();
});

function scene(fake: FakeGitHub, planText: string, policy?: string): ActionScene {
  const s = ActionScene.on(fake, { plan: planText, policy, writers: ['bob', 'carol'], firstRunId: 4000 });
  scenes.push(s);
  return s;
}

describe('a plan with environment: production', () => {
  const github = useFakeGitHub();

  it('is recorded as a production deployment of the approved commit: in_progress, then success', async () => {
    const s = scene(github(), plan());
    await s.pullRequest('opened');
    expect(deploymentsOf(s.fake.repo())).toEqual([]);
    const run = await s.comment('bob', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [d, ...more] = deploymentsOf(s.fake.repo());
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
    expect(d!.statuses[0]!.logUrl).toBe(`${s.remote.serverUrl}/octo-org/widgets/actions/runs/${run.runId}`);
  }, 90_000);

  it('ends as failure when a step fails', async () => {
    const s = scene(github(), plan({ two: 'exit 3' }));
    await s.pullRequest('opened');
    const run = await s.comment('bob', '/proceed');
    expect(run.code).toBe(1);
    expect(deploymentsOf(s.fake.repo()).map((d) => d.statuses.map((x) => x.state))).toEqual([
      ['in_progress', 'failure'],
    ]);
  }, 90_000);

  it('stays in progress at a checkpoint, ends as inactive when cancelled there', async () => {
    const s = scene(github(), plan({ checkpoint: true }));
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one']);
    expect(deploymentsOf(s.fake.repo()).map((d) => d.statuses.map((x) => x.state))).toEqual([
      ['in_progress'],
    ]);
    const cancel = await s.comment('bob', '/cancel');
    expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
    expect(deploymentsOf(s.fake.repo()).map((d) => d.statuses.map((x) => x.state))).toEqual([
      ['in_progress', 'inactive'],
    ]);
  }, 90_000);

  it('ends as inactive when nobody confirms its checkpoint in time', async () => {
    const s = scene(github(), plan({ checkpoint: true }), 'checkpoint_timeout: 1s\n');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    const pausedBy = Date.now();
    expect(deploymentsOf(s.fake.repo()).map((d) => d.statuses.map((x) => x.state))).toEqual([
      ['in_progress'],
    ]);
    await new Promise((r) => setTimeout(r, Math.max(0, pausedBy + 1_100 - Date.now())));
    const late = await s.comment('bob', '/proceed');
    expect(late.code, late.stdout + late.stderr).toBe(0);
    const [d] = deploymentsOf(s.fake.repo());
    expect(d!.statuses.map((x) => x.state)).toEqual(['in_progress', 'inactive']);
    expect(d!.statuses.at(-1)!.description).toMatch(/timed out/);
  }, 90_000);

  it('carries one deployment across a checkpoint to its success', async () => {
    const s = scene(github(), plan({ checkpoint: true }));
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'verify']);
    expect(deploymentsOf(s.fake.repo()).map((d) => d.statuses.map((x) => x.state))).toEqual([
      ['in_progress', 'success'],
    ]);
  }, 90_000);

  it('is a staging deployment, not production, for another name', async () => {
    const s = scene(github(), plan({ environment: 'staging' }));
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    expect(deploymentsOf(s.fake.repo())).toEqual([
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
    await s.pullRequest('opened');
    const run = await s.comment('bob', '/proceed');
    expect(run.code).toBe(0);
    expect(s.log()).toEqual([]);
    expect(deploymentsOf(s.fake.repo())).toEqual([]);
    expect(run.summary).toContain('does not allow (allowed: `production`, `staging`)');
  }, 90_000);

  it("needs the environment's own approvers on top of the global ones", async () => {
    const s = scene(github(), plan(), 'environments:\n  production:\n    approvers: { users: [carol] }\n');
    await s.pullRequest('opened');
    const refused = await s.comment('bob', '/proceed');
    expect(s.log()).toEqual([]);
    expect(refused.summary).toContain('Plans for the environment `production` need its own approvers too');
    const run = await s.comment('carol', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'verify']);
  }, 120_000);

  it('marks a policy-named production environment as production', async () => {
    const s = scene(github(), plan({ environment: 'live' }), 'environments:\n  live: { production: true }\n');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    expect(deploymentsOf(s.fake.repo())).toEqual([
      expect.objectContaining({ environment: 'live', productionEnvironment: true }),
    ]);
  }, 90_000);
});

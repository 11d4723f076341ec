/**
 * The `dispatch` executor end to end: the app records the allowed run and starts the proceed
 * workflow; the committed Action bundle, run as the workflow would run it (`mode: execute`, the
 * app's installation token), carries out exactly that run and refuses anything else.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';
import { APP, BOT, PLAN_PATH, deliver, plan, scene, type Scene } from '../support/app.js';

const APP_TOKEN = 'ghs_app_installation_token_for_the_workflow';

const scenes: Scene[] = [];
afterEach(() => {
  for (const s of scenes.splice(0)) s.cleanup();
});

async function start(fake: FakeGitHub, planText?: string): Promise<Scene> {
  const s = await scene(fake, { config: { executor: 'dispatch' }, ...(planText ? { plan: planText } : {}) });
  scenes.push(s);
  return s;
}

/** The proceed workflow's job, with the inputs of the newest dispatch unless others are given. */
async function execute(
  s: Scene,
  inputs: Partial<Record<'pr' | 'sha' | 'plan-hash', string>> = {},
): Promise<ActionRun> {
  const dispatch = s.fake.dispatches().at(-1);
  const runId = dispatch?.runId ?? 9_999;
  if (!dispatch) s.fake.setWorkflowRun({ id: runId, status: 'in_progress' });
  const run = await runAction({
    fake: s.fake,
    event: 'workflow_dispatch',
    payload: { inputs: dispatch?.inputs ?? {}, ref: 'refs/heads/main' },
    inputs: {
      mode: 'execute',
      'github-token': APP_TOKEN,
      'bot-login': BOT,
      pr: '7',
      sha: s.head,
      'plan-hash': s.state()?.planHash ?? '',
      ...dispatch?.inputs,
      ...inputs,
    },
    env: { ...s.files, GITHUB_SERVER_URL: s.remote.serverUrl, GITHUB_RUN_ID: String(runId) },
  });
  s.fake.setWorkflowRun({
    id: runId,
    status: 'completed',
    conclusion: run.code === 0 ? 'success' : 'failure',
  });
  return run;
}

describe('executing through the proceed workflow (PROCEED_EXECUTOR=dispatch)', () => {
  const github = useFakeGitHub({ app: APP, tokens: { [APP_TOKEN]: { login: BOT, type: 'Bot', app: APP } } });

  it('dispatches the workflow with the pull request, commit and plan hash; the Action runs the steps there', async () => {
    const s = await start(github());
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual([]);
    const state = s.state()!;
    expect(state).toMatchObject({
      state: 'approved',
      requested: { command: 'proceed', by: 'bob', headSha: s.head },
    });
    expect(s.fake.dispatches()).toEqual([
      expect.objectContaining({
        workflowId: 'proceed.yml',
        ref: 'main',
        inputs: { pr: '7', sha: s.head, 'plan-hash': state.planHash },
        actor: BOT,
      }),
    ]);

    const run = await execute(s);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
    expect(s.state()?.requested).toBeUndefined();
    expect(s.newest('proceed/one')!.app.slug).toBe(APP.slug);
    expect(s.newest('proceed/verify')).toMatchObject({ conclusion: 'success', actions: [] });
  });

  it('refuses a hand-started run nobody allowed: past a checkpoint, on another commit, or run twice', async () => {
    const s = await start(github(), plan({ checkpoint: true }));
    await s.open();
    await s.comment('bob', '/proceed');
    const first = await execute(s);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(s.state()).toMatchObject({ state: 'paused', next: 'three' });

    // Started by hand with the same inputs: the checkpoint was not confirmed by anyone.
    const sneaky = await execute(s);
    expect(sneaky.code).not.toBe(0);
    expect(sneaky.stdout).toMatch(/no run is waiting/);
    const badInput = await execute(s, { 'plan-hash': 'not-a-hash' });
    expect(badInput.code).not.toBe(0);
    expect(badInput.stdout).toMatch(/plan-hash/);
    expect(s.log()).toEqual(['one', 'two']);

    // The checkpoint's Proceed button (the Action's check run, so it reaches the app) allows it.
    expect(s.newest('proceed/three')!.actions.map((a) => a.identifier)).toEqual(['proceed', 'cancel']);
    await s.press('bob', 'proceed', 'proceed/three');
    expect(s.fake.dispatches()).toHaveLength(2);
    // Even while a run is waiting, only exactly that commit and plan run.
    const wrongSha = await execute(s, { sha: 'f'.repeat(40) });
    expect(wrongSha.code).not.toBe(0);
    expect(wrongSha.stdout).toMatch(/the head is now/);
    const wrongPlan = await execute(s, { 'plan-hash': 'e'.repeat(64) });
    expect(wrongPlan.code).not.toBe(0);
    expect(wrongPlan.stdout).toMatch(/not the plan this run is for/);
    expect(s.log()).toEqual(['one', 'two']);
    const resumed = await execute(s);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
  });

  it('hands a run over once however often Proceed is pressed, and again for a new commit', async () => {
    const s = await start(github());
    await s.open();
    const press = await s.press('bob', 'proceed', 'proceed/verify');
    await deliver(s.probot, press);
    await s.press('bob', 'proceed', 'proceed/verify');
    expect(s.fake.dispatches()).toHaveLength(1);

    const newHead = s.remote.commit({ 'README.md': 'changed before the run started\n' });
    s.fake.pushCommit(7, newHead, [{ filename: PLAN_PATH, content: plan() }]);
    await deliver(s.probot, {
      id: 'push',
      name: 'pull_request',
      payload: pullRequestEvent('synchronize', {
        number: 7,
        user: 'alice',
        headSha: newHead,
        baseSha: s.remote.baseSha,
      }),
    });
    expect(s.state()).toMatchObject({ state: 'proposed' });
    expect(s.state()?.approval).toBeUndefined();
    // The run handed over for the old head is refused…
    const stale = await execute(s);
    expect(stale.code).not.toBe(0);
    expect(s.log()).toEqual([]);
    // …and Proceed on the new head's gate hands over a run for it.
    await deliver(s.probot, s.button('bob', 'proceed', 'proceed/verify', newHead));
    expect(s.fake.dispatches()).toHaveLength(2);
    expect(s.fake.dispatches()[1]!.inputs.sha).toBe(newHead);
    const run = await execute(s);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()).toMatchObject({ state: 'verified', headSha: newHead });
  });

  it('retries a failed step through a new dispatch after /retry', async () => {
    const s = await start(github());
    writeFileSync(s.files.FAIL_TWO, '');
    await s.open();
    await s.comment('bob', '/proceed');
    const failed = await execute(s);
    expect(failed.code).not.toBe(0);
    expect(s.state()).toMatchObject({ state: 'failed', next: 'two' });
    const early = await execute(s);
    expect(early.code).not.toBe(0);

    await s.comment('bob', '/retry');
    expect(s.state()?.requested).toMatchObject({ command: 'retry' });
    rmSync(s.files.FAIL_TWO);
    const retried = await execute(s);
    expect(retried.code, retried.stdout + retried.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'two', 'three', 'verify']);
  });
});

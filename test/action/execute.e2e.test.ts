/**
 * The Action's second half end to end (SPEC §3–§5): the bundle checks out the approved commit from
 * a local bare repository, runs the steps as real processes, and reports them as check runs on the
 * OpenAPI-checked fake GitHub.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { extractAuditRecord } from '../../src/render/audit.js';
import { ActionScene } from '../support/action-scene.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';

const BOT = 'github-actions[bot]';
const PLAN_PATH = 'deploy/release.plan.yml';

/** Each step appends to $RUN_LOG; step two fails while $FAIL_FLAG exists; step three waits while $HOLD_FLAG exists. */
function plan(
  extra: { checkpoint?: boolean; allowSkip?: boolean; stepTwo?: string; verify?: string } = {},
): string {
  return `version: 1
title: Release the widgets service
config:
  allow_skip: ${extra.allowSkip ?? false}
steps:
  - id: one
    name: Build the release
    run: echo one >> "$RUN_LOG"
    rollback: echo undo-one >> "$RUN_LOG"
    estimate: 1m
  - id: two
    name: Migrate the database
    run: ${extra.stepTwo ?? 'echo two >> "$RUN_LOG"; test ! -e "$FAIL_FLAG"'}
    rollback: echo undo-two >> "$RUN_LOG"
    estimate: 1m
  - id: three
    name: Switch traffic
    run: echo three >> "$RUN_LOG"; while [ -e "$HOLD_FLAG" ]; do sleep 0.05; done
    checkpoint: ${extra.checkpoint ?? false}
    estimate: 1m
verify:
  tests: ${extra.verify ?? 'echo verify >> "$RUN_LOG"'}
`;
}

const scenes: ActionScene[] = [];
afterEach(async () => {
  for (const s of scenes.splice(0)) await s.dispose();
});

function scene(fake: FakeGitHub, planText = plan(), policy?: string): ActionScene {
  const s = ActionScene.on(fake, { plan: planText, policy, firstRunId: 2000 });
  scenes.push(s);
  return s;
}

function newest(s: ActionScene, name: string) {
  return s.checks(name).at(-1);
}

/** The time-outs in the audit record on the newest `proceed/verify` of the head. */
function timeOuts(s: ActionScene) {
  const found = extractAuditRecord(newest(s, 'proceed/verify')?.output.text ?? '');
  if (found.kind !== 'record') throw new Error(`no audit record on proceed/verify: ${found.kind}`);
  return found.record.interventions.filter((i) => i.action === 'time-out');
}

describe('executing an approved plan', () => {
  const github = useFakeGitHub();

  it('runs every step in order on the approved commit, one check run each, and passes the gate', async () => {
    const s = scene(github());
    await s.pullRequest('opened');
    const run = await s.comment('bob', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    for (const id of ['one', 'two', 'three']) {
      const check = newest(s, `proceed/${id}`)!;
      expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
      expect(check.output.summary).toMatch(/exit code 0/);
      expect(check.output.summary).toMatch(/estimate of 1m/);
    }
    expect(newest(s, 'proceed/verify')).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(s.state()?.state).toBe('verified');
    expect(run.outputs).toMatchObject({ state: 'verified', 'plan-path': PLAN_PATH });
    const report = s.fake.comments(7).find((c) => c.user === BOT && /estimate/i.test(c.body));
    expect(report, 'completion report').toBeDefined();
    expect(run.summary).toContain('Release the widgets service');
  });

  it('stops on a failing step, comments the escalation, fails the job, and /retry finishes without re-running step one', async () => {
    const s = scene(github());
    writeFileSync(s.failFlag, '');
    await s.pullRequest('opened');
    const failed = await s.comment('bob', '/proceed');
    expect(failed.code).not.toBe(0);
    expect(s.log()).toEqual(['one', 'two']);
    expect(newest(s, 'proceed/two')!.conclusion).toBe('failure');
    expect(newest(s, 'proceed/three')).toBeUndefined();
    expect(newest(s, 'proceed/verify')!.conclusion).toBe('failure');
    expect(s.state()).toMatchObject({ state: 'failed', next: 'two' });
    const escalation = s.fake.comments(7).at(-1)!.body;
    expect(escalation).toContain('/retry');
    expect(escalation).toContain('/cancel');
    expect(escalation).not.toContain('/skip');

    rmSync(s.failFlag);
    const retried = await s.comment('bob', '/retry');
    expect(retried.code, retried.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'two', 'three', 'verify']);
    expect(s.checks('proceed/one')).toHaveLength(1);
    expect(newest(s, 'proceed/verify')!.conclusion).toBe('success');
    expect(s.state()?.state).toBe('verified');
  });

  it('skips a failed step with /skip when the plan allows it, and refuses /skip when it does not', async () => {
    const fake = github();
    const s = scene(fake, plan({ allowSkip: true }));
    writeFileSync(s.failFlag, '');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    const skipped = await s.comment('bob', '/skip');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(newest(s, 'proceed/two')!.conclusion).toBe('skipped');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
  });

  it('refuses /skip when the plan does not allow skipping', async () => {
    const s = scene(github());
    writeFileSync(s.failFlag, '');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    await s.comment('bob', '/skip');
    expect(s.fake.comments(7).at(-1)!.body).toMatch(/allow_skip/);
    expect(s.log()).toEqual(['one', 'two']);
    expect(s.state()?.state).toBe('failed');
  });

  it('cancels a failed plan with /cancel: the steps not run are marked cancelled', async () => {
    const s = scene(github());
    writeFileSync(s.failFlag, '');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    const run = await s.comment('alice', '/cancel');
    expect(run.code).toBe(0);
    expect(newest(s, 'proceed/three')!.conclusion).toBe('cancelled');
    expect(newest(s, 'proceed/verify')!.conclusion).toBe('cancelled');
    expect(s.state()?.state).toBe('cancelled');
  });

  it('runs the rollback commands of completed steps, newest first, each as a check run', async () => {
    const s = scene(github());
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    const run = await s.comment('bob', '/rollback');
    expect(run.code, run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify', 'undo-two', 'undo-one']);
    expect(newest(s, 'proceed/rollback-two')!.conclusion).toBe('success');
    expect(newest(s, 'proceed/rollback-one')!.conclusion).toBe('success');
    expect(s.fake.comments(7).at(-1)!.body).toMatch(/Rollback done/);
  });

  it('pauses before a checkpoint and resumes on the next /proceed', async () => {
    const s = scene(github(), plan({ checkpoint: true }));
    await s.pullRequest('opened');
    const paused = await s.comment('bob', '/proceed');
    expect(paused.code).toBe(0);
    expect(s.log()).toEqual(['one', 'two']);
    expect(newest(s, 'proceed/three')!.conclusion).toBe('action_required');
    expect(s.state()).toMatchObject({ state: 'paused', next: 'three' });
    expect(paused.outputs['next-step']).toBe('three');
    expect(s.fake.comments(7).at(-1)!.body).toMatch(/Checkpoint/);
    const resumed = await s.comment('bob', '/proceed');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
  });

  it('ends a checkpoint nobody confirmed within checkpoint_timeout as timed out, and resumes on a later /proceed', async () => {
    const s = scene(github(), plan({ checkpoint: true }), 'checkpoint_timeout: 1s\n');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    expect(s.state()?.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 1_100));
    const late = await s.comment('bob', '/proceed');
    expect(late.code).toBe(0);
    expect(s.log()).toEqual(['one', 'two']);
    expect(newest(s, 'proceed/three')!.conclusion).toBe('timed_out');
    expect(s.state()?.state).toBe('cancelled');
    expect(s.fake.comments(7).at(-1)!.body).toMatch(/timed out/);
    expect(timeOuts(s)).toEqual([
      { action: 'time-out', by: 'checkpoint_timeout (1s)', at: expect.any(String), step: 'three' },
    ]);
    const resumed = await s.comment('bob', '/proceed');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
  });

  it('ends such a checkpoint on a scheduled run, without waiting for an event, and only once it is overdue', async () => {
    // Long enough that the first sweep comes before it even on a loaded machine.
    const s = scene(github(), plan({ checkpoint: true }), 'checkpoint_timeout: 10s\n');
    await s.pullRequest('opened');
    await s.comment('bob', '/proceed');
    const pausedBy = Date.now();
    expect(s.state()?.state).toBe('paused');
    const sweep = () => s.run('schedule', { schedule: '*/30 * * * *' });
    const comments = s.fake.comments(7).length;

    const early = await sweep();
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toMatch(/Looked at 1 open pull request; no checkpoint has waited longer/);
    expect(s.state()?.state).toBe('paused');

    await new Promise((r) => setTimeout(r, Math.max(0, pausedBy + 10_100 - Date.now())));
    const due = await sweep();
    expect(due.code, due.stderr).toBe(0);
    expect(due.stdout).toMatch(/ended the checkpoint nobody confirmed in time on #7/);
    expect(newest(s, 'proceed/three')!.conclusion).toBe('timed_out');
    expect(s.state()).toMatchObject({
      state: 'cancelled',
      reason: expect.stringMatching(/timed out after 10s/),
    });
    // The review and the check run say it; no comment (SPEC §4 keeps comments for fewer things).
    expect(s.fake.comments(7)).toHaveLength(comments);
    expect(s.fake.refs().filter((r) => r.ref.includes('locks'))).toHaveLength(0);
    // The audit record of the approved plan keeps the time-out (issue 15, item 6).
    expect(timeOuts(s)).toEqual([
      { action: 'time-out', by: 'checkpoint_timeout (10s)', at: expect.any(String), step: 'three' },
    ]);

    const again = await sweep();
    expect(again.stdout).toMatch(/no checkpoint has waited longer/);
    const resumed = await s.comment('bob', '/proceed');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
  }, 120_000);

  it('runs each step once when two /proceed arrive at the same moment', async () => {
    const s = scene(github());
    await s.pullRequest('opened');
    const [a, b] = await Promise.all([s.comment('bob', '/proceed'), s.comment('bob', '/proceed')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const counts = s.log().reduce<Record<string, number>>((m, l) => ({ ...m, [l]: (m[l] ?? 0) + 1 }), {});
    expect(counts.one).toBe(1);
    expect(counts.two).toBe(1);
    expect(s.fake.refs().filter((r) => r.ref.includes('locks'))).toHaveLength(0);
  });

  it('resumes after the runner was killed in the middle of step two, without re-running step one', async () => {
    const fake = github();
    const once =
      'if [ -e "$HOLD_FLAG.once" ]; then rm "$HOLD_FLAG.once"; echo $$ > "$HOLD_FLAG.pid"; sleep 30; fi';
    const s = scene(fake, plan({ stepTwo: `echo two >> "$RUN_LOG"; ${once}` }));
    writeFileSync(`${s.holdFlag}.once`, '');
    await s.pullRequest('opened');
    const killed = s.startComment('bob', '/proceed');
    const timer = setInterval(() => {
      if (!existsSync(`${s.holdFlag}.pid`)) return;
      clearInterval(timer);
      // The whole machine goes: the Action and the step's process group.
      try {
        process.kill(-Number(readFileSync(`${s.holdFlag}.pid`, 'utf8')), 'SIGKILL');
      } catch {
        /* already gone */
      }
      killed.child.kill('SIGKILL');
    }, 20);
    await killed.exit;
    expect(s.log()).toEqual(['one', 'two']);
    expect(s.state()?.state).toBe('executing');
    const resumed = await s.comment('bob', '/proceed');
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'two', 'three', 'verify']);
    expect(s.checks('proceed/one')).toHaveLength(1);
    expect(s.state()?.state).toBe('verified');
  });

  it('stops the running step when the pull request is closed, and releases the lock', async () => {
    const fake = github();
    const s = scene(fake);
    writeFileSync(s.holdFlag, '');
    await s.pullRequest('opened');
    const running = s.comment('bob', '/proceed');
    await until(() => s.log().includes('three'));
    fake.setPullRequestState(7, 'closed');
    const run = await running;
    expect(run.code).toBe(0);
    expect(newest(s, 'proceed/three')!.conclusion).toBe('cancelled');
    expect(newest(s, 'proceed/verify')!.conclusion).not.toBe('success');
    expect(s.log()).not.toContain('verify');
    expect(fake.refs().filter((r) => r.ref.includes('locks'))).toHaveLength(0);
    expect(s.state()?.state).toBe('cancelled');
  });

  it('keeps every posted body within GitHub limits when a step prints 5 MB', async () => {
    const s = scene(
      github(),
      plan({ stepTwo: 'head -c 3750000 /dev/urandom | base64; echo two >> "$RUN_LOG"' }),
    );
    await s.pullRequest('opened');
    const run = await s.comment('bob', '/proceed');
    expect(run.code, run.stderr).toBe(0);
    const two = newest(s, 'proceed/two')!;
    expect(two.output.text!.length).toBeLessThanOrEqual(65_535);
    expect(two.output.text).toMatch(/bytes of output are not shown/);
    expect(s.state()?.state).toBe('verified');
  });
});

describe('guards around execution', () => {
  const github = useFakeGitHub();

  it('refuses a second /proceed while an execution holds the lock, naming the holder', async () => {
    const s = scene(github());
    writeFileSync(s.holdFlag, '');
    await s.pullRequest('opened');
    const first = s.comment('bob', '/proceed');
    await until(() => s.log().includes('three'));
    const second = await s.comment('bob', '/proceed');
    expect(second.code).toBe(0);
    expect(s.fake.comments(7).at(-1)!.body).toMatch(/already being executed by workflow run 2000/);
    rmSync(s.holdFlag);
    expect((await first).code).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
  });

  it('does not start the next step after a push to the pull request during execution', async () => {
    const fake = github();
    const s = scene(fake, plan({ stepTwo: 'echo two >> "$RUN_LOG"; sleep 0.4' }));
    await s.pullRequest('opened');
    const pushed = s.remote.commit({ 'src/other.ts': 'x' });
    fake.hooks.beforeRequest = ({ method, body }) => {
      if (method === 'POST' && (body as { name?: string } | undefined)?.name === 'proceed/two') {
        fake.pushCommit(7, pushed, [
          { filename: PLAN_PATH, content: plan({ stepTwo: 'echo two >> "$RUN_LOG"; sleep 0.4' }) },
        ]);
      }
    };
    const run = await s.comment('bob', '/proceed');
    fake.hooks.beforeRequest = undefined;
    expect(s.log()).toEqual(['one', 'two']);
    // Stopped like a cancel, not failed: no step failed.
    expect(run.code).toBe(0);
    expect(newest(s, 'proceed/three')?.conclusion ?? 'not run').not.toBe('success');
    expect(newest(s, 'proceed/verify')!.conclusion).not.toBe('success');
    expect(fake.comments(7).at(-1)!.body).toContain(pushed.slice(0, 7));
  });

  it('refuses to run when the plan in the approved commit is not the plan that was approved', async () => {
    const fake = github();
    const s = scene(fake);
    // GitHub's API shows one plan, the commit holds another: execution must not run either.
    const other = plan().replace('Switch traffic', 'Switch all traffic at once');
    const head = s.remote.commit({ [PLAN_PATH]: other });
    fake.pushCommit(7, head, [{ filename: PLAN_PATH, content: plan() }]);
    await s.run(
      'pull_request',
      pullRequestEvent('synchronize', { number: 7, user: 'alice', headSha: head, baseSha: s.remote.baseSha }),
    );
    const run = await s.comment('bob', '/proceed');
    expect(run.code).toBe(0);
    expect(s.log()).toEqual([]);
    expect(fake.comments(7).at(-1)!.body).toMatch(/not the plan that was approved/);
  });

  it('masks secret values from the environment in posted logs', async () => {
    const s = scene(github(), plan({ stepTwo: 'echo "token is $DEPLOY_TOKEN"; echo two >> "$RUN_LOG"' }));
    await s.pullRequest('opened');
    const run = await s.comment('bob', '/proceed', { DEPLOY_TOKEN: 'hunter2-very-secret' });
    expect(run.code, run.stderr).toBe(0);
    const text = newest(s, 'proceed/two')!.output.text!;
    expect(text).toContain('token is ***');
    expect(JSON.stringify(s.fake.requests)).not.toContain('hunter2-very-secret');
  });
});

describe('API faults during execution', () => {
  const github = useFakeGitHub();

  it('completes with 20% of requests answering 502 or a secondary rate limit, posting nothing twice', async () => {
    const fake = github();
    const s = scene(fake);
    await s.pullRequest('opened');
    fake.faults({ rate: 0.2, kinds: ['502', 'secondary-rate-limit'], seed: 7, maxConsecutive: 2 });
    const run = await s.comment('bob', '/proceed');
    fake.faults(null);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    for (const id of ['one', 'two', 'three']) expect(s.checks(`proceed/${id}`)).toHaveLength(1);
    expect(fake.reviews(7).filter((r) => r.user === BOT)).toHaveLength(1);
    expect(fake.comments(7).filter((c) => c.user === BOT)).toHaveLength(1);
    expect(s.state()?.state).toBe('verified');
  }, 120_000);

  it('when GitHub stays down past the retries, fails saying how to resume, and the next /proceed resumes', async () => {
    const fake = github();
    const s = scene(fake);
    // Octokit's backoff (1 s, 4 s, 9 s per request) scaled down: the retries are the same, only faster.
    s.extraEnv.PROCEED_RETRY_BASE_MS = '25';
    await s.pullRequest('opened');
    // GitHub goes down once step one's success is recorded: every request fails, past any retry.
    let down = false;
    fake.hooks.beforeRequest = () => {
      if (!down && newest(s, 'proceed/one')?.conclusion === 'success') {
        down = true;
        fake.faults({ rate: 1, kinds: ['500'] });
      }
    };
    const failed = await s.comment('bob', '/proceed');
    fake.hooks.beforeRequest = undefined;
    fake.faults(null);
    const said = failed.stdout + failed.stderr;
    expect(failed.code, said).not.toBe(0);
    expect(said).toMatch(/comment `\/proceed`/);
    expect(said).toMatch(/resume/i);
    // The run that held the lock has ended, so the lock it may have left is provably stale.
    const resumed = await s.comment('bob', '/proceed');
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(s.log().filter((l) => l === 'one')).toHaveLength(1);
    expect(s.state()?.state).toBe('verified');
    expect(fake.refs().filter((r) => r.ref.includes('locks'))).toHaveLength(0);
  }, 240_000);
});

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

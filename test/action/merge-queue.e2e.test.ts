/**
 * The merge queue end to end (issue 14): pull requests are verified through the committed bundle
 * as a user would (opened, `/proceed`), then GitHub's `merge_group.checks_requested` for a group of
 * them runs the Action on the group's commit; `proceed/verify` there must conclude, never stay
 * pending. The fake GitHub checks every request against GitHub's OpenAPI description.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commentRun, runAction } from '../support/action.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { mergeGroupEvent, pullRequestEvent } from '../support/payloads.js';
import { makeRemote, type Remote } from '../support/remote.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A plan whose step and verification each append a line to $RUN_LOG. */
function plan(n: number, verify = `echo verify-${n} >> "$RUN_LOG"`): string {
  return `version: 1
title: Change number ${n}
steps:
  - id: apply
    name: Apply change ${n}
    run: echo step-${n} >> "$RUN_LOG"
    estimate: 1m
verify:
  check-${n}: ${verify}
`;
}

interface Queue {
  fake: FakeGitHub;
  remote: Remote;
  env: Record<string, string>;
  log: () => string[];
  clearLog: () => void;
  heads: Map<number, string>;
  open: (n: number, planText?: string) => Promise<void>;
  proceed: (n: number) => Promise<void>;
  /** Queues the pull requests in order; returns the group's commit and its merge_group run. */
  group: (numbers: number[]) => Promise<{ sha: string; run: Awaited<ReturnType<typeof runAction>> }>;
}

function queue(fake: FakeGitHub, policy?: string): Queue {
  const remote = makeRemote(policy ? { '.github/proceed.yml': policy } : {});
  const dir = mkdtempSync(join(tmpdir(), 'proceed-mq-'));
  cleanups.push(
    () => remote.cleanup(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  if (policy) fake.setFile(remote.baseSha, '.github/proceed.yml', policy);
  fake.setPermission('alice', 'write');
  fake.setPermission('bob', 'write');
  const env = { GITHUB_SERVER_URL: remote.serverUrl, RUN_LOG: join(dir, 'run.log') };
  const heads = new Map<number, string>();
  let runId = 3000;
  const q: Queue = {
    fake,
    remote,
    env,
    heads,
    log: () => (existsSync(env.RUN_LOG) ? readFileSync(env.RUN_LOG, 'utf8').trim().split('\n') : []),
    clearLog: () => rmSync(env.RUN_LOG, { force: true }),
    open: async (n, planText = plan(n)) => {
      const path = `deploy/change-${n}.plan.yml`;
      const head = remote.commit({ [path]: planText }, `change ${n}`);
      heads.set(n, head);
      fake.addPullRequest({
        number: n,
        user: 'alice',
        headSha: head,
        baseSha: remote.baseSha,
        headRef: `change-${n}`,
        files: [{ filename: path, content: planText }],
      });
      const run = await runAction({
        fake,
        event: 'pull_request',
        payload: pullRequestEvent('opened', {
          number: n,
          user: 'alice',
          headSha: head,
          baseSha: remote.baseSha,
        }),
        env,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
    },
    proceed: async (n) => {
      const id = runId++;
      fake.setWorkflowRun({ id, status: 'in_progress' });
      const run = await commentRun({
        fake,
        number: n,
        user: 'bob',
        body: '/proceed',
        env: { ...env, GITHUB_RUN_ID: String(id) },
      }).run;
      fake.setWorkflowRun({ id, status: 'completed', conclusion: run.code === 0 ? 'success' : 'failure' });
      expect(run.code, run.stdout + run.stderr).toBe(0);
    },
    group: async (numbers) => {
      // The queue stacks its entries: each is a commit on the one ahead, on a branch naming its parent.
      let parent = remote.baseSha;
      let headRef = '';
      for (const n of numbers) {
        const sha = remote.commit({ [`merged/${n}`]: `${n}\n` }, `Merge #${n}`);
        headRef = `refs/heads/gh-readonly-queue/main/pr-${n}-${parent}`;
        fake.setRef(headRef, sha);
        parent = sha;
      }
      const run = await runAction({
        fake,
        event: 'merge_group',
        payload: mergeGroupEvent('checks_requested', {
          headSha: parent,
          headRef,
          baseSha: remote.baseSha,
          installationId: null,
        }),
        env,
      });
      return { sha: parent, run };
    },
  };
  return q;
}

function gate(fake: FakeGitHub, sha: string) {
  const runs = fake.checkRuns(sha).filter((c) => c.name === 'proceed/verify');
  return runs.at(-1);
}

describe('a merge group under merge_queue: verified (the default)', () => {
  const github = useFakeGitHub();

  it('passes a group of two pull requests verified on their heads, naming both', async () => {
    const q = queue(github());
    for (const n of [5, 6]) {
      await q.open(n);
      await q.proceed(n);
    }
    q.clearLog();
    const { sha, run } = await q.group([5, 6]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const check = gate(q.fake, sha)!;
    expect(check).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      app: { slug: 'github-actions' },
    });
    expect(check.output.title).toBe('2 pull requests verified');
    expect(check.output.summary).toContain('#5 is verified on');
    expect(check.output.summary).toContain('#6 is verified on');
    // Nothing runs on the group's commit in this mode.
    expect(q.log()).toEqual([]);
  }, 120_000);

  it('fails a group with an unverified pull request, naming it and why', async () => {
    const q = queue(github());
    await q.open(5);
    await q.proceed(5);
    await q.open(6);
    const { sha, run } = await q.group([5, 6]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const check = gate(q.fake, sha)!;
    expect(check).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: '#6 is not verified' },
    });
    expect(check.output.summary).toMatch(/❌ #6 has its plan proposed on `[0-9a-f]{7}`, not verified/);
    expect(check.output.summary).toContain('✅ #5 is verified');
  }, 120_000);

  it('fails a group whose pull request was pushed to after it was verified', async () => {
    const q = queue(github());
    await q.open(5);
    await q.proceed(5);
    const pushed = q.remote.commit({ 'late.txt': 'late\n' }, 'late push');
    q.fake.pushCommit(5, pushed, [{ filename: 'deploy/change-5.plan.yml', content: plan(5) }]);
    // Handled as any push is: the approval is reset on the new head.
    const sync = await runAction({
      fake: q.fake,
      event: 'pull_request',
      payload: pullRequestEvent('synchronize', {
        number: 5,
        user: 'alice',
        headSha: pushed,
        baseSha: q.remote.baseSha,
      }),
      env: q.env,
    });
    expect(sync.code).toBe(0);
    const { sha } = await q.group([5]);
    const check = gate(q.fake, sha)!;
    expect(check).toMatchObject({ conclusion: 'failure', output: { title: '#5 is not verified' } });
    expect(check.output.summary).toContain(
      `#5 has its plan proposed on \`${pushed.slice(0, 7)}\`, not verified`,
    );
  }, 120_000);

  it('fails, not pends, when the push was not yet handled', async () => {
    const q = queue(github());
    await q.open(5);
    await q.proceed(5);
    const pushed = q.remote.commit({ 'late.txt': 'late\n' }, 'late push');
    q.fake.pushCommit(5, pushed, [{ filename: 'deploy/change-5.plan.yml', content: plan(5) }]);
    const { sha } = await q.group([5]);
    expect(gate(q.fake, sha)!.output.summary).toContain(
      `#5 was pushed to (\`${pushed.slice(0, 7)}\`) after its plan was last judged`,
    );
  }, 120_000);

  it('passes a pull request without a plan', async () => {
    const q = queue(github());
    const head = q.remote.commit({ 'src/x.ts': 'x\n' });
    q.fake.addPullRequest({
      number: 8,
      user: 'alice',
      headSha: head,
      baseSha: q.remote.baseSha,
      files: [{ filename: 'src/x.ts', content: 'x\n' }],
    });
    const { sha } = await q.group([8]);
    expect(gate(q.fake, sha)).toMatchObject({ conclusion: 'success' });
    expect(gate(q.fake, sha)!.output.summary).toContain('#8 has no plan: nothing to gate.');
  }, 60_000);
});

describe('a merge group under merge_queue: re-verify', () => {
  const github = useFakeGitHub();
  const POLICY = 'merge_queue: re-verify\nverify:\n  policy-check: echo policy >> "$RUN_LOG"\n';

  it("runs only the verifications (policy's and plans'), each a check run on the group's commit", async () => {
    const q = queue(github(), POLICY);
    for (const n of [5, 6]) {
      await q.open(n);
      await q.proceed(n);
    }
    q.clearLog();
    const { sha, run } = await q.group([5, 6]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // The steps never run again; every verification runs once, on the group's commit.
    expect(q.log()).toEqual(['policy', 'verify-5', 'verify-6']);
    for (const name of ['policy-check', 'check-5', 'check-6']) {
      const check = q.fake.checkRuns(sha).filter((c) => c.name === `proceed/verify/${name}`);
      expect(check).toHaveLength(1);
      expect(check[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    }
    expect(q.fake.checkRuns(sha).some((c) => c.name === 'proceed/apply')).toBe(false);
    const check = gate(q.fake, sha)!;
    expect(check).toMatchObject({ conclusion: 'success' });
    expect(check.output.summary).toContain('The verify phase on');
  }, 150_000);

  it("fails when a verification fails on the group's commit, and the job with it", async () => {
    const q = queue(github(), POLICY);
    // Passes on the pull request's own head, fails once merged with the rest.
    await q.open(5, plan(5, 'test ! -e merged/5'));
    await q.proceed(5);
    const { sha, run } = await q.group([5]);
    expect(run.code).toBe(1);
    expect(q.fake.checkRuns(sha).find((c) => c.name === 'proceed/verify/check-5')).toMatchObject({
      conclusion: 'failure',
    });
    expect(gate(q.fake, sha)).toMatchObject({
      conclusion: 'failure',
      output: { title: "1 verification(s) failed on the group's commit" },
    });
  }, 120_000);

  it('runs nothing when a pull request is not verified', async () => {
    const q = queue(github(), POLICY);
    await q.open(5);
    q.clearLog();
    const { sha } = await q.group([5]);
    expect(q.log()).toEqual([]);
    expect(gate(q.fake, sha)).toMatchObject({
      conclusion: 'failure',
      output: { title: '#5 is not verified' },
    });
  }, 120_000);
});

describe('a merge group is never left without a concluded proceed/verify', () => {
  const github = useFakeGitHub();

  it('concludes failure when the queue ahead cannot be traced', async () => {
    const q = queue(github());
    const sha = q.remote.commit({ x: 'x' });
    const headRef = `refs/heads/gh-readonly-queue/main/pr-9-${'e'.repeat(40)}`;
    q.fake.setRef(headRef, sha);
    const run = await runAction({
      fake: q.fake,
      event: 'merge_group',
      payload: mergeGroupEvent('checks_requested', {
        headSha: sha,
        headRef,
        baseSha: q.remote.baseSha,
        installationId: null,
      }),
      env: q.env,
    });
    expect(run.code).toBe(0);
    expect(gate(q.fake, sha)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(gate(q.fake, sha)!.output.summary).toContain("is not among the queue's branches");
  }, 60_000);

  it('concludes failure when reading a pull request fails, and the job fails', async () => {
    const q = queue(github());
    // A queue entry for a pull request GitHub answers 404 for.
    const { sha, run } = await q.group([404]);
    expect(run.code).toBe(1);
    expect(gate(q.fake, sha)).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'proceed could not check this merge group' },
    });
  }, 60_000);

  it('ignores merge_group.destroyed', async () => {
    const q = queue(github());
    const run = await runAction({
      fake: q.fake,
      event: 'merge_group',
      payload: mergeGroupEvent('destroyed', {
        headSha: 'f'.repeat(40),
        headRef: `refs/heads/gh-readonly-queue/main/pr-1-${q.remote.baseSha}`,
        baseSha: q.remote.baseSha,
        installationId: null,
      }),
      env: q.env,
    });
    expect(run.code).toBe(0);
    expect(run.outputs['state']).toBe('none');
    expect(q.fake.writes()).toEqual([]);
  }, 60_000);
});

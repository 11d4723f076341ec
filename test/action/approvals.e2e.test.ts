/**
 * Approvals as teams run them (issue 15), end to end through the committed Action bundle over the
 * OpenAPI-checked fake: two approvals required (one is not enough, two start it, a push voids both),
 * a code owner's approval required and anyone else's refused naming the owners, a checkpoint only a
 * team member may pass, and an approval older than `approval_ttl` refused until renewed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeState } from '../../src/gate/marker.js';
import { commentRun, runAction, type ActionRun } from '../support/action.js';
import { extractAuditRecord } from '../../src/render/audit.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent, pullRequestReviewEvent } from '../support/payloads.js';
import { makeRemote } from '../support/remote.js';

const PLAN_PATH = 'deploy/users.plan.yml';
const BOT = 'github-actions[bot]';

function plan(o: { checkpoint?: string; two?: string } = {}): string {
  return `version: 1
title: Migrate the users table
steps:
  - id: one
    name: Schema analysis
    run: echo one >> "$RUN_LOG"
  - id: two
    name: Execute migration
    run: ${o.two ?? 'echo two >> "$RUN_LOG"'}
    checkpoint: ${o.checkpoint ?? 'false'}
verify:
  tests: echo verify >> "$RUN_LOG"
`;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A pull request by alice changing the plan; bob, carol and erin may approve; erin is in octo-org/dba. */
function scene(fake: FakeGitHub, planText: string, base: Record<string, string> = {}) {
  const remote = makeRemote(base);
  let head = remote.commit({ [PLAN_PATH]: planText });
  const dir = mkdtempSync(join(tmpdir(), 'proceed-approvals-'));
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
  for (const [path, content] of Object.entries(base)) fake.setFile(remote.baseSha, path, content);
  for (const login of ['alice', 'bob', 'carol', 'erin']) fake.setPermission(login, 'write');
  fake.addTeamMember('octo-org', 'dba', 'erin');
  const env = { GITHUB_SERVER_URL: remote.serverUrl, RUN_LOG: join(dir, 'run.log') };
  let runs = 5000;
  const prEvent = (action: 'opened' | 'synchronize') =>
    runAction({
      fake,
      event: 'pull_request',
      payload: pullRequestEvent(action, { number: 7, user: 'alice', headSha: head, baseSha: remote.baseSha }),
      env,
    });
  return {
    get head() {
      return head;
    },
    log: () => (existsSync(env.RUN_LOG) ? readFileSync(env.RUN_LOG, 'utf8').trim().split('\n') : []),
    state: () => {
      const own = fake.reviews(7).filter((r) => r.user === BOT);
      expect(own).toHaveLength(1);
      return { body: own[0]!.body, stored: decodeState(own[0]!.body)! };
    },
    lastComment: () => fake.comments(7).at(-1)!.body,
    /** A file of the base branch changed (the bot reads the policy there on every event). */
    setBase: (path: string, content: string) => fake.setFile(remote.baseSha, path, content),
    open: () => prEvent('opened'),
    /** A new commit on the pull request that leaves the plan alone, and its `synchronize`. */
    push: async () => {
      head = remote.commit({ 'src/app.ts': 'export {};\n' });
      fake.pushCommit(7, head, [
        { filename: PLAN_PATH, content: planText },
        { filename: 'src/app.ts', content: 'export {};\n' },
      ]);
      return prEvent('synchronize');
    },
    send: async (user: string, body: string): Promise<ActionRun> => {
      const id = runs++;
      fake.setWorkflowRun({ id, status: 'in_progress' });
      const run = await commentRun({ fake, user, body, env: { ...env, GITHUB_RUN_ID: String(id) } }).run;
      fake.setWorkflowRun({ id, status: 'completed', conclusion: run.code === 0 ? 'success' : 'failure' });
      return run;
    },
    approve: async (user: string): Promise<ActionRun> => {
      const review = fake.addReview(7, { user, state: 'APPROVED' });
      return runAction({
        fake,
        event: 'pull_request_review',
        payload: pullRequestReviewEvent('submitted', {
          number: 7,
          user,
          state: 'approved',
          headSha: head,
          baseSha: remote.baseSha,
          prAuthor: 'alice',
          reviewId: review.id,
        }),
        env: { ...env, GITHUB_RUN_ID: String(runs++) },
      });
    },
    /** `by` dismisses the newest review of `reviewer` (GitHub marks it DISMISSED and sends the event). */
    dismiss: async (reviewer: string, by: string): Promise<ActionRun> => {
      const review = fake
        .reviews(7)
        .filter((r) => r.user === reviewer)
        .at(-1)!;
      return runAction({
        fake,
        event: 'pull_request_review',
        payload: pullRequestReviewEvent('dismissed', {
          number: 7,
          user: reviewer,
          sender: by,
          state: 'dismissed',
          headSha: head,
          baseSha: remote.baseSha,
          prAuthor: 'alice',
          reviewId: review.id,
        }),
        env: { ...env, GITHUB_RUN_ID: String(runs++) },
      });
    },
  };
}

describe('approvers.count: 2', () => {
  const github = useFakeGitHub();
  const policy = { '.github/proceed.yml': 'approvers:\n  count: 2\n' };

  it('runs nothing on one approval, starts on the second, and the review shows who approved', async () => {
    const s = scene(github(), plan(), policy);
    await s.open();
    const first = await s.approve('bob');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(s.log()).toEqual([]);
    expect(s.state().stored).toMatchObject({ state: 'proposed', approvals: [{ by: 'bob', via: 'review' }] });
    expect(s.lastComment()).toContain('1 of 2 approvals given: 1 more is needed');
    expect(s.state().body).toContain(`\`bob\` approved \`${s.head.slice(0, 7)}\` by review`);
    expect(s.state().body).toContain('**Approvals:** 2 needed');

    const second = await s.send('carol', '/proceed');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'verify']);
    const { stored } = s.state();
    expect(stored.state).toBe('verified');
    expect(stored.approvals?.map((a) => [a.by, a.via, a.headSha])).toEqual([
      ['bob', 'review', s.head],
      ['carol', 'comment', s.head],
    ]);
    // The audit record in the job summary names both approvals that started it.
    const audit = extractAuditRecord(second.summary);
    if (audit.kind !== 'record') throw new Error(`no audit record in the job summary: ${audit.kind}`);
    expect(audit.record.approvals.map((a) => [a.by, a.via, a.commit])).toEqual([
      ['carol', 'comment', s.head],
      ['bob', 'review', s.head],
    ]);
  }, 120_000);

  it('no longer counts an approving review once it is dismissed', async () => {
    const s = scene(github(), plan(), policy);
    await s.open();
    await s.approve('bob');
    const dismissed = await s.dismiss('bob', 'erin');
    expect(dismissed.code, dismissed.stdout + dismissed.stderr).toBe(0);
    expect(s.state().stored.approvals).toEqual([]);
    expect(s.state().body).toContain('The approval of `bob` was withdrawn: `erin` dismissed the review');
    const carol = await s.send('carol', '/proceed');
    expect(carol.code, carol.stdout + carol.stderr).toBe(0);
    expect(s.log()).toEqual([]);
    expect(s.lastComment()).toContain('1 of 2 approvals given: 1 more is needed');
  }, 120_000);

  it('counts one person once, whatever the door', async () => {
    const s = scene(github(), plan(), policy);
    await s.open();
    await s.approve('bob');
    await s.send('bob', '/proceed');
    expect(s.log()).toEqual([]);
    expect(s.state().stored.state).toBe('proposed');
    expect(s.lastComment()).toContain('1 of 2 approvals given');
  }, 120_000);

  it('voids both approvals on a push: nothing runs on the new head until two approve it again', async () => {
    const s = scene(github(), plan({ checkpoint: 'true' }), policy);
    await s.open();
    await s.approve('bob');
    await s.send('carol', '/proceed');
    // Both approvals started it; it stops at the checkpoint before step two.
    expect(s.log()).toEqual(['one']);
    expect(s.state().stored.state).toBe('paused');
    const pushed = await s.push();
    expect(pushed.code, pushed.stdout + pushed.stderr).toBe(0);
    expect(s.state().stored).toMatchObject({ state: 'proposed', approvals: [] });
    expect(s.state().stored.approval).toBeUndefined();
    expect(s.state().body).toContain('Approval by `carol`, `bob` was reset');
    const again = await s.send('bob', '/proceed');
    expect(again.code).toBe(0);
    expect(s.log()).toEqual(['one']);
    expect(s.lastComment()).toContain('1 of 2 approvals given: 1 more is needed');
  }, 150_000);
});

describe('approvers.codeowners: plan', () => {
  const github = useFakeGitHub();
  const base = {
    '.github/proceed.yml': 'approvers:\n  codeowners: plan\n',
    '.github/CODEOWNERS': '*  @octo-org/web\ndeploy/*.plan.yml  @octo-org/dba @dave\n',
  };

  it("refuses to run on an approval by someone who owns nothing, naming the plan's owners", async () => {
    const s = scene(github(), plan(), base);
    await s.open();
    const run = await s.send('bob', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual([]);
    expect(s.lastComment()).toContain(
      `A code owner in \`.github/CODEOWNERS\` must approve too: nobody who approved owns \`${PLAN_PATH}\` (owners: \`@octo-org/dba\`, \`@dave\`)`,
    );
    expect(s.state().stored.state).toBe('proposed');
  }, 120_000);

  it('runs once a member of the owning team approves', async () => {
    const s = scene(github(), plan(), base);
    await s.open();
    const run = await s.send('erin', '/proceed');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'verify']);
    expect(s.state().stored.approvals).toEqual([
      expect.objectContaining({ by: 'erin', teams: ['octo-org/dba'] }),
    ]);
  }, 120_000);
});

describe('a checkpoint with its own approvers', () => {
  const github = useFakeGitHub();
  const checkpoint = '{ approvers: { teams: [octo-org/dba] } }';

  it('is passed only by a member of its team; the comment and the check run say who may', async () => {
    const fake = github();
    const s = scene(fake, plan({ checkpoint }));
    await s.open();
    await s.send('bob', '/proceed');
    expect(s.log()).toEqual(['one']);
    expect(s.state().stored.state).toBe('paused');
    expect(s.lastComment()).toContain(
      'Who may confirm: people allowed to approve who belong to `octo-org/dba`.',
    );
    const check = fake
      .checkRuns(s.head)
      .filter((c) => c.name === 'proceed/two')
      .at(-1)!;
    expect(check.conclusion).toBe('action_required');
    expect(JSON.stringify(check)).toContain(
      'Who may confirm: people allowed to approve who belong to `octo-org/dba`.',
    );

    const refused = await s.send('carol', '/proceed');
    expect(refused.code).toBe(0);
    expect(s.log()).toEqual(['one']);
    expect(s.lastComment()).toContain(
      '`carol` is not one of the people the plan names for the checkpoint before `two`',
    );
    expect(s.state().stored.state).toBe('paused');

    const passed = await s.send('erin', '/proceed');
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'verify']);
  }, 150_000);
});

describe('approval_ttl', () => {
  const github = useFakeGitHub();
  const policy = { '.github/proceed.yml': 'approvers:\n  count: 2\napproval_ttl: 5s\n' };

  it('refuses to start on an approval older than approval_ttl, says how to renew, and runs once renewed', async () => {
    const s = scene(github(), plan(), policy);
    await s.open();
    await s.send('bob', '/proceed');
    const approvedBy = Date.now();
    expect(s.log()).toEqual([]);
    // Let bob's approval grow older than 5s: a lower bound on the wait, never an upper bound on the run.
    await new Promise((r) => setTimeout(r, Math.max(0, approvedBy + 5_200 - Date.now())));
    const late = await s.send('carol', '/proceed');
    expect(late.code, late.stdout + late.stderr).toBe(0);
    expect(s.log()).toEqual([]);
    expect(s.lastComment()).toContain(
      'The approval of `bob` is older than `approval_ttl: 5s` and no longer counts; to renew, approve the pull request again or comment `/proceed`.',
    );
    expect(s.state().body).toMatch(/`bob` approved `[0-9a-f]{7}` by `\/proceed` at \S+ \(expired at/);

    // The renewal is judged under a longer lifetime, so carol's approval still counts however slow the
    // machine is: bob's renewed approval makes the second one, and the plan runs.
    s.setBase('.github/proceed.yml', 'approvers:\n  count: 2\napproval_ttl: 1h\n');
    const renewed = await s.send('bob', '/proceed');
    expect(renewed.code, renewed.stdout + renewed.stderr).toBe(0);
    expect(s.log()).toEqual(['one', 'two', 'verify']);
  }, 150_000);
});

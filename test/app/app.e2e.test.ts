/**
 * The Probot app end to end (SPEC §3–§6): webhooks in, the same gate as the Action, steps run by the
 * `inline` executor from a clone of a local bare repository, every request held to GitHub's OpenAPI
 * description by the fake.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/gate/lock.js';
import type { Octokit } from '@octokit/core';
import { OctokitPort } from '../../src/github/octokit.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { issueCommentEvent, pullRequestReviewEvent } from '../support/payloads.js';
import { APP, BOT, PLAN_PATH, deliver, plan, scene, until, type Scene } from '../support/app.js';

const scenes: Scene[] = [];
afterEach(() => {
  for (const s of scenes.splice(0)) s.cleanup();
});

// Each file runs in its own process: a private TMPDIR shows what the inline executor leaves behind.
let scratch: string;
const previousTmp = process.env.TMPDIR;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'proceed-tmp-'));
  process.env.TMPDIR = scratch;
});
afterEach(() => {
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  rmSync(scratch, { recursive: true, force: true });
});
const workspacesLeft = () => readdirSync(scratch).filter((name) => name.startsWith('proceed-app-'));

async function start(...args: Parameters<typeof scene>): Promise<Scene> {
  const s = await scene(...args);
  scenes.push(s);
  return s;
}

describe('rendering a plan when a pull request opens', () => {
  const github = useFakeGitHub({ app: APP });

  it('posts one review as the app, a valid proceed/plan, and a proceed/verify gate with a Proceed button', async () => {
    const s = await start(github());
    await s.open();
    await s.open();
    const reviews = s.fake.reviews(7).filter((r) => r.user === BOT);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.body).toContain('Release the widgets service');
    expect(s.state()?.state).toBe('proposed');
    expect(s.newest('proceed/plan')).toMatchObject({ status: 'completed', conclusion: 'success' });
    const gate = s.newest('proceed/verify')!;
    expect(gate.status).toBe('queued');
    expect(gate.app.slug).toBe(APP.slug);
    expect(gate.actions.map((a) => a.identifier)).toEqual(['proceed']);
    expect(s.log()).toEqual([]);
  });
});

describe('approving and executing through a comment', () => {
  const github = useFakeGitHub({ app: APP });

  it('runs every step from a clone of the approved commit, reports check runs, and removes the clone', async () => {
    const s = await start(github());
    await s.open();
    const c = await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    for (const id of ['one', 'two', 'three']) {
      const check = s.newest(`proceed/${id}`)!;
      expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
      // The in-progress run's Cancel button is gone once the step is done.
      expect(check.actions).toEqual([]);
    }
    expect(s.newest('proceed/verify')).toMatchObject({ conclusion: 'success', actions: [] });
    expect(s.state()).toMatchObject({ state: 'verified', approval: { by: 'bob', via: 'comment' } });
    const commentId = (c.payload as { comment: { id: number } }).comment.id;
    expect(s.fake.reactions(commentId)).toEqual([expect.objectContaining({ user: BOT, content: 'eyes' })]);
    expect(s.botComments().some((b) => /estimate/i.test(b))).toBe(true);
    expect(workspacesLeft()).toEqual([]);
    expect(s.fake.refs().filter((r) => r.ref.includes('locks'))).toEqual([]);
  });

  it('counts an approving review by an allowed user as /proceed', async () => {
    const s = await start(github());
    await s.open();
    s.fake.addReview(7, { user: 'bob', state: 'APPROVED', commitId: s.head });
    await deliver(s.probot, {
      id: 'review-1',
      name: 'pull_request_review',
      payload: pullRequestReviewEvent('submitted', {
        number: 7,
        state: 'approved',
        user: 'bob',
        commitId: s.head,
        headSha: s.head,
        baseSha: s.remote.baseSha,
        prAuthor: 'alice',
      }),
    });
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()).toMatchObject({ state: 'verified', approval: { via: 'review' } });
  });

  it('answers /skip, /rollback, /plan, /cancel and /help as the Action does', async () => {
    const s = await start(github(), { plan: plan({ allowSkip: true }) });
    writeFileSync(s.files.FAIL_TWO, '');
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'failed', next: 'two' });
    await s.comment('bob', '/skip');
    expect(s.newest('proceed/two')!.conclusion).toBe('skipped');
    expect(s.state()?.state).toBe('verified');
    await s.comment('bob', '/rollback');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify', 'undo-one']);
    expect(s.newest('proceed/rollback-one')!.conclusion).toBe('success');
    await s.comment('carol', '/plan');
    expect(s.fake.reviews(7).filter((r) => r.user === BOT)).toHaveLength(1);
    await s.comment('alice', '/cancel');
    expect(s.botComments().at(-1)).toMatch(/`\/cancel` refused.*nothing to cancel/s);
    await s.comment('carol', '/help');
    expect(s.botComments().at(-1)).toMatch(/\/rollback/);
  });

  it('refuses /proceed from a read-only user, says who may, and runs nothing', async () => {
    const s = await start(github());
    await s.open();
    await s.comment('carol', '/proceed');
    expect(s.log()).toEqual([]);
    expect(s.state()?.state).toBe('proposed');
    expect(s.botComments().at(-1)).toMatch(/`\/proceed` refused.*read access/s);
  });

  it('tells a failed clone on the pull request and leaves the plan approved', async () => {
    const s = await start(github(), { config: { gitUrl: 'file:///nonexistent-git-server' } });
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual([]);
    expect(s.botComments().at(-1)).toMatch(/could not fetch the approved commit/);
    expect(s.state()?.state).toBe('approved');
    expect(workspacesLeft()).toEqual([]);
  });
});

describe('the buttons', () => {
  const github = useFakeGitHub({ app: APP });

  it('approves and runs with Proceed on proceed/verify, as the person who pressed it', async () => {
    const s = await start(github());
    await s.open();
    await s.press('bob', 'proceed', 'proceed/verify');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()).toMatchObject({ state: 'verified', approval: { by: 'bob', via: 'button' } });
  });

  it('refuses Proceed from a read-only user with the same message as a comment, and runs nothing', async () => {
    const s = await start(github());
    await s.open();
    await s.press('carol', 'proceed', 'proceed/verify');
    expect(s.log()).toEqual([]);
    expect(s.state()?.state).toBe('proposed');
    expect(s.botComments()).toHaveLength(1);
    expect(s.botComments()[0]).toMatch(/`\/proceed` refused.*`carol` has read access.*Who may:/s);
  });

  it('refuses Proceed from the author when self-approval is off', async () => {
    const s = await start(github());
    await s.open();
    await s.press('alice', 'proceed', 'proceed/verify');
    expect(s.log()).toEqual([]);
    expect(s.botComments()[0]).toMatch(/opened this pull request.*self_approval: false/s);
  });

  it('offers Retry and Cancel on a failed step; Retry re-runs it and finishes without re-running step one', async () => {
    const s = await start(github());
    writeFileSync(s.files.FAIL_TWO, '');
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'failed', next: 'two' });
    expect(s.newest('proceed/two')!.actions.map((a) => a.identifier)).toEqual(['retry', 'cancel']);
    rmSync(s.files.FAIL_TWO);
    const retry = await s.press('bob', 'retry', 'proceed/two');
    expect(s.log()).toEqual(['one', 'two', 'two', 'three', 'verify']);
    expect(s.checks('proceed/one')).toHaveLength(1);
    expect(s.state()?.state).toBe('verified');

    // The same press again (a redelivery, or a second click): the button no longer applies.
    const before = s.fake.writes().length;
    await deliver(s.probot, { ...retry, id: 'redelivered' });
    expect(s.log()).toEqual(['one', 'two', 'two', 'three', 'verify']);
    expect(s.fake.writes().length).toBe(before);
  });

  it('cancels the failed plan with Cancel on the failed step', async () => {
    const s = await start(github());
    writeFileSync(s.files.FAIL_TWO, '');
    await s.open();
    await s.comment('bob', '/proceed');
    await s.press('alice', 'cancel', 'proceed/two');
    expect(s.state()?.state).toBe('cancelled');
    expect(s.newest('proceed/three')!.conclusion).toBe('cancelled');
    expect(s.newest('proceed/verify')!.conclusion).toBe('cancelled');
  });

  it('stops a running step with Cancel, pressed on another replica while the first one executes', async () => {
    const s = await start(github());
    writeFileSync(s.files.HOLD, '');
    await s.open();
    const running = s.comment('bob', '/proceed');
    await until(() => s.log().includes('three') && s.newest('proceed/three')?.status === 'in_progress');
    expect(s.newest('proceed/three')!.actions.map((a) => a.identifier)).toEqual(['cancel']);
    await s.press('alice', 'cancel', 'proceed/three', await s.replica());
    expect(s.botComments().at(-1)).toMatch(/Cancel requested/);
    await running;
    expect(s.newest('proceed/three')!.conclusion).toBe('cancelled');
    expect(s.log()).not.toContain('verify');
    expect(s.state()).toMatchObject({ state: 'cancelled', reason: 'cancelled by alice' });
    expect(s.fake.refs().filter((r) => r.ref.includes('locks'))).toEqual([]);
  });

  it('pauses at a checkpoint with Proceed and Cancel on its check run; Proceed resumes', async () => {
    const s = await start(github(), { plan: plan({ checkpoint: true }) });
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'paused', next: 'three' });
    const checkpoint = s.newest('proceed/three')!;
    expect(checkpoint.conclusion).toBe('action_required');
    expect(checkpoint.actions.map((a) => a.identifier)).toEqual(['proceed', 'cancel']);
    const press = await s.press('bob', 'proceed', 'proceed/three');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');

    // Redelivered: the checkpoint run it was pressed on is superseded; nothing happens.
    const before = s.fake.writes().length;
    await deliver(s.probot, press);
    expect(s.fake.writes().length).toBe(before);
  });

  it('ignores a press on a check run of an older commit', async () => {
    const s = await start(github());
    await s.open();
    const press = s.button('bob', 'proceed', 'proceed/verify');
    const newHead = s.remote.commit({ 'README.md': 'changed\n' });
    s.fake.pushCommit(7, newHead, [{ filename: PLAN_PATH, content: plan() }]);
    const before = s.fake.writes().length;
    await deliver(s.probot, press);
    expect(s.fake.writes().length).toBe(before);
    expect(s.log()).toEqual([]);
    expect(s.state()?.approval).toBeUndefined();
  });
});

describe('redeliveries and replicas', () => {
  const github = useFakeGitHub({ app: APP });

  it('answers a redelivered /help, refusal or command once', async () => {
    const s = await start(github());
    await s.open();
    const help = await s.comment('carol', '/help');
    const refused = await s.comment('carol', '/proceed');
    const typo = await s.comment('bob', '/procede');
    expect(s.botComments()).toHaveLength(3);
    for (const delivery of [help, refused, typo]) await deliver(s.probot, delivery);
    await deliver(await s.replica(), help);
    expect(s.botComments()).toHaveLength(3);
    const proceed = await s.comment('bob', '/proceed');
    const after = s.botComments().length;
    await deliver(s.probot, proceed);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.botComments()).toHaveLength(after);
  });

  it('ignores a comment without a command before asking GitHub anything (no login, no token, no claim)', async () => {
    const s = await start(github());
    await s.open();
    // A fresh replica has not asked for its login yet: the comment must not make it ask.
    const fresh = await s.replica();
    const before = s.fake.requests.length;
    await s.comment('bob', 'Looks good to me, thanks!\n\n> /proceed\n\n`/proceed` later', fresh);
    expect(s.fake.requests.slice(before)).toEqual([]);
    // The same replica still answers a command afterwards.
    await s.comment('bob', '/help', fresh);
    expect(s.fake.requests.length).toBeGreaterThan(before);
    expect(s.botComments()).toHaveLength(1);
  });

  it('says at debug, like the other ignored events, that a comment without a command was ignored', async () => {
    const s = await start(github());
    await s.open();
    const fresh = await s.replica();
    // Every delivery's logger is a child of the app's (pino makes children from their parent).
    const debug: string[] = [];
    fresh.log.level = 'debug';
    fresh.log.debug = ((message: unknown) => void debug.push(String(message))) as typeof fresh.log.debug;
    const before = s.fake.requests.length;
    await s.comment('bob', 'Could the migration log its batch sizes?', fresh);
    await s.comment('bob', 'Still open: /proceed is not at the start of a line', fresh);
    expect(s.fake.requests.slice(before)).toEqual([]);
    expect(debug.filter((line) => line.startsWith('proceed:'))).toEqual([
      expect.stringMatching(/^proceed: comment \d+ on #7 has no command; ignored\.$/),
      expect.stringMatching(/^proceed: comment \d+ on #7 has no command; ignored\.$/),
    ]);
  });

  it('does not let a redelivered approving review confirm a checkpoint reached since', async () => {
    const s = await start(github(), { plan: plan({ checkpoint: true }) });
    await s.open();
    s.fake.addReview(7, { user: 'bob', state: 'APPROVED', commitId: s.head });
    const review = {
      id: 'review-delivery',
      name: 'pull_request_review' as const,
      payload: pullRequestReviewEvent('submitted', {
        number: 7,
        state: 'approved',
        user: 'bob',
        headSha: s.head,
        baseSha: s.remote.baseSha,
        prAuthor: 'alice',
      }),
    };
    await deliver(s.probot, review);
    expect(s.state()).toMatchObject({ state: 'paused', next: 'three' });
    const comments = s.botComments().length;
    await deliver(await s.replica(), review);
    expect(s.log()).toEqual(['one', 'two']);
    expect(s.state()?.state).toBe('paused');
    expect(s.botComments()).toHaveLength(comments);
  });

  it('runs each step once when two replicas receive the same /proceed at the same moment', async () => {
    const s = await start(github());
    await s.open();
    const c = s.fake.addComment(7, { user: 'bob', body: '/proceed' });
    const delivery = {
      id: 'same-delivery',
      name: 'issue_comment' as const,
      payload: issueCommentEvent('created', {
        number: 7,
        user: 'bob',
        body: '/proceed',
        commentId: c.id,
        prAuthor: 'alice',
      }),
    };
    const other = await s.replica();
    await Promise.all([deliver(s.probot, delivery), deliver(other, delivery)]);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.checks('proceed/one')).toHaveLength(1);
    expect(s.fake.reactions(c.id)).toHaveLength(1);
  });

  it('runs each step once when two replicas receive two /proceed comments at the same moment (the lock)', async () => {
    const s = await start(github());
    await s.open();
    const other = await s.replica();
    await Promise.all([s.comment('bob', '/proceed'), s.comment('bob', '/proceed', other)]);
    const counts = s.log().reduce<Record<string, number>>((m, l) => ({ ...m, [l]: (m[l] ?? 0) + 1 }), {});
    expect(counts.one).toBe(1);
    expect(counts.two).toBe(1);
    expect(counts.three).toBe(1);
    expect(s.state()?.state).toBe('verified');
    expect(s.fake.refs().filter((r) => r.ref.includes('locks'))).toEqual([]);
  });

  it('keeps nothing of a workspace after an execution that failed', async () => {
    const s = await start(github());
    writeFileSync(s.files.FAIL_TWO, '');
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()?.state).toBe('failed');
    expect(workspacesLeft()).toEqual([]);
  });
});

describe('a replica that dies or freezes while it holds the lock', () => {
  const github = useFakeGitHub({ app: APP });
  // Another replica of the same app: its lock commits are the app's, as GitHub records them.
  const port = async (s: Scene) =>
    new OctokitPort((await s.probot.auth(1)) as unknown as Octokit, 'octo-org', 'widgets');

  it('renews the lock while it executes: the ref moves on to a new lock commit every heartbeat', async () => {
    const s = await start(github(), { config: { lockHeartbeatMs: 100 } });
    writeFileSync(s.files.HOLD, '');
    await s.open();
    const running = s.comment('bob', '/proceed');
    await until(() => s.newest('proceed/three')?.status === 'in_progress');
    const lockRef = () => s.fake.refs().find((r) => r.ref === 'refs/proceed/locks/pr-7')?.sha;
    const first = lockRef();
    await until(() => lockRef() !== undefined && lockRef() !== first);
    rmSync(s.files.HOLD);
    await running;
    expect(s.state()?.state).toBe('verified');
    expect(lockRef()).toBeUndefined();
  });

  it('refuses /proceed while a silent holder may still live, naming when it was last seen; takes over once four beats are missed', async () => {
    const s = await start(github());
    await s.open();
    // An instance took the lock and died at once: it promised a beat every 2.5 s and sent none, so
    // it counts as ended 10 s after taking it — long enough for the first /proceed on a loaded machine.
    const takenAt = Date.now();
    const dead = await acquireLock(await port(s), {
      number: 7,
      headSha: s.head,
      holder: { kind: 'app', id: 'dead-instance', heartbeatMs: 2_500 },
      maxAgeMs: 3_600_000,
    });
    expect(dead.acquired).toBe(true);
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual([]);
    expect(s.botComments().at(-1)).toMatch(
      /app instance dead-instance, taken (just now|\d+s ago) for \w{7}; last seen (just now|\d+s ago), and counted as ended once not seen for 10s/,
    );
    await new Promise((r) => setTimeout(r, Math.max(0, takenAt + 10_500 - Date.now())));
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
    expect(s.fake.refs().filter((r) => r.ref.includes('locks'))).toEqual([]);
  }, 120_000);

  it('stops its step and posts nothing more when it finds its lock taken over (it was frozen too long)', async () => {
    const s = await start(github(), { config: { lockHeartbeatMs: 100 } });
    writeFileSync(s.files.HOLD, '');
    await s.open();
    const running = s.comment('bob', '/proceed');
    await until(() => s.newest('proceed/three')?.status === 'in_progress');
    const posted = s.fake.requests.filter((r) => r.method !== 'GET').length;
    // Another replica, whose clock says this one has been silent for an hour, takes the lock over.
    const takeover = await acquireLock(await port(s), {
      number: 7,
      headSha: s.head,
      holder: { kind: 'app', id: 'other-instance', heartbeatMs: 100 },
      maxAgeMs: 3_600_000,
      now: () => new Date(Date.now() + 3_600_000),
    });
    expect(takeover.acquired).toBe(true);
    // The held step waits on $HOLD forever: the handler ends only because its process group was stopped.
    await running;
    expect(s.log()).not.toContain('verify');
    expect(s.newest('proceed/three')!.status).toBe('in_progress');
    expect(s.state()?.state).toBe('executing');
    // Its own heartbeat found the loss (one commit, one refused update); nothing was posted after.
    const writes = s.fake.requests.filter((r) => r.method !== 'GET');
    expect(
      writes
        .slice(posted)
        .map((r) => r.operationId)
        .filter((op) => op !== 'git/create-commit' && op !== 'git/update-ref' && op !== 'git/create-ref'),
    ).toEqual([]);
    expect(s.fake.refs().find((r) => r.ref === 'refs/proceed/locks/pr-7')?.sha).toBe(
      takeover.acquired ? takeover.lock.sha : '',
    );
  });
});

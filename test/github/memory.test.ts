import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { handleEvent } from '../../src/gate/handle.js';
import { acquireLock, type Acquired, type HolderIdentity } from '../../src/gate/lock.js';
import { gitBlobSha, MemoryGitHub, type MemorySeed, type MemoryWrite } from '../../src/github/memory.js';

const PLAN = `version: 1
title: Say hello
steps:
  - name: Greet
    run: echo hello
    estimate: 5s
verify:
  tests: echo ok
`;
const T0 = new Date('2025-06-01T12:00:00.000Z');
const HOUR = 3_600_000;

function memory(over: Partial<MemorySeed> = {}, at: { now: Date } = { now: T0 }): MemoryGitHub {
  return new MemoryGitHub({
    baseFiles: {
      'README.md': 'hello\n',
      'old.txt': 'old\n',
      '.github/proceed.yml': 'self_approval: false\n',
    },
    pullRequest: {
      number: 7,
      title: 'Say hello',
      author: 'alice',
      files: { 'hello.plan.yml': PLAN, 'README.md': 'hello, world\n', 'old.txt': null },
    },
    permissions: { bob: 'write', carol: 'maintain' },
    teams: { 'octo-org/deployers': ['Bob'] },
    now: () => at.now,
    ...over,
  });
}

function minutes(n: number): Date {
  return new Date(T0.getTime() + n * 60_000);
}

describe('gitBlobSha', () => {
  it('computes the object id git computes for the same content', () => {
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(gitBlobSha('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it('counts bytes, not characters, for text beyond ASCII', () => {
    const text = 'Grüße ⏸️\n';
    const git = execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();
    expect(gitBlobSha(text)).toBe(git);
  });
});

describe('the seeded pull request', () => {
  it('answers getPullRequest with the author, an open state and head/base SHAs of real commits', async () => {
    const gh = memory();
    const pr = await gh.getPullRequest(7);
    expect(pr).toMatchObject({
      number: 7,
      state: 'open',
      merged: false,
      title: 'Say hello',
      author: { login: 'alice', type: 'User' },
      headRef: 'feature',
      baseRef: 'main',
      headRepo: 'octo-org/widgets',
      isFork: false,
      htmlUrl: 'https://github.com/octo-org/widgets/pull/7',
    });
    expect(pr.headSha).toMatch(/^[0-9a-f]{40}$/);
    expect(pr.headSha).not.toBe(pr.baseSha);
    expect(await gh.getCommit(pr.headSha)).toMatchObject({ sha: pr.headSha, committedAt: T0.toISOString() });
    expect(await gh.getCommit(pr.baseSha)).toBeDefined();
  });

  it('gives the same SHAs for the same seed, whatever the time', async () => {
    const a = await memory().getPullRequest(7);
    const b = await memory({}, { now: minutes(90) }).getPullRequest(7);
    expect(b.headSha).toBe(a.headSha);
  });

  it('lists the changed files as added, modified and removed, with git blob SHAs', async () => {
    const files = await memory().listChangedFiles(7);
    expect(files).toEqual([
      { filename: 'hello.plan.yml', status: 'added', sha: gitBlobSha(PLAN) },
      { filename: 'README.md', status: 'modified', sha: gitBlobSha('hello, world\n') },
      { filename: 'old.txt', status: 'removed', sha: null },
    ]);
  });

  it('serves files at the head, at the base, and by branch name', async () => {
    const gh = memory();
    const { headSha, baseSha } = gh.pullRequest;
    expect(await gh.readFile('hello.plan.yml', headSha)).toEqual({ content: PLAN, sha: gitBlobSha(PLAN) });
    expect(await gh.readFile('hello.plan.yml', baseSha)).toBeUndefined();
    expect((await gh.readFile('README.md', 'main'))?.content).toBe('hello\n');
    expect((await gh.readFile('README.md', 'refs/heads/feature'))?.content).toBe('hello, world\n');
    expect(await gh.readFile('old.txt', headSha)).toBeUndefined();
    expect((await gh.readFile('.github/proceed.yml', headSha))?.content).toBe('self_approval: false\n');
  });

  it('refuses a read at a ref it does not know, and a pull request it does not have', async () => {
    const gh = memory();
    await expect(gh.readFile('README.md', 'f'.repeat(40))).rejects.toMatchObject({ status: 404 });
    await expect(gh.getPullRequest(8)).rejects.toMatchObject({ status: 404 });
  });

  it('moves the head on a push, as a child of the old head, with the new changes on top', async () => {
    const gh = memory();
    const before = gh.pullRequest.headSha;
    const after = gh.push({ 'hello.plan.yml': `${PLAN}# edited\n` });
    expect(gh.pullRequest.headSha).toBe(after);
    expect((await gh.readFile('hello.plan.yml', after))?.content).toBe(`${PLAN}# edited\n`);
    expect((await gh.readFile('README.md', after))?.content).toBe('hello, world\n');
    expect(await gh.getRef('heads/feature')).toEqual({ sha: after });
    // A fast-forward from the old head to the new one is accepted: the new head descends from it.
    await gh.createRef('heads/copy', before);
    expect(await gh.updateRef('heads/copy', after, false)).toBe('updated');
  });

  it('closes, and says so in getPullRequest', async () => {
    const gh = memory();
    gh.close(true);
    expect(await gh.getPullRequest(7)).toMatchObject({ state: 'closed', merged: true });
  });
});

describe('listing open pull requests', () => {
  it('lists the seeded pull request while it is open, and nothing once it is closed', async () => {
    const gh = memory();
    expect(await gh.listOpenPullRequests()).toEqual([7]);
    gh.close();
    expect(await gh.listOpenPullRequests()).toEqual([]);
  });
});

describe('permissions, teams and workflow runs', () => {
  it('answers the seeded permission per login, case-insensitively, and none for everyone else', async () => {
    const gh = memory();
    expect(await gh.getPermission('BOB')).toBe('write');
    expect(await gh.getPermission('carol')).toBe('maintain');
    expect(await gh.getPermission('mallory')).toBe('none');
    gh.setPermission('mallory', 'admin');
    expect(await gh.getPermission('mallory')).toBe('admin');
  });

  it('answers team membership only for the seeded members', async () => {
    const gh = memory();
    expect(await gh.isTeamMember('octo-org', 'deployers', 'bob')).toBe(true);
    expect(await gh.isTeamMember('octo-org', 'deployers', 'carol')).toBe(false);
    expect(await gh.isTeamMember('octo-org', 'admins', 'bob')).toBe(false);
  });

  it('answers workflow runs it was given, and undefined once one is gone', async () => {
    const gh = memory({ workflowRuns: { 42: { status: 'in_progress', conclusion: null, attempt: 1 } } });
    expect(await gh.getWorkflowRun(42)).toEqual({ status: 'in_progress', conclusion: null, attempt: 1 });
    gh.setWorkflowRun(42, undefined);
    expect(await gh.getWorkflowRun(42)).toBeUndefined();
  });
});

describe('reviews', () => {
  it('creates the bot review as COMMENTED and edits it in place, recording both writes', async () => {
    const gh = memory();
    const head = gh.pullRequest.headSha;
    const review = await gh.createReview(7, { body: 'first', commitId: head });
    await gh.updateReview(7, review.id, 'second');
    expect(await gh.listReviews(7)).toEqual([
      {
        id: review.id,
        body: 'second',
        state: 'COMMENTED',
        commitId: head,
        user: { login: 'proceed[bot]', type: 'Bot' },
      },
    ]);
    expect(gh.writes.map((w) => w.kind)).toEqual(['review', 'review-edit']);
    expect(gh.writes[1]).toMatchObject({ kind: 'review-edit', id: review.id, body: 'second' });
  });

  it("refuses to edit someone else's review, and a body over GitHub's 65,536 characters", async () => {
    const gh = memory();
    const theirs = gh.submitReview('bob', 'APPROVED');
    await expect(gh.updateReview(7, theirs.id, 'mine now')).rejects.toMatchObject({ status: 403 });
    await expect(
      gh.createReview(7, { body: 'x'.repeat(65_537), commitId: gh.pullRequest.headSha }),
    ).rejects.toMatchObject({ status: 422 });
    expect(gh.writes).toEqual([]);
    expect(gh.reviews()).toEqual([expect.objectContaining({ id: theirs.id, state: 'APPROVED', body: '' })]);
  });
});

describe('comments and reactions', () => {
  it("lists comments since a time, oldest first, people's and the bot's alike", async () => {
    const at = { now: T0 };
    const gh = memory({}, at);
    const early = gh.addComment('bob', '/proceed');
    at.now = minutes(5);
    const { id } = await gh.createComment(7, 'Checkpoint');
    at.now = minutes(6);
    const late = gh.addComment('alice', '/cancel');
    expect((await gh.listComments(7, T0.toISOString())).map((c) => c.id)).toEqual([early.id, id, late.id]);
    expect(await gh.listComments(7, minutes(5).toISOString())).toEqual([
      {
        id,
        body: 'Checkpoint',
        user: { login: 'proceed[bot]', type: 'Bot' },
        createdAt: minutes(5).toISOString(),
        updatedAt: minutes(5).toISOString(),
      },
      {
        id: late.id,
        body: '/cancel',
        user: { login: 'alice', type: 'User' },
        createdAt: minutes(6).toISOString(),
        updatedAt: minutes(6).toISOString(),
      },
    ]);
  });

  it("records the bot's comments and reactions as writes, but not people's comments", async () => {
    const gh = memory();
    const command = gh.addComment('bob', '/proceed');
    await gh.reactToComment(command.id, 'eyes');
    const { url } = await gh.createComment(7, 'done');
    expect(url).toMatch(/^https:\/\/github\.com\/octo-org\/widgets\/pull\/7#issuecomment-\d+$/);
    expect(gh.writes).toEqual([
      { kind: 'reaction', commentId: command.id, content: 'eyes', user: 'proceed[bot]' },
      expect.objectContaining({ kind: 'comment', body: 'done' }),
    ]);
  });

  it('refuses a reaction to a comment that does not exist', async () => {
    await expect(memory().reactToComment(999, 'eyes')).rejects.toMatchObject({ status: 404 });
  });
});

describe('check runs', () => {
  it('gives each check run a growing id and lists them newest first, by commit and by name', async () => {
    const gh = memory();
    const head = gh.pullRequest.headSha;
    const base = gh.pullRequest.baseSha;
    const a = await gh.createCheckRun({
      name: 'proceed/plan',
      headSha: head,
      status: 'queued',
      title: 't',
      summary: 's',
    });
    const b = await gh.createCheckRun({
      name: 'proceed/verify',
      headSha: head,
      status: 'queued',
      title: 't',
      summary: 's',
    });
    const c = await gh.createCheckRun({
      name: 'proceed/plan',
      headSha: head,
      status: 'queued',
      title: 't',
      summary: 's',
    });
    await gh.createCheckRun({
      name: 'proceed/plan',
      headSha: base,
      status: 'queued',
      title: 't',
      summary: 's',
    });
    expect(b.id).toBeGreaterThan(a.id);
    expect((await gh.listCheckRuns(head)).map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect((await gh.listCheckRuns(head, 'proceed/plan')).map((r) => r.id)).toEqual([c.id, a.id]);
    expect(a.url).toBe(`https://github.com/octo-org/widgets/runs/${a.id}`);
  });

  it('stamps a new check run as started, and a completed one as completed, as GitHub does', async () => {
    const at = { now: T0 };
    const gh = memory({}, at);
    const { id } = await gh.createCheckRun({
      name: 'proceed/build',
      headSha: gh.pullRequest.headSha,
      status: 'in_progress',
      externalId: 'abc:build',
      title: 'Running',
      summary: 'started',
    });
    at.now = minutes(2);
    await gh.updateCheckRun(id, { conclusion: 'success', title: 'Done', summary: 'ok', text: 'log' });
    const [info] = await gh.listCheckRuns(gh.pullRequest.headSha);
    expect(info).toEqual({
      id,
      name: 'proceed/build',
      headSha: gh.pullRequest.headSha,
      status: 'completed',
      conclusion: 'success',
      externalId: 'abc:build',
      startedAt: T0.toISOString(),
      completedAt: minutes(2).toISOString(),
      title: 'Done',
      summary: 'ok',
      appSlug: 'proceed',
    });
    expect(gh.checkRuns()[0]?.text).toBe('log');
    expect(gh.writes.map((w) => w.kind)).toEqual(['check-run', 'check-run-update']);
    expect(gh.writes[1]).toMatchObject({
      kind: 'check-run-update',
      name: 'proceed/build',
      conclusion: 'success',
      update: { title: 'Done' },
    });
  });

  it('keeps the output when an update sends none, and accumulates annotations', async () => {
    const gh = memory();
    const note = {
      path: 'hello.plan.yml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning' as const,
      message: 'm',
    };
    const { id } = await gh.createCheckRun({
      name: 'proceed/plan',
      headSha: gh.pullRequest.headSha,
      status: 'queued',
      title: 'Valid',
      summary: 'one',
      annotations: [note],
    });
    await gh.updateCheckRun(id, { status: 'in_progress' });
    await gh.updateCheckRun(id, { title: 'Valid', summary: 'two', annotations: [note, note] });
    const [run] = gh.checkRuns();
    expect(run).toMatchObject({ status: 'in_progress', title: 'Valid', summary: 'two' });
    expect(run?.annotations).toHaveLength(3);
  });

  it('refuses a completed check run without a conclusion and leaves the run as it was', async () => {
    const gh = memory();
    const headSha = gh.pullRequest.headSha;
    await expect(
      gh.createCheckRun({ name: 'x', headSha, status: 'completed', title: 't', summary: 's' }),
    ).rejects.toMatchObject({ status: 422 });
    const { id } = await gh.createCheckRun({
      name: 'x',
      headSha,
      status: 'queued',
      title: 't',
      summary: 's',
    });
    await expect(
      gh.updateCheckRun(id, { status: 'completed', title: 'u', summary: 'v' }),
    ).rejects.toMatchObject({
      status: 422,
    });
    expect(gh.checkRuns()[0]).toMatchObject({ status: 'queued', title: 't', summary: 's' });
    expect(gh.writes.map((w) => w.kind)).toEqual(['check-run']);
  });

  it('refuses an unknown commit, an unknown id and an output over 65,535 characters', async () => {
    const gh = memory();
    const headSha = gh.pullRequest.headSha;
    await expect(
      gh.createCheckRun({ name: 'x', headSha: 'f'.repeat(40), status: 'queued', title: 't', summary: 's' }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(gh.updateCheckRun(999, { status: 'in_progress' })).rejects.toMatchObject({ status: 404 });
    await expect(
      gh.createCheckRun({ name: 'x', headSha, status: 'queued', title: 't', summary: 's'.repeat(65_536) }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe('refs and commits', () => {
  async function lockCommit(gh: MemoryGitHub, message: string, parents: string[] = []) {
    const head = await gh.getCommit(gh.pullRequest.headSha);
    return (await gh.createCommit({ message, tree: head!.tree, parents })).sha;
  }

  it('creates a ref once; a second create answers that it exists', async () => {
    const gh = memory();
    const sha = await lockCommit(gh, 'one');
    expect(await gh.createRef('proceed/locks/pr-7', sha)).toBe('created');
    expect(await gh.createRef('proceed/locks/pr-7', sha)).toBe('exists');
    expect(await gh.getRef('proceed/locks/pr-7')).toEqual({ sha });
    expect(gh.refs().map((r) => r.ref)).toContain('refs/proceed/locks/pr-7');
  });

  it('moves a ref without force only to a descendant, and with force anywhere', async () => {
    const gh = memory();
    const first = await lockCommit(gh, 'first');
    const child = await lockCommit(gh, 'child', [first]);
    const unrelated = await lockCommit(gh, 'unrelated');
    await gh.createRef('proceed/locks/pr-7', first);
    expect(await gh.updateRef('proceed/locks/pr-7', unrelated, false)).toBe('conflict');
    expect(await gh.updateRef('proceed/locks/pr-7', child, false)).toBe('updated');
    expect(await gh.updateRef('proceed/locks/pr-7', first, false)).toBe('conflict');
    expect(await gh.updateRef('proceed/locks/pr-7', unrelated, true)).toBe('updated');
    expect(await gh.getRef('proceed/locks/pr-7')).toEqual({ sha: unrelated });
  });

  it('answers conflict for a ref that is gone, and deletes quietly what is already deleted', async () => {
    const gh = memory();
    const sha = await lockCommit(gh, 'one');
    expect(await gh.updateRef('proceed/locks/pr-7', sha, false)).toBe('conflict');
    await gh.createRef('proceed/locks/pr-7', sha);
    await gh.deleteRef('proceed/locks/pr-7');
    await gh.deleteRef('proceed/locks/pr-7');
    expect(await gh.getRef('proceed/locks/pr-7')).toBeUndefined();
    expect(gh.writesOf('ref').map((w) => w.action)).toEqual(['create', 'delete']);
  });

  it('refuses a ref to an object it does not have, and commits on unknown trees or parents', async () => {
    const gh = memory();
    const head = (await gh.getCommit(gh.pullRequest.headSha))!;
    await expect(gh.createRef('proceed/locks/pr-7', 'f'.repeat(40))).rejects.toMatchObject({ status: 422 });
    await expect(gh.createCommit({ message: 'm', tree: 'f'.repeat(40), parents: [] })).rejects.toMatchObject({
      status: 422,
    });
    await expect(
      gh.createCommit({ message: 'm', tree: head.tree, parents: ['f'.repeat(40)] }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('names a created commit by its git object id and serves its message, tree and date', async () => {
    const at = { now: minutes(3) };
    const gh = memory({}, at);
    const head = (await gh.getCommit(gh.pullRequest.headSha))!;
    const { sha } = await gh.createCommit({ message: '{"proceed-lock":1}', tree: head.tree, parents: [] });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await gh.getCommit(sha)).toEqual({
      sha,
      message: '{"proceed-lock":1}',
      tree: head.tree,
      committedAt: minutes(3).toISOString(),
      committer: { name: gh.botLogin, email: `${gh.botLogin}@users.noreply.github.com` },
    });
    expect(gh.writes).toEqual([expect.objectContaining({ kind: 'commit', sha, parents: [] })]);
  });
});

describe('the onWrite listener', () => {
  it('hears every write, in the order of `writes`, as it happens', async () => {
    const heard: MemoryWrite[] = [];
    const gh = memory({ onWrite: (w) => heard.push(w) });
    const headSha = gh.pullRequest.headSha;
    await gh.createReview(7, { body: 'b', commitId: headSha });
    expect(heard).toHaveLength(1);
    await gh.createCheckRun({ name: 'x', headSha, status: 'queued', title: 't', summary: 's' });
    await gh.createComment(7, 'c');
    expect(heard).toEqual(gh.writes);
    expect(heard.map((w) => w.kind)).toEqual(['review', 'check-run', 'comment']);
  });
});

describe('the pull request lock over the memory port', () => {
  const A: HolderIdentity = { kind: 'app', id: 'replica-a' };
  const B: HolderIdentity = { kind: 'app', id: 'replica-b' };
  const RUN: HolderIdentity = { kind: 'workflow-run', id: '9001', attempt: 1 };
  const acquire = (gh: MemoryGitHub, holder: HolderIdentity, at = T0) =>
    acquireLock(gh, { number: 7, headSha: gh.pullRequest.headSha, holder, maxAgeMs: HOUR, now: () => at });
  const held = (r: Acquired) => {
    if (!r.acquired) throw new Error(`expected the lock, but ${r.holder.id} holds it`);
    return r.lock;
  };

  it('is taken, refused to a second holder with the first named, and free again after release', async () => {
    const gh = memory();
    const first = held(await acquire(gh, A));
    expect(await gh.getRef('proceed/locks/pr-7')).toEqual({ sha: first.sha });
    const second = await acquire(gh, B, minutes(3));
    expect(second).toMatchObject({ acquired: false, holder: { id: 'replica-a' } });
    await first.release();
    expect(await gh.getRef('proceed/locks/pr-7')).toBeUndefined();
    held(await acquire(gh, B, minutes(4)));
  });

  it('is taken over from a stale holder by a fast-forward onto the stale lock commit', async () => {
    const gh = memory();
    const stale = held(await acquire(gh, A));
    const next = held(await acquire(gh, B, minutes(61)));
    expect(gh.writesOf('commit').at(-1)).toMatchObject({ sha: next.sha, parents: [stale.sha] });
    expect(gh.writesOf('ref').at(-1)).toMatchObject({ action: 'update', sha: next.sha, force: false });
    // The stale holder's late release leaves the new holder's lock alone.
    await stale.release();
    expect(await gh.getRef('proceed/locks/pr-7')).toEqual({ sha: next.sha });
  });

  it('is taken over from a workflow run that has completed, and not from one still running', async () => {
    const gh = memory({ workflowRuns: { 9001: { status: 'in_progress', conclusion: null, attempt: 1 } } });
    held(await acquire(gh, RUN));
    expect((await acquire(gh, B, minutes(2))).acquired).toBe(false);
    gh.setWorkflowRun(9001, { status: 'completed', conclusion: 'cancelled', attempt: 1 });
    held(await acquire(gh, B, minutes(3)));
  });

  it('lets exactly one of 20 concurrent acquires win, and one of 5 concurrent takeovers', async () => {
    const gh = memory();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acquire(gh, { kind: 'app', id: `r${i}` })),
    );
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const takeovers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => acquire(gh, { kind: 'app', id: `late${i}` }, minutes(61 + i))),
    );
    const winners = takeovers.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    expect(await gh.getRef('proceed/locks/pr-7')).toEqual({ sha: held(winners[0]!).sha });
  });
});

describe('the gate over the memory port', () => {
  it('answers an opened pull request with one review and the proceed/plan and proceed/verify check runs', async () => {
    const gh = memory();
    const result = await handleEvent(
      {
        port: gh,
        botLogin: gh.botLogin,
        planGlobs: ['**/*.plan.yml'],
        policyPath: '.github/proceed.yml',
        log: () => {},
      },
      { kind: 'pull_request', action: 'opened', number: 7, sender: { login: 'alice', type: 'User' } },
    );
    expect(result).toMatchObject({ state: 'proposed', planPath: 'hello.plan.yml', failed: false });
    expect(gh.writes.map((w) => (w.kind === 'check-run' ? `${w.kind} ${w.name}` : w.kind))).toEqual([
      'review',
      'check-run proceed/plan',
      'check-run proceed/verify',
    ]);
    expect(gh.reviews()[0]?.body).toContain('Say hello');
    expect(gh.checkRuns()).toEqual([
      expect.objectContaining({ name: 'proceed/plan', status: 'completed', conclusion: 'success' }),
      expect.objectContaining({ name: 'proceed/verify', status: 'queued', conclusion: null }),
    ]);
  });
});

import { getOctokit } from '@actions/github';
import { describe, expect, it } from 'vitest';
import {
  type Acquired,
  type HeldLock,
  type HolderIdentity,
  type LockHolder,
  acquireLock,
  describeHolder,
  forceReleaseLock,
} from '../../src/gate/lock.js';
import { OctokitPort } from '../../src/github/octokit.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const REF = 'refs/proceed/locks/pr-7';
const T0 = new Date('2025-06-01T12:00:00.000Z');
const HOUR = 3_600_000;
const repo = { owner: 'octo-org', repo: 'widgets' };

const REPLICA_A: HolderIdentity = { kind: 'app', id: 'replica-a' };
const REPLICA_B: HolderIdentity = { kind: 'app', id: 'replica-b' };
const RUN_ID = 9_001;
const RUN: HolderIdentity = {
  kind: 'workflow-run',
  id: String(RUN_ID),
  url: `https://github.com/octo-org/widgets/actions/runs/${RUN_ID}`,
  attempt: 1,
};

// Every test fails on any request GitHub's OpenAPI description would not accept.
const MALLORY_TOKEN = 'ghp_mallory';
const github = useFakeGitHub({ tokens: { [MALLORY_TOKEN]: 'mallory' } });

function seed() {
  github().addPullRequest({ number: 7, user: 'alice', headSha: HEAD, baseSha: BASE });
}

/** Octokit without the throttling plugin, which would space writes apart. */
function octokit() {
  return getOctokit('test-token', { baseUrl: github().url });
}

function port() {
  return new OctokitPort(octokit(), repo.owner, repo.repo);
}

function acquire(holder: HolderIdentity, at: Date = T0, maxAgeMs = HOUR, p = port()): Promise<Acquired> {
  return acquireLock(p, { number: 7, headSha: HEAD, holder, maxAgeMs, now: () => at });
}

function held(result: Acquired): HeldLock {
  if (!result.acquired) throw new Error(`expected the lock, but ${result.holder.id} holds it`);
  return result.lock;
}

function refused(result: Acquired): LockHolder {
  if (result.acquired) throw new Error(`expected a refusal, but ${result.lock.holder.id} took the lock`);
  return result.holder;
}

function lockSha(): string | undefined {
  return github()
    .refs()
    .find((r) => r.ref === REF)?.sha;
}

async function rawCommit(sha: string) {
  const { data } = await octokit().request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
    ...repo,
    commit_sha: sha,
  });
  return data;
}

function minutes(n: number): Date {
  return new Date(T0.getTime() + n * 60_000);
}

describe('acquiring a free lock', () => {
  it('creates refs/proceed/locks/pr-N at a root commit on the head tree whose message names the holder', async () => {
    seed();
    const lock = held(await acquire(RUN));
    const commit = await rawCommit(lock.sha);
    const head = await rawCommit(HEAD);
    expect(lock.ref).toBe(REF);
    expect(lockSha()).toBe(lock.sha);
    expect(JSON.parse(commit.message)).toEqual({
      'proceed-lock': 1,
      pr: 7,
      holder: { ...RUN, at: T0.toISOString(), sha: HEAD },
    });
    expect(commit.tree.sha).toBe(head.tree.sha);
    expect(commit.parents).toEqual([]);
    expect(lock.holder).toMatchObject({ ...RUN, at: T0.toISOString(), sha: HEAD });
  });

  it('refuses with a clear message when the head commit is not in the repository', async () => {
    seed();
    await expect(
      acquireLock(port(), { number: 7, headSha: 'c'.repeat(40), holder: REPLICA_A, maxAgeMs: HOUR }),
    ).rejects.toThrow(/commit c{40} is not in octo-org\/widgets/);
    expect(lockSha()).toBeUndefined();
  });
});

describe('a held lock', () => {
  it('refuses a second acquire and names the first holder', async () => {
    seed();
    const first = held(await acquire(REPLICA_A));
    const second = await acquire(REPLICA_B, minutes(3));
    expect(second).toEqual({ acquired: false, holder: first.holder, ref: REF });
    expect(lockSha()).toBe(first.sha);
  });

  it('is free again after release, and a release twice is harmless', async () => {
    seed();
    const first = held(await acquire(REPLICA_A));
    await first.release();
    await first.release();
    expect(lockSha()).toBeUndefined();
    const second = held(await acquire(REPLICA_B, minutes(1)));
    expect(lockSha()).toBe(second.sha);
  });

  it('is not deleted by a release after someone else took it over', async () => {
    seed();
    const first = held(await acquire(REPLICA_A));
    const takeover = held(await acquire(REPLICA_B, minutes(61)));
    await first.release();
    expect(lockSha()).toBe(takeover.sha);
  });

  it('answers a retried create that reached GitHub the first time as acquired', async () => {
    seed();
    const p = port();
    const createRef = p.createRef.bind(p);
    // The first try lands but its answer is lost; the retry meets our own ref.
    p.createRef = async (ref, sha) => {
      await createRef(ref, sha);
      return createRef(ref, sha);
    };
    const lock = held(await acquire(REPLICA_A, T0, HOUR, p));
    expect(lockSha()).toBe(lock.sha);
  });
});

describe('concurrent acquires', () => {
  it('lets exactly one of 20 concurrent acquires take the lock; the others name the winner', async () => {
    seed();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acquire({ kind: 'app', id: `replica-${i}` })),
    );
    const winners = results.filter((r) => r.acquired);
    const losers = results.filter((r) => !r.acquired);
    expect(winners).toHaveLength(1);
    const winner = held(winners[0] as Acquired);
    expect(lockSha()).toBe(winner.sha);
    expect(new Set(losers.map((r) => refused(r).id))).toEqual(new Set([winner.holder.id]));
  });
});

describe('stale locks', () => {
  it('takes over a holder older than maxAgeMs, with the stale lock commit as parent', async () => {
    seed();
    const stale = held(await acquire(REPLICA_A));
    const next = held(await acquire(REPLICA_B, minutes(61)));
    const commit = await rawCommit(next.sha);
    expect(commit.parents.map((p) => p.sha)).toEqual([stale.sha]);
    expect(lockSha()).toBe(next.sha);
    expect(next.holder).toMatchObject({ id: 'replica-b', at: minutes(61).toISOString() });
  });

  it('takes over a workflow run that has completed', async () => {
    seed();
    github().setWorkflowRun({ id: RUN_ID, status: 'in_progress' });
    const stale = held(await acquire(RUN));
    github().setWorkflowRun({ id: RUN_ID, status: 'completed', conclusion: 'cancelled' });
    const next = held(await acquire(REPLICA_B, minutes(2)));
    expect((await rawCommit(next.sha)).parents.map((p) => p.sha)).toEqual([stale.sha]);
  });

  it('takes over a workflow run GitHub no longer knows', async () => {
    seed();
    held(await acquire(RUN));
    const next = held(await acquire(REPLICA_B, minutes(2)));
    expect(lockSha()).toBe(next.sha);
  });

  it('takes over a workflow run that was re-run: its attempt has ended', async () => {
    seed();
    github().setWorkflowRun({ id: RUN_ID, status: 'in_progress' });
    held(await acquire(RUN));
    github().setWorkflowRun({ id: RUN_ID, status: 'in_progress', runAttempt: 2 });
    const next = held(await acquire({ ...RUN, attempt: 2 }, minutes(2)));
    expect(next.holder).toMatchObject({ id: String(RUN_ID), attempt: 2 });
  });

  it('refuses while the holding workflow run is still running and young', async () => {
    seed();
    github().setWorkflowRun({ id: RUN_ID, status: 'in_progress' });
    const first = held(await acquire(RUN));
    expect(refused(await acquire(REPLICA_B, minutes(30)))).toEqual(first.holder);
    expect(lockSha()).toBe(first.sha);
  });

  it('takes over a workflow run that still runs once it is older than maxAgeMs', async () => {
    seed();
    github().setWorkflowRun({ id: RUN_ID, status: 'in_progress' });
    held(await acquire(RUN));
    expect((await acquire(REPLICA_B, minutes(61))).acquired).toBe(true);
  });

  it('counts a holder whose run cannot be read (no actions permission) by its age alone', async () => {
    seed();
    github().setWorkflowRun({ id: RUN_ID, status: 'completed', conclusion: 'success' });
    held(await acquire(RUN));
    const p = port();
    p.getWorkflowRun = () =>
      Promise.reject(Object.assign(new Error('Resource not accessible by integration'), { status: 403 }));
    expect((await acquire(REPLICA_B, minutes(30), HOUR, p)).acquired).toBe(false);
    expect((await acquire(REPLICA_B, minutes(61), HOUR, p)).acquired).toBe(true);
  });

  it('lets exactly one of two concurrent recoveries of the same stale lock win; the loser names the winner', async () => {
    seed();
    const stale = held(await acquire(REPLICA_A));
    // Hold both compare-and-swaps until both have read the stale holder, so they truly race.
    let arrived = 0;
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
      setTimeout(resolve, 2_000);
    });
    github().hooks.beforeRequest = async ({ operationId }) => {
      if (operationId !== 'git/update-ref') return;
      if (++arrived === 2) open();
      await gate;
    };
    const results = await Promise.all([
      acquire({ kind: 'app', id: 'recoverer-1' }, minutes(61)),
      acquire({ kind: 'app', id: 'recoverer-2' }, minutes(61)),
    ]);
    const winners = results.filter((r) => r.acquired).map(held);
    const losers = results.filter((r) => !r.acquired).map(refused);
    const patches = github().requests.filter((r) => r.operationId === 'git/update-ref');
    expect(arrived).toBe(2);
    expect(patches.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(winners).toHaveLength(1);
    expect(losers).toEqual([winners[0]?.holder]);
    expect(lockSha()).toBe(winners[0]?.sha);
    expect((await rawCommit(winners[0]?.sha ?? '')).parents.map((p) => p.sha)).toEqual([stale.sha]);
  });
});

describe('lock commits proceed did not write', () => {
  async function foreignLock(message: string, token = 'test-token') {
    const client = getOctokit(token, { baseUrl: github().url });
    const head = await rawCommit(HEAD);
    const { data } = await client.request('POST /repos/{owner}/{repo}/git/commits', {
      ...repo,
      message,
      tree: head.tree.sha,
      parents: [],
    });
    await client.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: REF, sha: data.sha });
    return data;
  }

  it('takes over an unparsable lock at once (issue 12, attack 6): nobody but proceed vouches for it', async () => {
    seed();
    const foreign = await foreignLock('locked by hand');
    const next = held(await acquire(REPLICA_B, new Date(Date.parse(foreign.committer.date) + 1_000)));
    expect((await rawCommit(next.sha)).parents.map((p) => p.sha)).toEqual([foreign.sha]);
    expect(lockSha()).toBe(next.sha);
  });

  it('takes over a lock message for another pull request at once', async () => {
    seed();
    const foreign = await foreignLock(
      JSON.stringify({ 'proceed-lock': 1, pr: 8, holder: { ...REPLICA_A, at: T0.toISOString(), sha: HEAD } }),
    );
    const next = held(await acquire(REPLICA_B, new Date(Date.parse(foreign.committer.date) + 1_000)));
    expect(lockSha()).toBe(next.sha);
  });

  it.each([
    ['taken in 2999', { ...REPLICA_A, at: '2999-01-01T00:00:00.000Z', sha: HEAD }],
    [
      'beating in 2999',
      { ...REPLICA_A, heartbeatMs: 1_000, at: T0.toISOString(), beat: '2999-01-01T00:00:00.000Z', sha: HEAD },
    ],
    [
      'held by a workflow run with no run id',
      { kind: 'workflow-run', id: 'forever', at: T0.toISOString(), sha: HEAD },
    ],
  ])('takes over a hand-made lock %s', async (_what, holder) => {
    seed();
    await foreignLock(JSON.stringify({ 'proceed-lock': 1, pr: 7, holder }));
    expect((await acquire(REPLICA_B, minutes(1))).acquired).toBe(true);
  });

  it('takes over a believable lock whose commit someone else made with their own token', async () => {
    seed();
    // A lock message exactly as proceed writes it, fresh and beating, but committed as mallory.
    const message = JSON.stringify({
      'proceed-lock': 1,
      pr: 7,
      holder: { ...REPLICA_A, heartbeatMs: 30_000, at: T0.toISOString(), sha: HEAD },
    });
    const planted = await foreignLock(message, MALLORY_TOKEN);
    expect(planted.committer.name).toBe('mallory');
    const next = held(await acquire(REPLICA_B, minutes(0)));
    expect((await rawCommit(next.sha)).parents.map((p) => p.sha)).toEqual([planted.sha]);
    expect(lockSha()).toBe(next.sha);
  });

  it('respects the same lock when the bot made it with its own token', async () => {
    seed();
    const message = JSON.stringify({
      'proceed-lock': 1,
      pr: 7,
      holder: { ...REPLICA_A, heartbeatMs: 30_000, at: T0.toISOString(), sha: HEAD },
    });
    await foreignLock(message);
    expect(refused(await acquire(REPLICA_B, minutes(0))).id).toBe('replica-a');
  });

  it('still respects a believable holder minutes ahead of our clock (skew)', async () => {
    seed();
    await foreignLock(
      JSON.stringify({
        'proceed-lock': 1,
        pr: 7,
        holder: { ...REPLICA_A, at: minutes(3).toISOString(), sha: HEAD },
      }),
    );
    expect(refused(await acquire(REPLICA_B, minutes(1))).id).toBe('replica-a');
  });
});

describe('forceReleaseLock', () => {
  it('frees a lock whoever holds it, so the next acquire succeeds', async () => {
    seed();
    github().setWorkflowRun({ id: RUN_ID, status: 'in_progress' });
    held(await acquire(RUN));
    await forceReleaseLock(port(), 7);
    expect(lockSha()).toBeUndefined();
    expect((await acquire(REPLICA_B, minutes(1))).acquired).toBe(true);
  });

  it('does nothing on a pull request without a lock', async () => {
    seed();
    await forceReleaseLock(port(), 7);
    expect(lockSha()).toBeUndefined();
  });
});

describe('heartbeats (app instances)', () => {
  const BEATING: HolderIdentity = { kind: 'app', id: 'replica-a', heartbeatMs: 30_000 };

  function clock(start: Date) {
    let t = start.getTime();
    return { now: () => new Date(t), set: (d: Date) => (t = d.getTime()) };
  }

  it('moves the ref on to a child lock commit that keeps when it was taken and says when it beat', async () => {
    seed();
    const c = clock(T0);
    const lock = held(
      await acquireLock(port(), { number: 7, headSha: HEAD, holder: BEATING, maxAgeMs: HOUR, now: c.now }),
    );
    const first = lock.sha;
    c.set(minutes(1));
    expect(await lock.beat()).toBe('kept');
    expect(lock.sha).not.toBe(first);
    expect(lockSha()).toBe(lock.sha);
    const commit = await rawCommit(lock.sha);
    expect(commit.parents.map((p) => p.sha)).toEqual([first]);
    expect(JSON.parse(commit.message)).toMatchObject({
      holder: { id: 'replica-a', heartbeatMs: 30_000, at: T0.toISOString(), beat: minutes(1).toISOString() },
    });
    await lock.release();
    expect(lockSha()).toBeUndefined();
  });

  it('is not stale while it beats, and stale once four beats are missed', async () => {
    seed();
    const c = clock(T0);
    const lock = held(
      await acquireLock(port(), { number: 7, headSha: HEAD, holder: BEATING, maxAgeMs: HOUR, now: c.now }),
    );
    c.set(minutes(10));
    await lock.beat();
    // Ten minutes after it was taken, but seen just now: alive.
    const holder = refused(await acquire(REPLICA_B, minutes(11)));
    expect(holder.beat).toBe(minutes(10).toISOString());
    // Two minutes without a beat (4 × 30 s) is not yet over the line; a moment later it is.
    expect((await acquire(REPLICA_B, minutes(12))).acquired).toBe(false);
    const next = held(await acquire(REPLICA_B, new Date(minutes(12).getTime() + 1)));
    expect((await rawCommit(next.sha)).parents.map((p) => p.sha)).toEqual([lock.sha]);
  });

  it('a holder without heartbeats is judged by its age alone', async () => {
    seed();
    held(await acquire(REPLICA_A));
    expect((await acquire(REPLICA_B, minutes(30))).acquired).toBe(false);
  });

  it('a beat after a takeover says lost, leaves the new holder alone, and release does not delete it', async () => {
    seed();
    const c = clock(T0);
    const lock = held(
      await acquireLock(port(), { number: 7, headSha: HEAD, holder: BEATING, maxAgeMs: HOUR, now: c.now }),
    );
    const next = held(await acquire(REPLICA_B, minutes(5)));
    c.set(minutes(5));
    expect(await lock.beat()).toBe('lost');
    expect(await lock.beat()).toBe('lost');
    await lock.release();
    expect(lockSha()).toBe(next.sha);
  });

  it('a beat whose answer was lost after GitHub moved the ref still counts as kept', async () => {
    seed();
    const c = clock(T0);
    const p = port();
    const lock = held(
      await acquireLock(p, { number: 7, headSha: HEAD, holder: BEATING, maxAgeMs: HOUR, now: c.now }),
    );
    // The first try moved the ref; its answer was lost, and the retry is told "not a fast-forward".
    const update = p.updateRef.bind(p);
    p.updateRef = async (ref, sha, force) => {
      await update(ref, sha, force);
      return 'conflict';
    };
    c.set(minutes(1));
    expect(await lock.beat()).toBe('kept');
    expect(lockSha()).toBe(lock.sha);
  });

  it('names when the holder was last seen and when it counts as ended', () => {
    const beat = { ...BEATING, at: T0.toISOString(), beat: minutes(3).toISOString(), sha: HEAD };
    expect(describeHolder(beat, new Date(minutes(3).getTime() + 40_000))).toBe(
      'app instance replica-a, taken 3m40s ago for aaaaaaa; last seen 40s ago, and counted as ended once not seen for 2m',
    );
  });
});

describe('describeHolder', () => {
  const base = { at: T0.toISOString(), sha: HEAD };

  it('names a workflow run with its link, the age and the commit', () => {
    expect(describeHolder({ ...RUN, ...base }, minutes(3))).toBe(
      `workflow run ${RUN_ID} (https://github.com/octo-org/widgets/actions/runs/${RUN_ID}), taken 3m ago for aaaaaaa`,
    );
  });

  it('names a later attempt of a workflow run', () => {
    expect(describeHolder({ kind: 'workflow-run', id: '42', attempt: 2, ...base }, minutes(62))).toBe(
      'workflow run 42 (attempt 2), taken 1h2m ago for aaaaaaa',
    );
  });

  it('names an app instance', () => {
    expect(describeHolder({ ...REPLICA_A, ...base }, new Date(T0.getTime() + 45_500))).toBe(
      'app instance replica-a, taken 45s ago for aaaaaaa',
    );
  });

  it('says "just now" under a second and gives the time when the clocks disagree', () => {
    expect(describeHolder({ ...REPLICA_A, ...base }, T0)).toBe(
      'app instance replica-a, taken just now for aaaaaaa',
    );
    expect(describeHolder({ ...REPLICA_A, ...base }, minutes(-1))).toBe(
      `app instance replica-a, taken at ${T0.toISOString()} for aaaaaaa`,
    );
  });

  it('names an unrecognised lock by its commit', () => {
    expect(describeHolder({ kind: 'unknown', id: 'f'.repeat(40), at: base.at, sha: '' }, minutes(5))).toBe(
      'an unrecognised lock (commit fffffff), taken 5m ago',
    );
  });
});

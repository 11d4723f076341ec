/**
 * Pacing from GitHub's limits (src/github/client.ts): writes are spent from a budget, a burst then a
 * steady rate that keeps each minute within 80 content-creating requests; a secondary limit empties
 * the budget. And the fake that counts content-creating requests and answers past its limits.
 * Nothing here measures time: budgets are read from Bottleneck, the fake's clock is the test's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_BUDGET, NOTIFY_BUDGET, createOctokit, pacing } from '../../src/github/client.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github/index.js';

const HEAD = '4'.repeat(40);
const BASE = '5'.repeat(40);
const repo = { owner: 'octo-org', repo: 'widgets' };

let fake: FakeGitHub;
let clock = Date.parse('2026-01-01T00:00:00Z');

beforeEach(async () => {
  fake = await startFakeGitHub({ now: () => new Date(clock) });
  fake.addPullRequest({
    number: 7,
    user: 'alice',
    headSha: HEAD,
    baseSha: BASE,
    files: [{ filename: 'x.plan.yml', status: 'added', content: 'version: 1\n' }],
  });
});

afterEach(async () => {
  fake.assertNoViolations();
  await fake.close();
});

const checkRun = (name: string) =>
  fetch(`${fake.url}/repos/${repo.owner}/${repo.repo}/check-runs`, {
    method: 'POST',
    headers: { authorization: 'token t', 'content-type': 'application/json' },
    body: JSON.stringify({ name, head_sha: HEAD }),
  });

describe('the budget of writes', () => {
  it('keeps every minute and every hour within GitHub’s limits, with a burst below them', () => {
    for (const b of [CONTENT_BUDGET, NOTIFY_BUDGET]) {
      // A bucket of `burst` refilled at (limit − burst) per window lets at most `limit` through in any window.
      expect(b.burst).toBeGreaterThan(0);
      expect(b.burst).toBeLessThan(b.perMinute);
      expect(b.hourBurst).toBeLessThan(b.perHour);
      expect(b.perMinute * 60).toBeGreaterThanOrEqual(b.perHour);
    }
    expect(CONTENT_BUDGET).toMatchObject({ perMinute: 80, perHour: 500 });
    expect(NOTIFY_BUDGET.perMinute).toBeLessThan(CONTENT_BUDGET.perMinute);
  });

  it('lets the burst through at once, then holds the next write until a token is due', async () => {
    // Refilled once a minute: within the test, only the burst is there.
    const pace = pacing({ content: { perMinute: 4, perHour: 200, burst: 3, hourBurst: 100 } });
    const limiter = pace.write.key('proceed');
    const done: number[] = [];
    const jobs = [1, 2, 3, 4].map((n) => limiter.schedule(async () => done.push(n)));
    await Promise.all(jobs.slice(0, 3));
    expect(done).toEqual([1, 2, 3]);
    expect(await limiter.currentReservoir()).toBe(0);
    expect(limiter.counts().QUEUED).toBe(1);
    await limiter.incrementReservoir(1);
    await jobs[3];
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('says when a write would leave tokens for the writes somebody waits for', async () => {
    const pace = pacing({ content: { perMinute: 4, perHour: 200, burst: 3, hourBurst: 100 } });
    // No write yet: the whole burst is there.
    await pace.roomFor(1);
    const limiter = pace.write.key('proceed');
    await limiter.schedule(async () => undefined);
    await pace.roomFor(1);
    await limiter.schedule(async () => undefined);
    let room = false;
    const waiting = pace.roomFor(1).then(() => (room = true));
    await limiter.schedule({ weight: 0 }, async () => undefined);
    expect(room).toBe(false);
    await limiter.incrementReservoir(1);
    await waiting;
    expect(await limiter.currentReservoir()).toBe(2);
  });

  it('spends notifying writes from their own, smaller budget as well', async () => {
    const pace = pacing({ notify: { perMinute: 2, perHour: 100, burst: 1, hourBurst: 50 } });
    const limiter = pace.notifications.key('proceed');
    await limiter.schedule(async () => undefined);
    expect(await limiter.currentReservoir()).toBe(0);
    expect(await pace.write.key('proceed').currentReservoir()).toBe(CONTENT_BUDGET.burst);
  });

  it('waits out a secondary limit as retry-after says, and empties the budget so the writes after it slow down', async () => {
    fake.secondaryLimits({ perMinute: 2, retryAfterSeconds: 1 });
    const logged: string[] = [];
    const pace = pacing();
    const octokit = createOctokit({
      token: 't',
      baseUrl: fake.url,
      pacing: pace,
      // The fake's minute passes while the client waits (its clock is the test's).
      log: (line) => {
        logged.push(line);
        clock += 61_000;
      },
    });
    for (const name of ['a', 'b', 'c'])
      await octokit.request('POST /repos/{owner}/{repo}/check-runs', { ...repo, name, head_sha: HEAD });
    expect(fake.checkRuns(HEAD).map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(fake.requests.filter((r) => r.limited)).toHaveLength(1);
    expect(logged).toEqual([
      expect.stringMatching(/^Secondary rate limit on POST .*check-runs; retrying in 1s, and slowing/),
    ]);
    expect(await pace.write.key('no-id').currentReservoir()).toBe(0);
  });
});

describe('the fake’s secondary limits', () => {
  it('counts content-creating requests per minute, and answers those past the limit with a 403 and retry-after', async () => {
    fake.secondaryLimits({ perMinute: 3, retryAfterSeconds: 7 });
    for (const name of ['a', 'b', 'c']) expect((await checkRun(name)).status).toBe(201);
    const refused = await checkRun('d');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(((await refused.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect(fake.checkRuns(HEAD)).toHaveLength(3);
    // Reads are not content-creating.
    const read = await fetch(`${fake.url}/repos/${repo.owner}/${repo.repo}/pulls/7`, {
      headers: { authorization: 'token t' },
    });
    expect(read.status).toBe(200);
    clock += 60_000;
    expect((await checkRun('d')).status).toBe(201);
    expect(fake.contentPerMinute()).toEqual({ max: 3, total: 4 });
  });

  it('counts without refusing unless asked, and also holds an hour’s limit', async () => {
    for (const name of ['a', 'b', 'c']) {
      expect((await checkRun(name)).status).toBe(201);
      clock += 30_000;
    }
    expect(fake.contentPerMinute()).toEqual({ max: 2, total: 3 });
    fake.secondaryLimits({ perHour: 3 });
    expect((await checkRun('d')).status).toBe(403);
    fake.secondaryLimits(null);
    expect((await checkRun('d')).status).toBe(201);
  });
});

import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../../../test/support/fake-github/index.js';
import { FaultPlan } from './faults.js';

const HEAD = '4'.repeat(40);
const BASE = '5'.repeat(40);
const repo = { owner: 'octo-org', repo: 'widgets' };

let fake: FakeGitHub;

beforeEach(async () => {
  fake = await startFakeGitHub();
  seed(fake);
});

afterEach(async () => {
  await fake.close();
});

function seed(f: FakeGitHub) {
  f.addPullRequest({
    number: 7,
    user: 'alice',
    headSha: HEAD,
    baseSha: BASE,
    files: [{ filename: 'x.plan.yml', status: 'added', content: 'version: 1\n' }],
  });
}

function plain(f: FakeGitHub = fake) {
  return new Octokit({ auth: 'test-token', baseUrl: f.url });
}

/** Octokit as the product builds it (retry + throttling), with waits scaled down to milliseconds. */
function resilient() {
  const Resilient = Octokit.plugin(retry, throttling);
  return new Resilient({
    auth: 'test-token',
    baseUrl: fake.url,
    retry: { retries: 8, retryAfterBaseValue: 1 },
    throttle: {
      retryAfterBaseValue: 5,
      onRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 8,
      onSecondaryRateLimit: (_after: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < 8,
      // The default groups space writes 1 s (notifications 3 s) apart; tests cannot wait that long.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
    },
  });
}

async function outcome(
  p: Promise<unknown>,
): Promise<{ status: number; headers?: Record<string, string>; message?: string }> {
  try {
    const res = (await p) as { status: number };
    return { status: res.status };
  } catch (err) {
    const e = err as { status: number; message: string; response?: { headers: Record<string, string> } };
    return { status: e.status, message: e.message, ...(e.response ? { headers: e.response.headers } : {}) };
  }
}

describe('fault kinds answer as GitHub does', () => {
  it('answers a secondary rate limit with 403, retry-after and GitHub’s message', async () => {
    fake.faults({ rate: 1, kinds: ['secondary-rate-limit'], limit: 1 });
    const first = await outcome(
      plain().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 7 }),
    );
    const second = await outcome(
      plain().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 7 }),
    );
    expect(first.status).toBe(403);
    expect(first.headers?.['retry-after']).toBe('1');
    expect(first.message).toMatch(/You have exceeded a secondary rate limit/);
    expect(second.status).toBe(200);
  });

  it('answers a primary rate limit with 403 and x-ratelimit-remaining: 0', async () => {
    fake.faults({ rate: 1, kinds: ['rate-limit'], limit: 1 });
    const res = await outcome(plain().request('GET /repos/{owner}/{repo}', repo));
    expect(res.status).toBe(403);
    expect(res.headers?.['x-ratelimit-remaining']).toBe('0');
  });

  it('holds a timed-out request for the configured time, then answers 504', async () => {
    fake.faults({ rate: 1, kinds: ['timeout'], timeoutMs: 150, limit: 1 });
    const started = Date.now();
    const res = await outcome(plain().request('GET /repos/{owner}/{repo}', repo));
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 500 and 502, and drops the connection for a reset', async () => {
    fake.faults({ rate: 1, kinds: ['500'], limit: 1 });
    const a = await outcome(plain().request('GET /repos/{owner}/{repo}', repo));
    fake.faults({ rate: 1, kinds: ['502'], limit: 1 });
    const b = await outcome(plain().request('GET /repos/{owner}/{repo}', repo));
    fake.faults({ rate: 1, kinds: ['connection-reset'], limit: 1 });
    const c = await outcome(plain().request('GET /repos/{owner}/{repo}', repo));
    expect([a.status, b.status]).toEqual([500, 502]);
    expect(c.message).toMatch(/fetch failed|socket|other side closed/i);
  });
});

describe('a faulted request changes nothing', () => {
  it('does not store a comment whose request was answered 500', async () => {
    fake.faults({ rate: 1, kinds: ['500'], match: (r) => r.operationId === 'issues/create-comment' });
    const res = await outcome(
      plain().request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 7,
        body: 'hi',
      }),
    );
    expect(res.status).toBe(500);
    expect(fake.comments(7)).toEqual([]);
    expect(fake.writes()).toEqual([]);
    expect(fake.requests.map((r) => r.fault)).toEqual(['500']);
  });

  it('faults only the requests `match` selects, and none after faults(null)', async () => {
    fake.faults({ rate: 1, kinds: ['500'], match: (r) => r.method === 'POST' });
    const get = await outcome(plain().request('GET /repos/{owner}/{repo}', repo));
    const post = await outcome(
      plain().request('POST /repos/{owner}/{repo}/git/refs', {
        ...repo,
        ref: 'refs/proceed/lock/7',
        sha: HEAD,
      }),
    );
    fake.faults(null);
    const again = await outcome(
      plain().request('POST /repos/{owner}/{repo}/git/refs', {
        ...repo,
        ref: 'refs/proceed/lock/7',
        sha: HEAD,
      }),
    );
    expect([get.status, post.status, again.status]).toEqual([200, 500, 201]);
  });
});

describe('faults are reproducible from the seed', () => {
  async function statuses(seedValue: number): Promise<number[]> {
    const f = await startFakeGitHub();
    try {
      seed(f);
      f.faults({ rate: 0.4, kinds: ['500', '502'], seed: seedValue });
      const out: number[] = [];
      for (let i = 0; i < 20; i++)
        out.push((await outcome(plain(f).request('GET /repos/{owner}/{repo}', repo))).status);
      return out;
    } finally {
      await f.close();
    }
  }

  it('faults the same requests for the same seed and others for another seed', async () => {
    const first = await statuses(42);
    const again = await statuses(42);
    const other = await statuses(7);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(0);
  });

  it('draws each request by its method, path and how many came before it, not by how paths interleave', () => {
    const draw = (order: string[]) => {
      const p = new FaultPlan({ rate: 0.5, kinds: ['500'], seed: 3 });
      const got = new Map<string, (string | undefined)[]>();
      for (const path of order)
        got.set(path, [...(got.get(path) ?? []), p.pick({ method: 'GET', path, operationId: 'x' })]);
      return got;
    };
    const a = draw(['/a', '/b', '/a', '/b', '/a', '/b']);
    const b = draw(['/b', '/b', '/b', '/a', '/a', '/a']);
    expect(b.get('/a')).toEqual(a.get('/a'));
    expect(b.get('/b')).toEqual(a.get('/b'));
  });

  it('faults one method and path at most maxConsecutive times in a row', () => {
    const p = new FaultPlan({ rate: 1, kinds: ['500'], maxConsecutive: 2 });
    const picks = Array.from({ length: 6 }, () => p.pick({ method: 'GET', path: '/a', operationId: 'x' }));
    expect(picks).toEqual(['500', '500', undefined, '500', '500', undefined]);
  });

  it('refuses a rate outside [0, 1]', () => {
    expect(() => fake.faults({ rate: 1.5 })).toThrow(/within \[0, 1\]/);
  });
});

describe('a client with plugin-retry and plugin-throttling gets through 30% faults', () => {
  it('completes a whole review flow, each write applied exactly once', async () => {
    const plan = fake.faults({
      rate: 0.3,
      kinds: ['500', '502', 'secondary-rate-limit', 'rate-limit', 'timeout', 'connection-reset'],
      seed: 3,
      timeoutMs: 20,
      maxConsecutive: 2,
    });
    const octokit = resilient();
    const pr = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 7,
    });
    await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', { ...repo, pull_number: 7 });
    await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: 'x.plan.yml',
      ref: pr.data.head.sha,
    });
    await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/lock/7',
      sha: HEAD,
    });
    const review = await octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 7,
      event: 'COMMENT',
      body: 'plan',
    });
    const run = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'proceed/verify',
      head_sha: HEAD,
      status: 'in_progress',
    });
    await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: run.data.id,
      conclusion: 'success',
    });
    await octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}', {
      ...repo,
      pull_number: 7,
      review_id: Number(review.data.id),
      body: 'plan: verified',
    });
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'Done',
    });
    await octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'proceed/lock/7' });

    const injected = fake.requests.flatMap((r) => (r.fault ? [r.fault] : []));
    expect(plan?.count).toBeGreaterThanOrEqual(5);
    expect(new Set(injected).size).toBeGreaterThanOrEqual(4);
    expect(fake.reviews(7).map((r) => r.body)).toEqual(['plan: verified']);
    expect(fake.checkRuns(HEAD).map((c) => c.conclusion)).toEqual(['success']);
    expect(fake.comments(7).map((c) => c.body)).toEqual(['Done']);
    expect(fake.refs().map((r) => r.ref)).not.toContain('refs/proceed/lock/7');
    expect(fake.violations).toEqual([]);
  });
});

import { Octokit } from '@octokit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { implementedOperations } from '../../../test/support/fake-github/endpoints.js';
import { type FakeGitHub, startFakeGitHub } from '../../../test/support/fake-github/index.js';
import { operationIds } from '../../../test/support/fake-github/openapi.js';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const repo = { owner: 'octo-org', repo: 'widgets' };

let fake: FakeGitHub;
let octokit: Octokit;

beforeEach(async () => {
  fake = await startFakeGitHub({ validateResponses: true });
  fake.addPullRequest({ number: 7, user: 'alice', headSha: HEAD, baseSha: BASE });
  octokit = new Octokit({ auth: 'test-token', baseUrl: fake.url });
});

afterEach(async () => {
  await fake.close();
});

/** The status and body of a request that is expected to fail. */
async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; data: { message?: string; errors?: unknown[] } }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; response?: { data: { message?: string } } };
    return { status: e.status, data: e.response?.data ?? {} };
  }
  throw new Error('expected the request to fail');
}

function reasons(): string[] {
  return fake.violations.map((v) => v.reason);
}

describe('routing: every request must name an operation of GitHub’s description', () => {
  it('answers an unknown endpoint with 404 and records a violation', async () => {
    const { status } = await failure(octokit.request('GET /repos/{owner}/{repo}/plans', repo));
    expect(status).toBe(404);
    expect(fake.violations).toEqual([
      {
        method: 'GET',
        path: '/repos/octo-org/widgets/plans',
        reason: expect.stringContaining('no operation'),
      },
    ]);
  });

  it('answers a method the path does not support with 404 and names the methods it has', async () => {
    const { status } = await failure(
      octokit.request('DELETE /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 7 }),
    );
    expect(status).toBe(404);
    expect(reasons()).toEqual([expect.stringMatching(/DELETE is not an operation .* \(it has GET, PATCH\)/)]);
  });

  it('answers a path parameter of the wrong type with 404 and a violation', async () => {
    const { status } = await failure(octokit.request('GET /repos/octo-org/widgets/pulls/seven'));
    expect(status).toBe(404);
    expect(reasons()).toEqual(['path/pull_number must be integer']);
  });

  it('answers a valid operation the fake does not implement with 501 and a violation', async () => {
    const { status } = await failure(octokit.request('GET /repos/{owner}/{repo}/branches', repo));
    expect(status).toBe(501);
    expect(reasons()).toEqual([
      expect.stringContaining(
        'repos/list-branches (GET /repos/{owner}/{repo}/branches) is not implemented in the fake',
      ),
    ]);
  });

  it('implements only operations that exist in the description', () => {
    const known = operationIds();
    expect(implementedOperations.filter((id) => !known.has(id))).toEqual([]);
    expect(implementedOperations.length).toBeGreaterThan(30);
  });

  it('routes multi-segment refs whether or not their slashes are encoded', async () => {
    fake.setRef('refs/heads/feature/x', HEAD);
    const encoded = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      ...repo,
      ref: 'heads/feature/x',
    });
    const raw = await octokit.request('GET /repos/octo-org/widgets/git/ref/heads/feature/x');
    expect(encoded.data.object.sha).toBe(HEAD);
    expect(raw.data.ref).toBe('refs/heads/feature/x');
    expect(fake.violations).toEqual([]);
  });
});

describe('request bodies must validate against the operation’s requestBody schema', () => {
  it('rejects a missing required field with 422 and GitHub’s wording', async () => {
    const { status, data } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', { ...repo, name: 'proceed/plan' } as never),
    );
    expect(status).toBe(422);
    expect(data.message).toContain(`"head_sha" wasn't supplied.`);
    expect(reasons()).toEqual(['body: required property "head_sha" is missing']);
    expect(fake.checkRuns()).toEqual([]);
  });

  it('rejects a field of the wrong type with 422', async () => {
    const { status } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 7,
        body: 42,
      } as never),
    );
    expect(status).toBe(422);
    expect(reasons()).toEqual(['body/body must be string']);
    expect(fake.comments(7)).toEqual([]);
  });

  it('rejects a value outside the enum with 422 and lists the allowed values', async () => {
    const { status } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...repo,
        pull_number: 7,
        event: 'LGTM',
        body: 'x',
      } as never),
    );
    expect(status).toBe(422);
    expect(reasons()).toEqual(['body/event must be one of: "APPROVE", "REQUEST_CHANGES", "COMMENT"']);
  });

  it('rejects a missing required body with 422', async () => {
    const { status } = await failure(octokit.request('POST /repos/{owner}/{repo}/git/refs', repo as never));
    expect(status).toBe(422);
    expect(reasons()).toEqual(['body: required request body is missing']);
  });

  it('accepts null where the description marks a field nullable (OpenAPI 3.0 `nullable`)', async () => {
    const { status } = await octokit.request('POST /repos/{owner}/{repo}/git/trees', {
      ...repo,
      base_tree: undefined,
      tree: [{ path: 'gone.txt', mode: '100644', type: 'blob', sha: null }],
    });
    expect(status).toBe(201);
    expect(fake.violations).toEqual([]);
  });

  it('rejects a body that is not JSON with 400', async () => {
    const res = await fetch(`${fake.url}/repos/octo-org/widgets/issues/7/comments`, {
      method: 'POST',
      headers: { authorization: 'token t', 'content-type': 'application/json' },
      body: '{"body":',
    });
    expect(res.status).toBe(400);
    expect(reasons()).toEqual(['request body is not JSON']);
  });

  it('records an undeclared body field (GitHub ignores it, so it is likely a typo) but applies the request', async () => {
    const { status } = await octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 7,
      event: 'COMMENT',
      body: 'plan',
      commitId: HEAD,
    } as never);
    expect(status).toBe(200);
    expect(reasons()).toEqual([
      expect.stringContaining('body field "commitId" is not declared by pulls/create-review'),
    ]);
    expect(fake.reviews(7)).toHaveLength(1);
  });

  it('records an undeclared query parameter but answers the request', async () => {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: HEAD,
      checkName: 'x',
    } as never);
    expect(data.total_count).toBe(0);
    expect(reasons()).toEqual([
      expect.stringContaining('query parameter "checkName" is not declared by checks/list-for-ref'),
    ]);
  });

  it('rejects a query parameter of the wrong type with 422', async () => {
    const { status } = await failure(
      octokit.request('GET /repos/octo-org/widgets/pulls/7/files?per_page=many'),
    );
    expect(status).toBe(422);
    expect(reasons()).toEqual(['query/per_page must be integer']);
  });

  it('rejects a check run completed without a conclusion', async () => {
    const { status } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'proceed/plan',
        head_sha: HEAD,
        status: 'completed',
      }),
    );
    expect(status).toBe(422);
    expect(reasons()).toEqual(['a check run with status "completed" needs a conclusion']);
  });

  it('rejects a COMMENT review without a body', async () => {
    const { status } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...repo,
        pull_number: 7,
        event: 'COMMENT',
      }),
    );
    expect(status).toBe(422);
    expect(reasons()).toEqual(['a COMMENT review needs a body']);
  });

  it('rejects a ref name that is not fully qualified', async () => {
    const { status, data } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'heads/lock', sha: HEAD }),
    );
    expect(status).toBe(422);
    expect(data.message).toContain("must start with 'refs/'");
    expect(reasons()).toEqual([expect.stringContaining('is not fully qualified')]);
  });
});

describe('limits GitHub enforces that the description does not state', () => {
  it('rejects a 70,000-character issue comment with 422 and stores nothing', async () => {
    const { status, data } = await failure(
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 7,
        body: 'x'.repeat(70_000),
      }),
    );
    expect(status).toBe(422);
    expect(data.errors).toEqual([
      expect.objectContaining({ field: 'body', message: 'body is too long (maximum is 65536 characters)' }),
    ]);
    expect(reasons()).toEqual(['body is 70000 characters; GitHub accepts at most 65536']);
    expect(fake.comments(7)).toEqual([]);
  });

  it('accepts a comment of exactly 65,536 characters', async () => {
    const { status } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'x'.repeat(65_536),
    });
    expect(status).toBe(201);
    expect(fake.violations).toEqual([]);
  });

  it('rejects an over-long edit of a comment and keeps the old body', async () => {
    const { data } = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'short',
    });
    const { status } = await failure(
      octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        ...repo,
        comment_id: data.id,
        body: 'y'.repeat(65_537),
      }),
    );
    expect(status).toBe(422);
    expect(fake.comments(7).map((c) => c.body)).toEqual(['short']);
  });

  it('rejects an over-long review body on create and on update', async () => {
    const created = await failure(
      octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...repo,
        pull_number: 7,
        event: 'COMMENT',
        body: 'r'.repeat(65_537),
      }),
    );
    const { data } = await octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 7,
      event: 'COMMENT',
      body: 'plan',
    });
    const updated = await failure(
      octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}', {
        ...repo,
        pull_number: 7,
        review_id: Number(data.id),
        body: 'r'.repeat(65_537),
      }),
    );
    expect([created.status, updated.status]).toEqual([422, 422]);
    expect(fake.violations).toHaveLength(2);
    expect(fake.reviews(7).map((r) => r.body)).toEqual(['plan']);
  });

  it('rejects a check run summary or text over 65,535 characters', async () => {
    const long = 's'.repeat(65_536);
    const summary = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'a',
        head_sha: HEAD,
        output: { title: 't', summary: long },
      }),
    );
    const text = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'a',
        head_sha: HEAD,
        output: { title: 't', summary: 's', text: long },
      }),
    );
    expect([summary.status, text.status]).toEqual([422, 422]);
    expect(fake.violations).toHaveLength(2);
    expect(fake.checkRuns()).toEqual([]);
  });

  it('rejects more than 50 annotations in one request and accepts 50', async () => {
    const annotation = {
      path: 'x.plan.yml',
      start_line: 1,
      end_line: 1,
      annotation_level: 'warning' as const,
      message: 'm',
    };
    const over = await failure(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name: 'proceed/plan',
        head_sha: HEAD,
        output: { title: 't', summary: 's', annotations: Array(51).fill(annotation) },
      }),
    );
    expect(over.status).toBe(422);
    expect(fake.violations).toHaveLength(1);
    const { status } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'proceed/plan',
      head_sha: HEAD,
      output: { title: 't', summary: 's', annotations: Array(50).fill(annotation) },
    });
    expect(status).toBe(201);
    expect(fake.violations).toHaveLength(1);
  });
});

describe('authentication and identity', () => {
  it('answers a request without an authorization header with 401 and a violation', async () => {
    const res = await fetch(`${fake.url}/repos/octo-org/widgets/pulls/7`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe('Requires authentication');
    expect(reasons()).toEqual(['no authorization header']);
  });

  it('attributes writes to the actor the token maps to', async () => {
    await fake.close();
    fake = await startFakeGitHub({ tokens: { 'bob-token': 'bob' } });
    fake.addPullRequest({ number: 7, user: 'alice', headSha: HEAD, baseSha: BASE });
    const asBob = new Octokit({ auth: 'bob-token', baseUrl: fake.url });
    const asBot = new Octokit({ auth: 'other', baseUrl: fake.url });
    await asBob.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'hi',
    });
    await asBot.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'bot',
    });
    expect(fake.comments(7).map((c) => c.user)).toEqual(['bob', 'github-actions[bot]']);
  });

  it('refuses to let one actor edit another’s review (403, a violation)', async () => {
    const review = fake.addReview(7, { user: 'bob', state: 'COMMENTED', body: 'looks fine' });
    const { status } = await failure(
      octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}', {
        ...repo,
        pull_number: 7,
        review_id: review.id,
        body: 'mine now',
      }),
    );
    expect(status).toBe(403);
    expect(reasons()).toEqual(["github-actions[bot] cannot edit bob's review"]);
    expect(fake.reviews(7)[0]?.body).toBe('looks fine');
  });
});

describe('assertNoViolations', () => {
  it('passes when every request was valid', async () => {
    await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 7 });
    expect(() => fake.assertNoViolations()).not.toThrow();
  });

  it('throws listing each violation with method, path and reason', async () => {
    await failure(octokit.request('GET /repos/{owner}/{repo}/plans', repo));
    expect(() => fake.assertNoViolations()).toThrow(
      /1 request\(s\)[\s\S]*GET \/repos\/octo-org\/widgets\/plans: no operation/,
    );
  });
});

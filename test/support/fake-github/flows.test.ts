import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { describe, expect, it } from 'vitest';
import { blobSha } from '../../../test/support/fake-github/model.js';
import { useFakeGitHub } from '../../../test/support/fake-github/use-fake-github.js';

const HEAD = '1'.repeat(40);
const BASE = '2'.repeat(40);
const NEXT = '3'.repeat(40);
const repo = { owner: 'octo-org', repo: 'widgets' };
const PaginatingOctokit = Octokit.plugin(paginateRest);

// Every test here also holds the fake's answers to GitHub's response schemas, and fails on any violation.
const github = useFakeGitHub({ validateResponses: true });

function client() {
  return new PaginatingOctokit({ auth: 'test-token', baseUrl: github().url });
}

function seedPullRequest(
  extra: {
    files?: { filename: string; status?: 'added' | 'modified'; content?: string }[];
    fork?: boolean;
  } = {},
) {
  return github().addPullRequest({
    number: 7,
    user: 'alice',
    headSha: HEAD,
    baseSha: BASE,
    headRef: 'feature',
    ...extra,
  });
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    const res = (await p) as { status: number };
    return res.status;
  } catch (err) {
    return (err as { status: number }).status;
  }
}

describe('pull requests', () => {
  it('serves a seeded pull request with its head, base and author', async () => {
    seedPullRequest();
    const { data } = await client().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 7,
    });
    expect(data).toMatchObject({
      number: 7,
      state: 'open',
      user: { login: 'alice' },
      head: { sha: HEAD, ref: 'feature', repo: { full_name: 'octo-org/widgets' } },
      base: { sha: BASE, ref: 'main' },
      html_url: 'https://github.com/octo-org/widgets/pull/7',
    });
  });

  it('names the fork as the head repository of a pull request from a fork', async () => {
    seedPullRequest({ fork: true });
    const { data } = await client().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 7,
    });
    expect(data.head.repo).toMatchObject({ full_name: 'alice/widgets', fork: true });
    expect(data.head.label).toBe('alice:feature');
  });

  it('shows a pushed commit as the new head', async () => {
    seedPullRequest();
    github().pushCommit(7, NEXT, [{ filename: 'b.plan.yml', status: 'added', content: 'v2' }]);
    const { data } = await client().request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 7,
    });
    expect(data.head.sha).toBe(NEXT);
    expect(data.commits).toBe(2);
    expect(github().refs()).toContainEqual({ ref: 'refs/heads/feature', sha: NEXT });
  });

  it('lists 250 changed files over pages of 100 with Link headers Octokit follows', async () => {
    const files = Array.from({ length: 250 }, (_, i) => ({
      filename: `f${i}.txt`,
      status: 'added' as const,
    }));
    seedPullRequest({ files });
    const octokit = client();
    const all = await octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      ...repo,
      pull_number: 7,
      per_page: 100,
    });
    expect(all.map((f) => f.filename)).toEqual(files.map((f) => f.filename));
    const pages = github().requests.filter((r) => r.operationId === 'pulls/list-files');
    expect(pages.map((r) => r.query['page'] ?? '1')).toEqual(['1', '2', '3']);
    const last = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      ...repo,
      pull_number: 7,
      per_page: 100,
      page: 3,
    });
    expect(last.data).toHaveLength(50);
    expect(last.headers.link).toContain('rel="first"');
    expect(last.headers.link).not.toContain('rel="next"');
  });

  it('reports a changed file’s blob SHA, the same one the contents endpoint gives', async () => {
    seedPullRequest({ files: [{ filename: 'deploy.plan.yml', status: 'added', content: 'version: 1\n' }] });
    const octokit = client();
    const { data: files } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      ...repo,
      pull_number: 7,
    });
    const { data: file } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: 'deploy.plan.yml',
      ref: HEAD,
    });
    expect(files[0]?.sha).toBe(blobSha('version: 1\n'));
    expect(!Array.isArray(file) && file.sha).toBe(files[0]?.sha);
  });
});

describe('repository contents', () => {
  it('serves a file base64-encoded at the ref it was set on', async () => {
    seedPullRequest();
    github().setFile('main', '.github/proceed.yml', 'forks: false\n');
    const { data } = await client().request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: '.github/proceed.yml',
      ref: 'main',
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data))
      throw new Error('expected a file');
    expect(Buffer.from(data.content, 'base64').toString('utf8')).toBe('forks: false\n');
    expect(data.encoding).toBe('base64');
  });

  it('finds a file set on a branch when asked by the branch’s SHA, and reads the default branch without a ref', async () => {
    seedPullRequest();
    github().setFile('main', '.github/proceed.yml', 'forks: true\n');
    const octokit = client();
    expect(
      await status(
        octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...repo,
          path: '.github/proceed.yml',
          ref: BASE,
        }),
      ),
    ).toBe(200);
    expect(
      await status(
        octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...repo,
          path: '.github/proceed.yml',
        }),
      ),
    ).toBe(200);
  });

  it('answers 404 for a file missing at that ref, although it exists at another', async () => {
    seedPullRequest();
    github().setFile(HEAD, 'x.plan.yml', 'a');
    expect(
      await status(
        client().request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...repo,
          path: 'x.plan.yml',
          ref: 'main',
        }),
      ),
    ).toBe(404);
  });

  it('serves raw content for the raw media type', async () => {
    seedPullRequest();
    github().setFile('main', 'README.md', '# hi\n');
    const { data } = await client().request('GET /repos/{owner}/{repo}/contents/{path}', {
      ...repo,
      path: 'README.md',
      mediaType: { format: 'raw' },
    });
    expect(data).toBe('# hi\n');
  });
});

describe('permissions and teams', () => {
  it.each([
    ['admin', 'admin'],
    ['maintain', 'write'],
    ['write', 'write'],
    ['triage', 'read'],
    ['read', 'read'],
    ['none', 'none'],
  ] as const)(
    'reports role %s as permission %s, and the role itself as role_name',
    async (role, permission) => {
      github().setPermission('bob', role);
      const { data } = await client().request(
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        { ...repo, username: 'bob' },
      );
      expect({ permission: data.permission, role_name: data.role_name }).toEqual({
        permission,
        role_name: role,
      });
    },
  );

  it('gives the owner admin and anyone else read on a public repository', async () => {
    github().addRepo();
    const octokit = client();
    const owner = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      ...repo,
      username: 'octo-org',
    });
    const stranger = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      ...repo,
      username: 'eve',
    });
    expect([owner.data.role_name, stranger.data.role_name]).toEqual(['admin', 'read']);
  });

  it('answers team membership for members and 404 for others', async () => {
    github().addTeamMember('octo-org', 'deployers', 'bob');
    const octokit = client();
    const member = await octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
      org: 'octo-org',
      team_slug: 'deployers',
      username: 'Bob',
    });
    expect(member.data).toMatchObject({ state: 'active', role: 'member' });
    expect(
      await status(
        octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
          org: 'octo-org',
          team_slug: 'deployers',
          username: 'eve',
        }),
      ),
    ).toBe(404);
  });
});

describe('reviews, comments and reactions', () => {
  it('creates a COMMENT review and edits it in place', async () => {
    seedPullRequest();
    const octokit = client();
    const created = await octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 7,
      event: 'COMMENT',
      body: 'plan v1',
      commit_id: HEAD,
    });
    await octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}', {
      ...repo,
      pull_number: 7,
      review_id: Number(created.data.id),
      body: 'plan v2',
    });
    const { data: listed } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 7,
    });
    expect(listed.map((r) => [r.id, r.body, r.state, r.user?.login])).toEqual([
      [created.data.id, 'plan v2', 'COMMENTED', 'github-actions[bot]'],
    ]);
    expect(created.data.html_url).toBe(
      `https://github.com/octo-org/widgets/pull/7#pullrequestreview-${created.data.id}`,
    );
    expect(github().reviews(7)).toEqual([expect.objectContaining({ body: 'plan v2', commitId: HEAD })]);
  });

  it('lists reviews seeded from other users with the SHA they were on', async () => {
    seedPullRequest();
    github().addReview(7, { user: 'bob', state: 'APPROVED' });
    const { data } = await client().request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      ...repo,
      pull_number: 7,
    });
    expect(data.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([['bob', 'APPROVED', HEAD]]);
  });

  it('creates, lists and edits issue comments with incrementing ids', async () => {
    seedPullRequest();
    const octokit = client();
    const seeded = github().addComment(7, { user: 'bob', body: '/proceed' });
    const mine = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
      body: 'Paused at step 2',
    });
    await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      ...repo,
      comment_id: mine.data.id,
      body: 'Resumed',
    });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...repo,
      issue_number: 7,
    });
    expect(data.map((c) => [c.user?.login, c.body])).toEqual([
      ['bob', '/proceed'],
      ['github-actions[bot]', 'Resumed'],
    ]);
    expect(mine.data.id).toBe(seeded.id + 1);
    expect(mine.data.html_url).toBe(
      `https://github.com/octo-org/widgets/pull/7#issuecomment-${mine.data.id}`,
    );
  });

  it('answers 201 for a new reaction and 200 with the same reaction when repeated', async () => {
    seedPullRequest();
    const octokit = client();
    const comment = github().addComment(7, { user: 'bob', body: '/proceed' });
    const first = await octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
      ...repo,
      comment_id: comment.id,
      content: 'eyes',
    });
    const again = await octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
      ...repo,
      comment_id: comment.id,
      content: 'eyes',
    });
    const { data: listed } = await octokit.request(
      'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      { ...repo, comment_id: comment.id },
    );
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    expect(listed.map((r) => r.content)).toEqual(['eyes']);
    expect(github().reactions(comment.id)).toEqual([
      expect.objectContaining({ content: 'eyes', user: 'github-actions[bot]' }),
    ]);
  });

  it('answers 404 when commenting on a pull request that does not exist', async () => {
    seedPullRequest();
    expect(
      await status(
        client().request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...repo,
          issue_number: 8,
          body: 'x',
        }),
      ),
    ).toBe(404);
  });
});

describe('check runs', () => {
  it('creates a run in progress and completes it, stamping completed_at', async () => {
    seedPullRequest();
    const octokit = client();
    const created = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'proceed/schema',
      head_sha: HEAD,
      status: 'in_progress',
      external_id: 'plan:abc',
      output: { title: 'Running', summary: 'step 1' },
    });
    const updated = await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: created.data.id,
      conclusion: 'success',
      output: { title: 'Done', summary: 'exit 0' },
    });
    expect(created.data).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      app: { slug: 'github-actions' },
      pull_requests: [{ number: 7 }],
    });
    expect(updated.data).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      external_id: 'plan:abc',
      output: { title: 'Done' },
    });
    expect(updated.data.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('lists the newest run per name by default, all runs with filter=all, and filters by check_name', async () => {
    seedPullRequest();
    const octokit = client();
    for (const [name, conclusion] of [
      ['proceed/verify', 'failure'],
      ['proceed/plan', 'success'],
      ['proceed/verify', 'success'],
    ] as const) {
      await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        ...repo,
        name,
        head_sha: HEAD,
        conclusion,
      });
    }
    const latest = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: HEAD,
    });
    const all = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: HEAD,
      filter: 'all',
    });
    const byName = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...repo,
      ref: 'feature',
      check_name: 'proceed/verify',
      filter: 'all',
    });
    expect(latest.data.check_runs.map((c) => [c.name, c.conclusion])).toEqual([
      ['proceed/verify', 'success'],
      ['proceed/plan', 'success'],
    ]);
    expect(all.data.total_count).toBe(3);
    expect(byName.data.check_runs.map((c) => c.conclusion)).toEqual(['success', 'failure']);
    expect(
      github()
        .checkRuns(HEAD)
        .map((c) => c.name),
    ).toEqual(['proceed/verify', 'proceed/plan', 'proceed/verify']);
  });

  it('accumulates annotations across updates, 50 per request', async () => {
    seedPullRequest();
    const octokit = client();
    const annotations = Array.from({ length: 50 }, (_, i) => ({
      path: 'x.plan.yml',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'failure' as const,
      message: `e${i}`,
    }));
    const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'proceed/plan',
      head_sha: HEAD,
      output: { title: 't', summary: 's', annotations },
    });
    const updated = await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...repo,
      check_run_id: data.id,
      output: { title: 't', summary: 's', annotations },
    });
    const listed = await octokit.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', {
      ...repo,
      check_run_id: data.id,
      per_page: 100,
    });
    expect(updated.data.output.annotations_count).toBe(100);
    expect(listed.data).toHaveLength(100);
  });

  it('refuses a check run on a commit the repository does not have', async () => {
    seedPullRequest();
    expect(
      await status(
        client().request('POST /repos/{owner}/{repo}/check-runs', {
          ...repo,
          name: 'x',
          head_sha: 'f'.repeat(40),
        }),
      ),
    ).toBe(422);
  });
});

describe('git refs as a lock', () => {
  it('creates a ref once and answers 422 "Reference already exists" the second time', async () => {
    seedPullRequest();
    const octokit = client();
    const first = await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/lock/7',
      sha: HEAD,
    });
    let conflict: { status: number; message: string } | undefined;
    try {
      await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
        ...repo,
        ref: 'refs/proceed/lock/7',
        sha: HEAD,
      });
    } catch (err) {
      const e = err as { status: number; response: { data: { message: string } } };
      conflict = { status: e.status, message: e.response.data.message };
    }
    expect(first.status).toBe(201);
    expect(conflict).toEqual({ status: 422, message: 'Reference already exists' });
  });

  it('gets, lists by prefix and deletes a ref; a deleted ref is gone', async () => {
    seedPullRequest();
    const octokit = client();
    await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/lock/7',
      sha: HEAD,
    });
    const got = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      ...repo,
      ref: 'proceed/lock/7',
    });
    const matching = await octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
      ...repo,
      ref: 'proceed/',
    });
    const deleted = await octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', {
      ...repo,
      ref: 'proceed/lock/7',
    });
    expect(got.data.object.sha).toBe(HEAD);
    expect(matching.data.map((r) => r.ref)).toEqual(['refs/proceed/lock/7']);
    expect(deleted.status).toBe(204);
    expect(
      await status(
        octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: 'proceed/lock/7' }),
      ),
    ).toBe(404);
    expect(
      await status(
        octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...repo, ref: 'proceed/lock/7' }),
      ),
    ).toBe(422);
  });

  it('stores a commit whose message can name the lock holder, and points a ref at it', async () => {
    seedPullRequest();
    const octokit = client();
    const commit = await octokit.request('POST /repos/{owner}/{repo}/git/commits', {
      ...repo,
      message: 'holder: run 42',
      tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      parents: [HEAD],
    });
    await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/lock/7',
      sha: commit.data.sha,
    });
    const read = await octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
      ...repo,
      commit_sha: commit.data.sha,
    });
    expect(read.data.message).toBe('holder: run 42');
    expect(github().refs()).toContainEqual({ ref: 'refs/proceed/lock/7', sha: commit.data.sha });
  });

  it('refuses a ref to an object the repository does not have', async () => {
    seedPullRequest();
    expect(
      await status(
        client().request('POST /repos/{owner}/{repo}/git/refs', {
          ...repo,
          ref: 'refs/proceed/lock/7',
          sha: 'e'.repeat(40),
        }),
      ),
    ).toBe(422);
  });
});

describe('git commits and fast-forward ref updates', () => {
  const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

  async function lockCommit(message: string, parents: string[]) {
    const { data } = await client().request('POST /repos/{owner}/{repo}/git/commits', {
      ...repo,
      message,
      tree: EMPTY_TREE,
      parents,
    });
    return data.sha;
  }

  it('answers for a seeded head commit with a tree that new commits may use', async () => {
    seedPullRequest();
    const octokit = client();
    const head = await octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
      ...repo,
      commit_sha: HEAD,
    });
    const made = await octokit.request('POST /repos/{owner}/{repo}/git/commits', {
      ...repo,
      message: 'on the head tree',
      tree: head.data.tree.sha,
      parents: [],
    });
    expect(head.data.sha).toBe(HEAD);
    expect(head.data.parents.map((p) => p.sha)).toEqual([BASE]);
    expect(made.data.tree.sha).toBe(head.data.tree.sha);
    expect(made.data.parents).toEqual([]);
  });

  it('refuses a commit with an unknown tree or an unknown parent with 422', async () => {
    seedPullRequest();
    const octokit = client();
    const create = (tree: string, parents: string[]) =>
      octokit.request('POST /repos/{owner}/{repo}/git/commits', { ...repo, message: 'm', tree, parents });
    expect(await status(create('e'.repeat(40), []))).toBe(422);
    expect(await status(create(EMPTY_TREE, ['e'.repeat(40)]))).toBe(422);
    // A commit is not a tree.
    expect(await status(create(HEAD, []))).toBe(422);
  });

  it('moves a ref forward to a descendant without force', async () => {
    seedPullRequest();
    const first = await lockCommit('first', []);
    const child = await lockCommit('child', [first]);
    const grandchild = await lockCommit('grandchild', [child]);
    await client().request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/x',
      sha: first,
    });
    const updated = await client().request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
      ...repo,
      ref: 'proceed/x',
      sha: grandchild,
      force: false,
    });
    expect(updated.data.object.sha).toBe(grandchild);
    expect(github().refs()).toContainEqual({ ref: 'refs/proceed/x', sha: grandchild });
  });

  it('refuses a non-fast-forward update with 422 "Update is not a fast forward" and keeps the ref', async () => {
    seedPullRequest();
    const stale = await lockCommit('stale', []);
    const winner = await lockCommit('winner', [stale]);
    const loser = await lockCommit('loser', [stale]);
    await client().request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/x',
      sha: stale,
    });
    await client().request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
      ...repo,
      ref: 'proceed/x',
      sha: winner,
      force: false,
    });
    let refused: { status: number; message: string } | undefined;
    try {
      await client().request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        ...repo,
        ref: 'proceed/x',
        sha: loser,
        force: false,
      });
    } catch (err) {
      const e = err as { status: number; response: { data: { message: string } } };
      refused = { status: e.status, message: e.response.data.message };
    }
    expect(refused).toEqual({ status: 422, message: 'Update is not a fast forward' });
    expect(github().refs()).toContainEqual({ ref: 'refs/proceed/x', sha: winner });
  });

  it('moves a ref anywhere with force', async () => {
    seedPullRequest();
    const a = await lockCommit('a', []);
    const b = await lockCommit('b', []);
    await client().request('POST /repos/{owner}/{repo}/git/refs', { ...repo, ref: 'refs/proceed/x', sha: a });
    const forced = await status(
      client().request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        ...repo,
        ref: 'proceed/x',
        sha: b,
        force: true,
      }),
    );
    expect(forced).toBe(200);
    expect(github().refs()).toContainEqual({ ref: 'refs/proceed/x', sha: b });
  });

  it('answers 404 for a workflow run it does not know', async () => {
    seedPullRequest();
    expect(
      await status(
        client().request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { ...repo, run_id: 424242 }),
      ),
    ).toBe(404);
  });
});

describe('workflow dispatch and runs', () => {
  it('records a dispatch and serves the run it queued, whose status a test can change', async () => {
    seedPullRequest();
    const octokit = client();
    const dispatched = await octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        ...repo,
        workflow_id: 'proceed.yml',
        ref: 'feature',
        inputs: { 'pull-request': '7' },
      },
    );
    const [dispatch] = github().dispatches();
    expect(dispatched.status).toBe(204);
    expect(dispatch).toMatchObject({
      workflowId: 'proceed.yml',
      ref: 'feature',
      inputs: { 'pull-request': '7' },
    });
    github().setWorkflowRun({ id: dispatch?.runId, status: 'completed', conclusion: 'success' });
    const run = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
      ...repo,
      run_id: dispatch?.runId ?? 0,
    });
    expect(run.data).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      head_sha: HEAD,
      event: 'workflow_dispatch',
    });
  });

  it('returns the run’s id when asked for run details', async () => {
    seedPullRequest();
    const { status: code, data } = await client().request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        ...repo,
        workflow_id: 'proceed.yml',
        ref: 'main',
        return_run_details: true,
      },
    );
    expect(code).toBe(200);
    expect(
      github()
        .workflowRuns()
        .map((r) => r.id),
    ).toEqual([data.workflow_run_id]);
  });
});

describe('users and apps', () => {
  const appGitHub = useFakeGitHub({
    app: { id: 99, slug: 'proceed-bot', name: 'Proceed', owner: 'octo-org' },
    validateResponses: true,
  });

  it('serves any user, and an installation token that acts as the app’s bot', async () => {
    const fake = appGitHub();
    fake.addPullRequest({ number: 7, headSha: HEAD, baseSha: BASE });
    const jwt = new Octokit({ auth: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjk5fQ.c2ln', baseUrl: fake.url });
    const { data: token } = await jwt.request('POST /app/installations/{installation_id}/access_tokens', {
      installation_id: 1,
    });
    const { data: me } = await jwt.request('GET /app');
    const installation = new Octokit({ auth: token.token, baseUrl: fake.url });
    const { data: user } = await installation.request('GET /users/{username}', { username: 'alice' });
    const { data: run } = await installation.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'proceed/plan',
      head_sha: HEAD,
    });
    expect(me?.slug).toBe('proceed-bot');
    expect(user.login).toBe('alice');
    expect(run.app?.slug).toBe('proceed-bot');
  });

  it('answers GET /user with 403 for a bot token, as GitHub does for installation tokens', async () => {
    const octokit = new Octokit({ auth: 'installation-token', baseUrl: appGitHub().url });
    expect(await status(octokit.request('GET /user'))).toBe(403);
  });
});

describe('inspection and hooks', () => {
  it('lets a test push a commit when a given request arrives', async () => {
    seedPullRequest();
    const fake = github();
    fake.hooks.beforeRequest = ({ operationId, body }) => {
      if (operationId === 'checks/create' && (body as { name: string }).name === 'proceed/step-2')
        fake.pushCommit(7, NEXT);
    };
    const octokit = client();
    const before = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 7,
    });
    await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      ...repo,
      name: 'proceed/step-2',
      head_sha: HEAD,
      status: 'in_progress',
    });
    const after = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: 7,
    });
    expect([before.data.head.sha, after.data.head.sha]).toEqual([HEAD, NEXT]);
  });

  it('lists as writes only the non-GET requests that succeeded', async () => {
    seedPullRequest();
    const octokit = client();
    await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: 7 });
    await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
      ...repo,
      ref: 'refs/proceed/lock/7',
      sha: HEAD,
    });
    await status(
      octokit.request('POST /repos/{owner}/{repo}/git/refs', {
        ...repo,
        ref: 'refs/proceed/lock/7',
        sha: HEAD,
      }),
    );
    expect(
      github()
        .writes()
        .map((w) => [w.method, w.operationId, w.status]),
    ).toEqual([['POST', 'git/create-ref', 201]]);
    expect(github().requests.map((r) => r.status)).toEqual([200, 201, 422]);
  });

  it('hands out copies, so a test cannot change the fake’s state by accident', () => {
    seedPullRequest();
    const pr = github().pullRequest(7);
    pr.headSha = NEXT;
    expect(github().pullRequest(7).headSha).toBe(HEAD);
  });
});

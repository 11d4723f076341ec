import { randomBytes } from 'node:crypto';
import type { Octokit } from '@octokit/core';
import type { Permission } from '../gate/authorize.js';
import type {
  ChangedFile,
  DeploymentInput,
  DeploymentStatusInput,
  CommentInfo,
  CheckRunInfo,
  CheckRunInput,
  FileContent,
  GitCommitInfo,
  GitHubPort,
  PullRequestInfo,
  ReviewInfo,
  WorkflowRunInfo,
  PullRequestCommit,
} from '../gate/port.js';
import { GITHUB_BODY_LIMIT } from '../render/markdown.js';

/** GitHub accepts at most 50 annotations per check run request. */
const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on a comment or review body (written once in render/markdown.ts). */
const BODY_LIMIT = GITHUB_BODY_LIMIT;
/** Tries of a create whose answers keep getting lost, each after looking for what the previous one made. */
const CREATE_ATTEMPTS = 4;

/**
 * Whether GitHub may have done the work although the answer says it failed: a 5xx (or a network
 * failure, which Octokit reports as 500) can come from a gateway after the work was done.
 */
export function outcomeUnknown(err: unknown): boolean {
  const status = httpStatus(err);
  return status !== undefined && status >= 500;
}

/** What tells one of our creates from every other item: random, so nobody can forge it. */
function postId(): string {
  return randomBytes(6).toString('hex');
}

/** The hidden tag that ends a comment we post, so a create whose answer was lost can be found. */
function postTag(id: string): string {
  return `\n\n<!-- proceed:post ${id} -->`;
}

/** The suffix of a check run's external_id naming one create (stripped when read back). */
const EXTERNAL_POST = /#p-[0-9a-f]{12}$/;

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'status' in err
    ? Number((err as { status: unknown }).status)
    : undefined;
}

/**
 * The port over any Octokit built on @octokit/core (the Action's and Probot's both are).
 *
 * Reads and idempotent writes (edits, ref moves, deletes) are retried by Octokit's retry plugin. A
 * create is not: retried blindly after GitHub did the work and only the answer was lost, it would
 * post twice. Each create carries an id of its own (a hidden tag ending a comment, a suffix of a
 * check run's external_id, a review's whole body); after an answer that leaves the outcome unknown,
 * the port looks for that id before it tries again.
 */
export class OctokitPort implements GitHubPort {
  constructor(
    private readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
    /** The wait before a create's second try; the later ones wait 4×, 9×… as Octokit's retries do. */
    private readonly retryBaseMs = 1_000,
  ) {}

  private get base() {
    return { owner: this.owner, repo: this.repo };
  }

  /** Creates once: on an unknown outcome, `find` looks for what an earlier try made before trying again. */
  private async createOnce<T>(create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await create();
      } catch (err) {
        if (!outcomeUnknown(err)) throw err;
        const found = await find();
        if (found !== undefined) return found;
        if (attempt >= CREATE_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, attempt ** 2 * this.retryBaseMs));
      }
    }
  }

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    const { data: pr } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...this.base,
      pull_number: number,
    });
    const headRepo = pr.head.repo?.full_name ?? '';
    return {
      number: pr.number,
      state: pr.state === 'closed' ? 'closed' : 'open',
      merged: !!pr.merged,
      draft: !!pr.draft,
      title: pr.title,
      author: { login: pr.user.login, type: pr.user.type },
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      headRepo,
      baseSha: pr.base.sha,
      baseRef: pr.base.ref,
      isFork: headRepo.toLowerCase() !== `${this.owner}/${this.repo}`.toLowerCase(),
      htmlUrl: pr.html_url,
    };
  }

  async listOpenPullRequests(): Promise<number[]> {
    const numbers: number[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls', {
        ...this.base,
        state: 'open',
        per_page: 100,
        page,
      });
      numbers.push(...data.map((pr) => pr.number));
      if (data.length < 100) return numbers;
    }
  }

  async listOpenPullRequestsOnHead(sha: string): Promise<number[]> {
    const numbers: number[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls', {
        ...this.base,
        state: 'open',
        per_page: 100,
        page,
      });
      numbers.push(...data.filter((pr) => pr.head.sha === sha).map((pr) => pr.number));
      if (data.length < 100) return numbers;
    }
  }

  async listPullRequestCommits(number: number): Promise<PullRequestCommit[]> {
    const commits: PullRequestCommit[] = [];
    // GitHub lists at most 250 commits of a pull request.
    for (let page = 1; page <= 3; page++) {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', {
        ...this.base,
        pull_number: number,
        per_page: 100,
        page,
      });
      for (const c of data)
        commits.push({ sha: c.sha, author: c.author?.login ?? null, committer: c.committer?.login ?? null });
      if (data.length < 100) break;
    }
    return commits;
  }

  async compareCommits(base: string, head: string): Promise<string[] | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        ...this.base,
        basehead: `${base}...${head}`,
      });
      return (data.files ?? []).map((f) => f.filename);
    } catch (err) {
      // A commit gone after a force-push, or a diff too large: the caller says it could not tell.
      if (httpStatus(err) === 404 || httpStatus(err) === 422) return undefined;
      throw err;
    }
  }

  async listChangedFiles(number: number): Promise<ChangedFile[]> {
    const files: ChangedFile[] = [];
    // GitHub lists at most 3,000 files, 100 a page.
    for (let page = 1; page <= 30; page++) {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        ...this.base,
        pull_number: number,
        per_page: 100,
        page,
      });
      for (const f of data)
        files.push({
          filename: f.filename,
          status: f.status,
          sha: f.status === 'removed' ? null : f.sha || null,
        });
      if (data.length < 100) break;
    }
    return files;
  }

  async readFile(path: string, ref: string): Promise<FileContent | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        ...this.base,
        path,
        ref,
      });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
      return { content: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async getPermission(login: string): Promise<Permission> {
    try {
      const { data } = await this.octokit.request(
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        {
          ...this.base,
          username: login,
        },
      );
      // role_name tells maintain and triage apart; `permission` folds them into write and read.
      const role = (data.role_name ?? data.permission) as string;
      if (['admin', 'maintain', 'write', 'triage', 'read'].includes(role)) return role as Permission;
      if (role === 'none') return 'none';
      return (['admin', 'write', 'read'].includes(data.permission) ? data.permission : 'none') as Permission;
    } catch (err) {
      if (httpStatus(err) === 404) return 'none';
      throw err;
    }
  }

  async isTeamMember(org: string, teamSlug: string, login: string): Promise<boolean> {
    try {
      const { data } = await this.octokit.request(
        'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
        {
          org,
          team_slug: teamSlug,
          username: login,
        },
      );
      return data.state === 'active';
    } catch (err) {
      if (httpStatus(err) === 404) return false;
      throw err;
    }
  }

  async listReviews(number: number): Promise<ReviewInfo[]> {
    const reviews: ReviewInfo[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...this.base,
        pull_number: number,
        per_page: 100,
        page,
      });
      for (const r of data) reviews.push(toReview(r));
      if (data.length < 100) return reviews;
    }
  }

  async createReview(number: number, input: { body: string; commitId: string }): Promise<ReviewInfo> {
    // The review's body ends with the state marker, which says when it was rendered: the body is its id.
    return this.createOnce(
      async () => {
        const { data } = await this.octokit.request(
          'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
          {
            ...this.base,
            pull_number: number,
            commit_id: input.commitId,
            body: input.body,
            event: 'COMMENT',
            request: { retries: 0 },
          },
        );
        return toReview(data);
      },
      async () => (await this.listReviews(number)).find((r) => r.body === input.body),
    );
  }

  async updateReview(number: number, reviewId: number, body: string): Promise<void> {
    await this.octokit.request('PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}', {
      ...this.base,
      pull_number: number,
      review_id: reviewId,
      body,
    });
  }

  async createComment(number: number, body: string): Promise<{ id: number; url: string }> {
    const tag = postTag(postId());
    // A body at GitHub's limit has no room for the tag: then the whole body is what is looked for.
    const posted = body.length + tag.length <= BODY_LIMIT ? body + tag : body;
    const since = new Date(Date.now() - 10 * 60_000).toISOString();
    return this.createOnce(
      async () => {
        const { data } = await this.octokit.request(
          'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
          { ...this.base, issue_number: number, body: posted, request: { retries: 0 } },
        );
        return { id: Number(data.id), url: data.html_url };
      },
      async () => {
        const found = (await this.listComments(number, since)).find((c) => c.body === posted);
        return found && { id: found.id, url: found.url ?? '' };
      },
    );
  }

  async listComments(number: number, since: string): Promise<CommentInfo[]> {
    const comments: CommentInfo[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request(
        'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
        {
          ...this.base,
          issue_number: number,
          since,
          per_page: 100,
          page,
        },
      );
      for (const c of data) {
        comments.push({
          id: Number(c.id),
          body: c.body ?? '',
          user: c.user ? { login: c.user.login, type: c.user.type } : null,
          createdAt: c.created_at,
          updatedAt: c.updated_at,
          url: c.html_url,
        });
      }
      if (data.length < 100) return comments;
    }
  }

  async reactToComment(commentId: number, content: 'eyes' | '+1' | 'confused'): Promise<void> {
    await this.octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
      ...this.base,
      comment_id: commentId,
      content,
    });
  }

  async createCheckRun(input: CheckRunInput): Promise<{ id: number; url: string }> {
    const annotations = input.annotations ?? [];
    const externalId = `${input.externalId ?? ''}#p-${postId()}`;
    const created = await this.createOnce(
      async () => {
        const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/check-runs', {
          ...this.base,
          ...checkRunBody(input, annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
          external_id: externalId,
          name: input.name,
          head_sha: input.headSha,
          request: { retries: 0 },
        });
        return { id: Number(data.id), url: data.html_url ?? '' };
      },
      async () => {
        const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
          ...this.base,
          ref: input.headSha,
          check_name: input.name,
          filter: 'all',
          per_page: 100,
        });
        const found = data.check_runs.find((r) => r.external_id === externalId);
        return found && { id: Number(found.id), url: found.html_url ?? '' };
      },
    );
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.updateCheckRun(created.id, {
        title: input.title,
        summary: input.summary,
        annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST),
      });
    }
    return created;
  }

  async updateCheckRun(id: number, input: Partial<CheckRunInput>): Promise<void> {
    const annotations = input.annotations ?? [];
    for (let i = 0; i === 0 || i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        ...this.base,
        check_run_id: id,
        ...checkRunBody(input, annotations.slice(i, i + ANNOTATIONS_PER_REQUEST)),
      });
    }
  }

  async getCheckRunText(id: number): Promise<string | null | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        ...this.base,
        check_run_id: id,
      });
      return data.output?.text ?? null;
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async listCheckRuns(sha: string, name?: string): Promise<CheckRunInfo[]> {
    const runs: CheckRunInfo[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
        ...this.base,
        ref: sha,
        per_page: 100,
        page,
        filter: 'all',
        ...(name ? { check_name: name } : {}),
      });
      for (const r of data.check_runs) {
        runs.push({
          id: Number(r.id),
          name: r.name,
          headSha: r.head_sha,
          status: r.status as CheckRunInfo['status'],
          conclusion: (r.conclusion ?? null) as CheckRunInfo['conclusion'],
          externalId: r.external_id ? r.external_id.replace(EXTERNAL_POST, '') || null : null,
          startedAt: r.started_at ?? null,
          completedAt: r.completed_at ?? null,
          title: r.output?.title ?? null,
          summary: r.output?.summary ?? null,
          appSlug: r.app?.slug ?? null,
        });
      }
      if (data.check_runs.length < 100) break;
    }
    // Newest first: a re-run posts a new check run under the same name.
    return runs.sort((a, b) => b.id - a.id);
  }

  async createRef(ref: string, sha: string): Promise<'created' | 'exists'> {
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/git/refs', {
        ...this.base,
        ref: `refs/${ref}`,
        sha,
      });
      return 'created';
    } catch (err) {
      // 422 also answers an unknown object; only "Reference already exists" means someone holds it.
      if (httpStatus(err) === 422 && /already exists/i.test((err as Error).message)) return 'exists';
      throw err;
    }
  }

  async createDeployment(input: DeploymentInput): Promise<{ id: number }> {
    const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/deployments', {
      ...this.base,
      ref: input.sha,
      environment: input.environment,
      task: 'deploy',
      description: input.description.slice(0, 140),
      production_environment: input.production,
      transient_environment: false,
      auto_merge: false,
      // GitHub would wait for the commit's statuses; proceed/verify is what this deployment produces.
      required_contexts: [],
    });
    // 202 (a merge in progress) carries no id; with auto_merge off it does not happen.
    if (!('id' in data)) throw new Error(`GitHub did not create the deployment: ${String(data.message)}`);
    return { id: Number(data.id) };
  }

  async setDeploymentStatus(id: number, status: DeploymentStatusInput): Promise<void> {
    await this.octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      ...this.base,
      deployment_id: id,
      state: status.state,
      log_url: status.logUrl,
      description: status.description.slice(0, 140),
    });
  }

  async findDeployment(
    sha: string,
    environment: string,
  ): Promise<{ id: number; state: string | undefined } | undefined> {
    const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/deployments', {
      ...this.base,
      sha,
      environment,
      per_page: 1,
    });
    const newest = data[0];
    if (!newest) return undefined;
    const statuses = await this.octokit.request(
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      { ...this.base, deployment_id: Number(newest.id), per_page: 1 },
    );
    return { id: Number(newest.id), state: statuses.data[0]?.state };
  }

  async listRefs(prefix: string): Promise<{ ref: string; sha: string }[]> {
    // GitHub matches a prefix of the name after `refs/` and answers every match in one list; the
    // trailing slash is left to the filter, so `main/` does not also match `main-2/`.
    const name = prefix.replace(/^refs\//, '');
    const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
      ...this.base,
      ref: name.replace(/\/+$/, ''),
    });
    return data
      .filter((r) => r.ref.startsWith(`refs/${name}`))
      .map((r) => ({ ref: r.ref, sha: r.object.sha }));
  }

  async getRef(ref: string): Promise<{ sha: string } | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        ...this.base,
        ref,
      });
      return { sha: data.object.sha };
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async deleteRef(ref: string): Promise<void> {
    try {
      await this.octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...this.base, ref });
    } catch (err) {
      // Already gone is what we wanted.
      if (httpStatus(err) !== 404 && httpStatus(err) !== 422) throw err;
    }
  }

  async updateRef(ref: string, sha: string, force: boolean): Promise<'updated' | 'conflict'> {
    try {
      await this.octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        ...this.base,
        ref,
        sha,
        force,
      });
      return 'updated';
    } catch (err) {
      // "Update is not a fast forward", or "Reference does not exist": either way the ref is not where we thought.
      if (httpStatus(err) === 422) return 'conflict';
      throw err;
    }
  }

  async createCommit(input: { message: string; tree: string; parents: string[] }): Promise<{ sha: string }> {
    const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/git/commits', {
      ...this.base,
      message: input.message,
      tree: input.tree,
      parents: input.parents,
    });
    return { sha: data.sha };
  }

  async getCommit(sha: string): Promise<GitCommitInfo | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
        ...this.base,
        commit_sha: sha,
      });
      return {
        sha: data.sha,
        message: data.message,
        tree: data.tree.sha,
        committedAt: data.committer.date,
        committer: { name: data.committer.name, email: data.committer.email },
      };
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  async getWorkflowRun(id: number): Promise<WorkflowRunInfo | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
        ...this.base,
        run_id: id,
      });
      return { status: data.status, conclusion: data.conclusion, attempt: Number(data.run_attempt ?? 1) };
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }
}

type ReviewData = {
  id: number | bigint;
  body: string | null;
  state: string;
  commit_id: string | null;
  user: { login: string; type: string } | null;
};

function toReview(r: ReviewData): ReviewInfo {
  return {
    id: Number(r.id),
    body: r.body ?? '',
    state: r.state,
    commitId: r.commit_id,
    user: r.user ? { login: r.user.login, type: r.user.type } : null,
  };
}

function checkRunBody(input: Partial<CheckRunInput>, annotations: CheckRunInput['annotations']) {
  const body: Record<string, unknown> = {};
  if (input.status) body.status = input.status;
  if (input.conclusion) body.conclusion = input.conclusion;
  if (input.externalId !== undefined) body.external_id = input.externalId;
  if (input.detailsUrl) body.details_url = input.detailsUrl;
  if (input.startedAt) body.started_at = input.startedAt;
  if (input.completedAt) body.completed_at = input.completedAt;
  if (input.actions) body.actions = input.actions;
  if (input.title !== undefined && input.summary !== undefined) {
    body.output = {
      title: input.title,
      summary: input.summary,
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(annotations && annotations.length ? { annotations } : {}),
    };
  }
  return body;
}

/**
 * The operations the fake implements, keyed by GitHub's operationId. Requests reach a handler
 * only after they matched the description and their parameters and body validated, so a handler
 * deals with GitHub's semantics: missing resources, conflicts, who may do what, and state.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { operations } from '@octokit/openapi-types';
import {
  type Actor,
  type AnnotationRecord,
  type CheckRunRecord,
  type CommentRecord,
  type GitCommitRecord,
  type ReactionRecord,
  type RepoRecord,
  type ReviewRecord,
  GITHUB_ACTIONS_APP,
  blobSha,
  fakeSha,
} from './model.js';
import {
  type Urls,
  annotationJson,
  appJson,
  checkRunJson,
  collaboratorPermissionJson,
  commitJson,
  contentFileJson,
  diffEntryJson,
  gitCommitJson,
  gitRefJson,
  issueCommentJson,
  publicUserJson,
  pullRequestJson,
  reactionJson,
  repositoryJson,
  reviewJson,
  workflowRunJson,
} from './shapes.js';
import type { Store } from './store.js';
import { GITHUB_BODY_LIMIT, GITHUB_CHECK_TEXT_LIMIT } from '../../../src/render/markdown.js';
import { descendsFrom } from '../../../src/github/git-model.js';
import { deploymentHandlers } from './deployments.js';
import { settingsHandlers } from './settings.js';

/** GitHub's limit on issue comment and review bodies, which the description does not state (written once, in src/render/markdown.ts). */
export const MAX_COMMENT_BODY = GITHUB_BODY_LIMIT;
/** GitHub's limit on a check run's output.summary and output.text. */
export const MAX_CHECK_OUTPUT = GITHUB_CHECK_TEXT_LIMIT;
/** Annotations GitHub accepts in one check run create or update. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

export interface RequestContext {
  method: string;
  /** Request path and query as received. */
  url: URL;
  operationId: string;
  documentationUrl: string;
  params: Record<string, string>;
  /** Declared query parameters, coerced to their schema types. */
  query: Record<string, unknown>;
  body: unknown;
  headers: IncomingHttpHeaders;
  actor: Actor;
  store: Store;
  urls: Urls;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (raw file content). */
  text?: string;
}

/** An answer GitHub gives instead of the resource; `violation` marks the request itself as wrong. */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly violation?: string,
  ) {
    super(String(body['message']));
  }
}

type Handler = (ctx: RequestContext) => Reply;

type JsonBody<K extends keyof operations> = operations[K] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

function errorBody(
  ctx: RequestContext,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return { message, ...extra, documentation_url: ctx.documentationUrl, status: String(status) };
}

function notFound(ctx: RequestContext): GitHubError {
  return new GitHubError(404, errorBody(ctx, 404, 'Not Found'));
}

function unprocessable(
  ctx: RequestContext,
  message: string,
  violation?: string,
  errors?: unknown[],
): GitHubError {
  return new GitHubError(422, errorBody(ctx, 422, message, errors ? { errors } : {}), violation);
}

function forbidden(ctx: RequestContext, message: string, violation?: string): GitHubError {
  return new GitHubError(403, errorBody(ctx, 403, message), violation);
}

function repoOf(ctx: RequestContext): RepoRecord {
  const repo = ctx.store.find(ctx.params['owner'] ?? '', ctx.params['repo'] ?? '');
  if (!repo) throw notFound(ctx);
  return repo;
}

function intParam(ctx: RequestContext, name: string): number {
  return Number(ctx.params[name]);
}

function pullOf(ctx: RequestContext, repo: RepoRecord) {
  const n = intParam(ctx, 'pull_number') || intParam(ctx, 'issue_number');
  const pr = repo.pulls.get(n);
  if (!pr) throw notFound(ctx);
  return pr;
}

/** GitHub counts characters, not UTF-16 units. */
function length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function checkBodyLength(
  ctx: RequestContext,
  body: string | undefined,
  resource: 'IssueComment' | 'PullRequestReview',
): void {
  if (body === undefined || length(body) <= MAX_COMMENT_BODY) return;
  const message = `body is too long (maximum is ${MAX_COMMENT_BODY} characters)`;
  // Review endpoints answer "simple" validation errors: a list of strings.
  const errors =
    resource === 'PullRequestReview' ? [message] : [{ resource, code: 'custom', field: 'body', message }];
  throw unprocessable(
    ctx,
    'Validation Failed',
    `body is ${length(body)} characters; GitHub accepts at most ${MAX_COMMENT_BODY}`,
    errors,
  );
}

function checkOutputLimits(
  ctx: RequestContext,
  output: { summary?: string; text?: string; annotations?: unknown[] } | undefined,
) {
  if (!output) return;
  for (const field of ['summary', 'text'] as const) {
    const value = output[field];
    if (value !== undefined && length(value) > MAX_CHECK_OUTPUT) {
      throw unprocessable(
        ctx,
        `Invalid request.\n\nOnly ${MAX_CHECK_OUTPUT} characters are allowed; ${length(value)} were supplied.`,
        `output.${field} is ${length(value)} characters; GitHub accepts at most ${MAX_CHECK_OUTPUT}`,
      );
    }
  }
  const count = output.annotations?.length ?? 0;
  if (count > MAX_ANNOTATIONS_PER_REQUEST) {
    throw unprocessable(
      ctx,
      `Invalid request.\n\nOnly ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request; ${count} were supplied.`,
      `output.annotations has ${count} items; GitHub accepts at most ${MAX_ANNOTATIONS_PER_REQUEST} per request`,
    );
  }
}

/** GitHub's page-based pagination with a Link header Octokit's paginate follows. */
function paginate<T>(ctx: RequestContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(ctx.query['per_page'] ?? 30) || 30, 100);
  const page = Math.max(Number(ctx.query['page'] ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const u = new URL(ctx.url.pathname + ctx.url.search, ctx.urls.api);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${ctx.urls.api}${u.pathname}${u.search}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'));
  if (page < last) links.push(link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

function reactionsOf(repo: RepoRecord, commentId: number): ReactionRecord[] {
  return repo.reactions.filter((r) => r.commentId === commentId);
}

function commentJson(ctx: RequestContext, repo: RepoRecord, c: CommentRecord) {
  return issueCommentJson(ctx.urls, repo, c, {
    authorAssociation: ctx.store.authorAssociation(repo, c.user),
    isPullRequest: repo.pulls.has(c.issueNumber),
    reactions: reactionsOf(repo, c.id),
  });
}

function reviewOut(ctx: RequestContext, repo: RepoRecord, r: ReviewRecord) {
  return reviewJson(ctx.urls, repo, r, ctx.store.authorAssociation(repo, r.user));
}

function checkRunOut(ctx: RequestContext, repo: RepoRecord, run: CheckRunRecord) {
  return checkRunJson(ctx.urls, repo, run, ctx.store.pullRequestsForHead(repo, run.headSha));
}

function commentOf(ctx: RequestContext, repo: RepoRecord): CommentRecord {
  const comment = repo.comments.find((c) => c.id === intParam(ctx, 'comment_id'));
  if (!comment) throw notFound(ctx);
  return comment;
}

function checkRunOf(ctx: RequestContext, repo: RepoRecord): CheckRunRecord {
  const run = repo.checkRuns.find((c) => c.id === intParam(ctx, 'check_run_id'));
  if (!run) throw notFound(ctx);
  return run;
}

function fullRef(ref: string): string {
  return `refs/${ref.replace(/^refs\//, '')}`;
}

function applyCheckRunFields(
  ctx: RequestContext,
  run: CheckRunRecord,
  body: JsonBody<'checks/create'> | JsonBody<'checks/update'>,
): void {
  const now = ctx.store.now();
  if (body.name !== undefined) run.name = body.name;
  if (body.details_url !== undefined) run.detailsUrl = body.details_url;
  if (body.external_id !== undefined) run.externalId = body.external_id;
  if (body.started_at !== undefined) run.startedAt = body.started_at;
  if (body.status !== undefined) run.status = body.status;
  if (body.conclusion === 'stale') {
    throw unprocessable(
      ctx,
      'Invalid request.\n\nOnly GitHub can set the stale conclusion.',
      'conclusion "stale" is set only by GitHub',
    );
  }
  if (body.conclusion !== undefined) {
    run.conclusion = body.conclusion;
    run.status = 'completed';
  }
  if (body.completed_at !== undefined) run.completedAt = body.completed_at;
  if (run.status === 'completed') {
    if (run.conclusion === null) {
      throw unprocessable(
        ctx,
        'Invalid request.\n\n"conclusion" wasn\'t supplied.',
        'a check run with status "completed" needs a conclusion',
      );
    }
    run.completedAt ??= now;
  }
  if (body.output) {
    run.output = {
      title: body.output.title ?? run.output.title,
      summary: body.output.summary,
      text: body.output.text ?? run.output.text,
    };
    // Annotations accumulate across updates, which is how more than 50 are posted.
    run.annotations.push(...((body.output.annotations ?? []) as AnnotationRecord[]));
  }
  if (body.actions !== undefined) run.actions = body.actions.map((a) => ({ ...a }));
}

export const handlers: Record<string, Handler> = {
  // Repository settings (branch protection, rulesets, apps) read by `proceed doctor`.
  ...settingsHandlers,
  ...deploymentHandlers,
  'repos/get': (ctx) => ({ status: 200, body: repositoryJson(ctx.urls, repoOf(ctx)) }),

  'pulls/get': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    return {
      status: 200,
      body: pullRequestJson(ctx.urls, repo, pr, {
        comments: repo.comments.filter((c) => c.issueNumber === pr.number).length,
        authorAssociation: ctx.store.authorAssociation(repo, pr.user),
      }),
    };
  },

  'pulls/list': (ctx) => {
    const repo = repoOf(ctx);
    const state = (ctx.query['state'] as string | undefined) ?? 'open';
    const head = ctx.query['head'] as string | undefined;
    const base = ctx.query['base'] as string | undefined;
    const pulls = [...repo.pulls.values()]
      .filter((pr) => state === 'all' || pr.state === state)
      .filter((pr) => !head || `${pr.headOwner}:${pr.headRef}` === head || pr.headRef === head)
      .filter((pr) => !base || pr.baseRef === base)
      .sort((a, b) => b.number - a.number);
    const { page, headers } = paginate(ctx, pulls);
    const body = page.map((pr) =>
      pullRequestJson(ctx.urls, repo, pr, {
        comments: repo.comments.filter((c) => c.issueNumber === pr.number).length,
        authorAssociation: ctx.store.authorAssociation(repo, pr.user),
      }),
    );
    return { status: 200, body, headers };
  },

  'pulls/list-files': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const { page, headers } = paginate(ctx, pr.files);
    return { status: 200, body: page.map((f) => diffEntryJson(ctx.urls, repo, pr, f)), headers };
  },

  'pulls/list-commits': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    // Every commit from the head back to the base, oldest first, as GitHub lists them.
    const chain: string[] = [];
    const seen = new Set<string>();
    for (let sha: string | undefined = pr.headSha; sha && sha !== pr.baseSha && !seen.has(sha);) {
      seen.add(sha);
      chain.unshift(sha);
      sha = repo.gitCommits.get(sha)?.parents[0];
    }
    const commits = chain.flatMap((sha) => {
      const commit = repo.gitCommits.get(sha);
      return commit ? [commitJson(ctx.urls, repo, commit, repo.commitLogins?.get(sha))] : [];
    });
    const { page, headers } = paginate(ctx, commits.slice(0, 250));
    return { status: 200, body: page, headers };
  },

  'repos/compare-commits-with-basehead': (ctx) => {
    const repo = repoOf(ctx);
    const [baseRef = '', headRef = ''] = (ctx.params['basehead'] ?? '').split('...');
    const base = ctx.store.resolveCommit(repo, baseRef);
    const head = ctx.store.resolveCommit(repo, headRef);
    if (!base || !head || !repo.gitCommits.has(base) || !repo.gitCommits.has(head)) throw notFound(ctx);
    // The files the fake serves at each commit stand for its tree.
    const [from, to] = [ctx.store.resolveTree(repo, base), ctx.store.resolveTree(repo, head)];
    const paths = [...new Set([...(from?.keys() ?? []), ...(to?.keys() ?? [])])].sort();
    const files = paths
      .filter((p) => from?.get(p) !== to?.get(p))
      .map((filename) => ({
        sha: fakeSha('blob', to?.get(filename) ?? ''),
        filename,
        status: (!from?.has(filename) ? 'added' : !to?.has(filename) ? 'removed' : 'modified') as
          'added' | 'removed' | 'modified',
        additions: 0,
        deletions: 0,
        changes: 0,
        blob_url: `${ctx.urls.html}/${repo.owner}/${repo.name}/blob/${head}/${filename}`,
        raw_url: `${ctx.urls.html}/${repo.owner}/${repo.name}/raw/${head}/${filename}`,
        contents_url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/contents/${filename}?ref=${head}`,
      }));
    const baseCommit = commitJson(ctx.urls, repo, repo.gitCommits.get(base)!);
    const html = `${ctx.urls.html}/${repo.owner}/${repo.name}/compare/${base}...${head}`;
    return {
      status: 200,
      body: {
        url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/compare/${base}...${head}`,
        html_url: html,
        permalink_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        base_commit: baseCommit,
        merge_base_commit: baseCommit,
        status: 'ahead' as const,
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        commits: [commitJson(ctx.urls, repo, repo.gitCommits.get(head)!)],
        files,
      },
    };
  },

  'pulls/list-reviews': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    // Pending reviews are visible only to their author.
    const reviews = repo.reviews.filter(
      (r) => r.pullNumber === pr.number && (r.state !== 'PENDING' || r.user === ctx.actor.login),
    );
    const { page, headers } = paginate(ctx, reviews);
    return { status: 200, body: page.map((r) => reviewOut(ctx, repo, r)), headers };
  },

  'pulls/create-review': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const body = (ctx.body ?? {}) as JsonBody<'pulls/create-review'>;
    checkBodyLength(ctx, body.body, 'PullRequestReview');
    if ((body.event === 'COMMENT' || body.event === 'REQUEST_CHANGES') && !body.body) {
      throw unprocessable(ctx, 'Unprocessable Entity', `a ${body.event} review needs a body`, [
        'Review body is required for COMMENT and REQUEST_CHANGES events',
      ]);
    }
    if (body.event === 'APPROVE' && pr.user === ctx.actor.login) {
      throw unprocessable(ctx, 'Unprocessable Entity', undefined, ['Can not approve your own pull request']);
    }
    if (
      !body.event &&
      repo.reviews.some(
        (r) => r.pullNumber === pr.number && r.user === ctx.actor.login && r.state === 'PENDING',
      )
    ) {
      throw unprocessable(ctx, 'Unprocessable Entity', undefined, [
        'User can only have one pending review per pull request',
      ]);
    }
    const state = (
      { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' } as const
    )[body.event ?? 'COMMENT'];
    const review: ReviewRecord = {
      id: ctx.store.nextId('review'),
      pullNumber: pr.number,
      user: ctx.actor.login,
      body: body.body ?? '',
      state: body.event ? state : 'PENDING',
      commitId: body.commit_id ?? pr.headSha,
      submittedAt: body.event ? ctx.store.now() : null,
    };
    repo.reviews.push(review);
    return { status: 200, body: reviewOut(ctx, repo, review) };
  },

  'pulls/get-review': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const review = repo.reviews.find(
      (r) => r.id === intParam(ctx, 'review_id') && r.pullNumber === pr.number,
    );
    if (!review) throw notFound(ctx);
    return { status: 200, body: reviewOut(ctx, repo, review) };
  },

  'pulls/update-review': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const review = repo.reviews.find(
      (r) => r.id === intParam(ctx, 'review_id') && r.pullNumber === pr.number,
    );
    if (!review) throw notFound(ctx);
    const body = ctx.body as JsonBody<'pulls/update-review'>;
    if (review.user !== ctx.actor.login) {
      throw forbidden(
        ctx,
        'Resource not accessible by integration',
        `${ctx.actor.login} cannot edit ${review.user}'s review`,
      );
    }
    checkBodyLength(ctx, body.body, 'PullRequestReview');
    review.body = body.body;
    return { status: 200, body: reviewOut(ctx, repo, review) };
  },

  'pulls/submit-review': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const review = repo.reviews.find(
      (r) => r.id === intParam(ctx, 'review_id') && r.pullNumber === pr.number && r.user === ctx.actor.login,
    );
    if (!review) throw notFound(ctx);
    if (review.state !== 'PENDING')
      throw unprocessable(ctx, 'Unprocessable Entity', undefined, ['Can not submit a non-pending review']);
    const body = ctx.body as JsonBody<'pulls/submit-review'>;
    checkBodyLength(ctx, body.body, 'PullRequestReview');
    if (body.body !== undefined) review.body = body.body;
    review.state = (
      { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' } as const
    )[body.event];
    review.submittedAt = ctx.store.now();
    return { status: 200, body: reviewOut(ctx, repo, review) };
  },

  'issues/list-comments': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const since = ctx.query['since'] as string | undefined;
    const comments = repo.comments.filter(
      (c) => c.issueNumber === pr.number && (!since || c.updatedAt >= since),
    );
    const { page, headers } = paginate(ctx, comments);
    return { status: 200, body: page.map((c) => commentJson(ctx, repo, c)), headers };
  },

  'issues/create-comment': (ctx) => {
    const repo = repoOf(ctx);
    const pr = pullOf(ctx, repo);
    const body = ctx.body as JsonBody<'issues/create-comment'>;
    checkBodyLength(ctx, body.body, 'IssueComment');
    const now = ctx.store.now();
    const comment: CommentRecord = {
      id: ctx.store.nextId('comment'),
      issueNumber: pr.number,
      user: ctx.actor.login,
      body: body.body,
      createdAt: now,
      updatedAt: now,
      ...(ctx.actor.app ? { app: ctx.actor.app } : {}),
    };
    repo.comments.push(comment);
    return {
      status: 201,
      body: commentJson(ctx, repo, comment),
      headers: { location: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/issues/comments/${comment.id}` },
    };
  },

  'issues/get-comment': (ctx) => {
    const repo = repoOf(ctx);
    return { status: 200, body: commentJson(ctx, repo, commentOf(ctx, repo)) };
  },

  'issues/update-comment': (ctx) => {
    const repo = repoOf(ctx);
    const comment = commentOf(ctx, repo);
    const body = ctx.body as JsonBody<'issues/update-comment'>;
    checkBodyLength(ctx, body.body, 'IssueComment');
    comment.body = body.body;
    comment.updatedAt = ctx.store.now();
    return { status: 200, body: commentJson(ctx, repo, comment) };
  },

  'issues/delete-comment': (ctx) => {
    const repo = repoOf(ctx);
    const comment = commentOf(ctx, repo);
    repo.comments.splice(repo.comments.indexOf(comment), 1);
    return { status: 204 };
  },

  'reactions/create-for-issue-comment': (ctx) => {
    const repo = repoOf(ctx);
    const comment = commentOf(ctx, repo);
    const body = ctx.body as JsonBody<'reactions/create-for-issue-comment'>;
    const existing = repo.reactions.find(
      (r) => r.commentId === comment.id && r.user === ctx.actor.login && r.content === body.content,
    );
    // Reacting twice with the same content returns the first reaction with 200.
    if (existing) return { status: 200, body: reactionJson(ctx.urls, existing) };
    const reaction: ReactionRecord = {
      id: ctx.store.nextId('reaction'),
      commentId: comment.id,
      user: ctx.actor.login,
      content: body.content,
      createdAt: ctx.store.now(),
    };
    repo.reactions.push(reaction);
    return { status: 201, body: reactionJson(ctx.urls, reaction) };
  },

  'reactions/list-for-issue-comment': (ctx) => {
    const repo = repoOf(ctx);
    const comment = commentOf(ctx, repo);
    const content = ctx.query['content'] as string | undefined;
    const reactions = reactionsOf(repo, comment.id).filter((r) => !content || r.content === content);
    const { page, headers } = paginate(ctx, reactions);
    return { status: 200, body: page.map((r) => reactionJson(ctx.urls, r)), headers };
  },

  'checks/create': (ctx) => {
    const repo = repoOf(ctx);
    const body = ctx.body as JsonBody<'checks/create'>;
    const app = ctx.actor.app;
    if (!app) throw forbidden(ctx, 'You must authenticate via a GitHub App.');
    checkOutputLimits(ctx, body.output);
    if (!repo.objects.has(body.head_sha)) {
      throw unprocessable(ctx, 'Validation Failed', undefined, [
        {
          resource: 'CheckRun',
          code: 'invalid',
          field: 'head_sha',
          message: `No commit found for SHA: ${body.head_sha}`,
        },
      ]);
    }
    const now = ctx.store.now();
    const run: CheckRunRecord = {
      id: ctx.store.nextId('checkRun'),
      headSha: body.head_sha,
      name: body.name,
      status: 'queued',
      conclusion: null,
      startedAt: now,
      completedAt: null,
      externalId: null,
      detailsUrl: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      actions: [],
      app,
      checkSuiteId: ctx.store.checkSuiteId(body.head_sha, app.id),
    };
    applyCheckRunFields(ctx, run, body);
    run.externalId ??= '';
    repo.checkRuns.push(run);
    return { status: 201, body: checkRunOut(ctx, repo, run) };
  },

  'checks/update': (ctx) => {
    const repo = repoOf(ctx);
    const run = checkRunOf(ctx, repo);
    const body = ctx.body as JsonBody<'checks/update'>;
    if (ctx.actor.app?.id !== run.app.id) {
      throw forbidden(
        ctx,
        'Invalid app_id `' +
          String(ctx.actor.app?.id ?? 'none') +
          '` - check run can only be modified by the GitHub App that created it.',
      );
    }
    checkOutputLimits(ctx, body.output);
    // Validate on a copy: a rejected update must not change the run.
    const next = structuredClone(run);
    applyCheckRunFields(ctx, next, body);
    Object.assign(run, next);
    return { status: 200, body: checkRunOut(ctx, repo, run) };
  },

  'checks/get': (ctx) => {
    const repo = repoOf(ctx);
    return { status: 200, body: checkRunOut(ctx, repo, checkRunOf(ctx, repo)) };
  },

  'checks/list-annotations': (ctx) => {
    const repo = repoOf(ctx);
    const run = checkRunOf(ctx, repo);
    const { page, headers } = paginate(ctx, run.annotations);
    return { status: 200, body: page.map((a) => annotationJson(ctx.urls, repo, run.headSha, a)), headers };
  },

  'checks/list-for-ref': (ctx) => {
    const repo = repoOf(ctx);
    const sha = ctx.store.resolveCommit(repo, ctx.params['ref'] ?? '');
    if (!sha) throw unprocessable(ctx, `No commit found for SHA: ${ctx.params['ref']}`);
    const name = ctx.query['check_name'] as string | undefined;
    const status = ctx.query['status'] as string | undefined;
    const appId = ctx.query['app_id'] as number | undefined;
    const newestFirst = repo.checkRuns
      .filter((c) => c.headSha === sha)
      .filter((c) => !name || c.name === name)
      .filter((c) => !status || c.status === status)
      .filter((c) => appId === undefined || c.app.id === appId)
      .reverse();
    const runs =
      (ctx.query['filter'] ?? 'latest') === 'latest'
        ? newestFirst.filter(
            (c, i) => newestFirst.findIndex((d) => d.name === c.name && d.app.id === c.app.id) === i,
          )
        : newestFirst;
    const { page, headers } = paginate(ctx, runs);
    return {
      status: 200,
      body: { total_count: runs.length, check_runs: page.map((c) => checkRunOut(ctx, repo, c)) },
      headers,
    };
  },

  'git/create-ref': (ctx) => {
    const repo = repoOf(ctx);
    const body = ctx.body as JsonBody<'git/create-ref'>;
    if (!/^refs\/[^/]+\/.+/.test(body.ref)) {
      throw unprocessable(
        ctx,
        "Reference name must start with 'refs/' and have at least two slashes.",
        `ref "${body.ref}" is not fully qualified (refs/<kind>/<name>)`,
      );
    }
    if (repo.refs.has(body.ref)) throw unprocessable(ctx, 'Reference already exists');
    if (!repo.objects.has(body.sha)) throw unprocessable(ctx, 'Object does not exist');
    repo.refs.set(body.ref, body.sha);
    return { status: 201, body: gitRefJson(ctx.urls, repo, body.ref, body.sha) };
  },

  'git/get-ref': (ctx) => {
    const repo = repoOf(ctx);
    const ref = fullRef(ctx.params['ref'] ?? '');
    const sha = repo.refs.get(ref);
    if (!sha) throw notFound(ctx);
    return { status: 200, body: gitRefJson(ctx.urls, repo, ref, sha) };
  },

  'git/list-matching-refs': (ctx) => {
    const repo = repoOf(ctx);
    const prefix = fullRef(ctx.params['ref'] ?? '');
    const refs = [...repo.refs]
      .filter(([ref]) => ref.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([ref, sha]) => gitRefJson(ctx.urls, repo, ref, sha));
    return { status: 200, body: refs };
  },

  'git/update-ref': (ctx) => {
    const repo = repoOf(ctx);
    const ref = fullRef(ctx.params['ref'] ?? '');
    const body = ctx.body as JsonBody<'git/update-ref'>;
    const current = repo.refs.get(ref);
    if (current === undefined) throw unprocessable(ctx, 'Reference does not exist');
    if (!repo.objects.has(body.sha)) throw unprocessable(ctx, 'Object does not exist');
    // Without force GitHub moves a ref only forward: the new commit must descend from the current one.
    if (!body.force && !descendsFrom((sha) => repo.gitCommits.get(sha)?.parents, body.sha, current))
      throw unprocessable(ctx, 'Update is not a fast forward');
    repo.refs.set(ref, body.sha);
    return { status: 200, body: gitRefJson(ctx.urls, repo, ref, body.sha) };
  },

  'git/delete-ref': (ctx) => {
    const repo = repoOf(ctx);
    const ref = fullRef(ctx.params['ref'] ?? '');
    if (!repo.refs.delete(ref)) throw unprocessable(ctx, 'Reference does not exist');
    return { status: 204 };
  },

  'git/create-tree': (ctx) => {
    const repo = repoOf(ctx);
    const body = ctx.body as JsonBody<'git/create-tree'>;
    if (body.base_tree && !repo.objects.has(body.base_tree)) throw unprocessable(ctx, 'Invalid base_tree');
    const entries = body.tree.map((e) => {
      const sha = e.content !== undefined ? blobSha(e.content) : (e.sha ?? fakeSha('deleted', e.path ?? ''));
      return {
        path: e.path ?? '',
        mode: e.mode ?? '100644',
        type: e.type ?? 'blob',
        sha,
        url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${sha}`,
        ...(e.content !== undefined ? { size: Buffer.byteLength(e.content) } : {}),
      };
    });
    const sha = fakeSha('tree', body.base_tree ?? '', JSON.stringify(entries));
    repo.objects.add(sha);
    repo.gitTrees.add(sha);
    return {
      status: 201,
      body: {
        sha,
        url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`,
        tree: entries,
        truncated: false,
      },
    };
  },

  'git/create-commit': (ctx) => {
    const repo = repoOf(ctx);
    const body = ctx.body as JsonBody<'git/create-commit'>;
    if (!repo.gitTrees.has(body.tree)) throw unprocessable(ctx, 'Tree SHA does not exist');
    const parents = body.parents ?? [];
    if (parents.some((p) => !repo.gitCommits.has(p)))
      throw unprocessable(ctx, 'Parent SHA does not exist or is not a commit object');
    const now = ctx.store.now();
    const person = { name: ctx.actor.login, email: `${ctx.actor.login}@users.noreply.github.com`, date: now };
    const author = { ...person, ...body.author };
    const committer = { ...author, ...body.committer };
    const commit: GitCommitRecord = {
      sha: fakeSha(
        'commit',
        body.message,
        body.tree,
        parents.join(','),
        author.date,
        String(repo.gitCommits.size),
      ),
      message: body.message,
      tree: body.tree,
      parents,
      author,
      committer,
    };
    repo.gitCommits.set(commit.sha, commit);
    repo.objects.add(commit.sha);
    return { status: 201, body: gitCommitJson(ctx.urls, repo, commit) };
  },

  'git/get-commit': (ctx) => {
    const repo = repoOf(ctx);
    const commit = repo.gitCommits.get(ctx.params['commit_sha'] ?? '');
    if (!commit) throw notFound(ctx);
    return { status: 200, body: gitCommitJson(ctx.urls, repo, commit) };
  },

  'repos/get-content': (ctx) => {
    const repo = repoOf(ctx);
    const ref = (ctx.query['ref'] as string | undefined) ?? repo.defaultBranch;
    const path = (ctx.params['path'] ?? '').replace(/^\/+|\/+$/g, '');
    const tree = ctx.store.resolveTree(repo, ref);
    const content = tree?.get(path);
    if (content !== undefined) {
      const accept = String(ctx.headers['accept'] ?? '');
      if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
        return {
          status: 200,
          text: content,
          headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' },
        };
      }
      return { status: 200, body: contentFileJson(ctx.urls, repo, path, content, ref) };
    }
    const prefix = path === '' ? '' : `${path}/`;
    const children = new Map<string, 'file' | 'dir'>();
    for (const p of tree?.keys() ?? []) {
      if (!p.startsWith(prefix)) continue;
      const [first, ...rest] = p.slice(prefix.length).split('/');
      if (first) children.set(first, rest.length ? 'dir' : (children.get(first) ?? 'file'));
    }
    if (children.size === 0) throw notFound(ctx);
    const listing = [...children].map(([name, type]) => {
      const childPath = prefix + name;
      if (type === 'file') {
        const {
          content: _content,
          encoding: _encoding,
          ...entry
        } = contentFileJson(ctx.urls, repo, childPath, tree?.get(childPath) ?? '', ref);
        return entry;
      }
      const sha = fakeSha('tree', ref, childPath);
      const self = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/contents/${childPath}?ref=${encodeURIComponent(ref)}`;
      const git = `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`;
      const html = `${ctx.urls.html}/${repo.owner}/${repo.name}/tree/${ref}/${childPath}`;
      return {
        type: 'dir',
        size: 0,
        name,
        path: childPath,
        sha,
        url: self,
        git_url: git,
        html_url: html,
        download_url: null,
        _links: { self, git, html },
      };
    });
    return { status: 200, body: listing };
  },

  'actions/create-workflow-dispatch': (ctx) => {
    const repo = repoOf(ctx);
    const body = ctx.body as JsonBody<'actions/create-workflow-dispatch'>;
    const sha = ctx.store.resolveCommit(repo, body.ref);
    if (!sha) throw unprocessable(ctx, `No ref found for: ${body.ref}`);
    const workflowId = ctx.params['workflow_id'] ?? '';
    const now = ctx.store.now();
    const run = {
      id: ctx.store.nextId('workflowRun'),
      workflowId,
      name: workflowId.replace(/\.ya?ml$/, ''),
      headBranch: body.ref.replace(/^refs\/(heads|tags)\//, ''),
      headSha: sha,
      event: 'workflow_dispatch',
      status: 'queued' as const,
      conclusion: null,
      runNumber: repo.workflowRuns.size + 1,
      runAttempt: 1,
      actor: ctx.actor.login,
      createdAt: now,
      updatedAt: now,
    };
    repo.workflowRuns.set(run.id, run);
    repo.dispatches.push({
      workflowId,
      ref: body.ref,
      inputs: { ...body.inputs },
      actor: ctx.actor.login,
      runId: run.id,
    });
    if (!body.return_run_details) return { status: 204 };
    return {
      status: 200,
      body: {
        workflow_run_id: run.id,
        run_url: `${ctx.urls.api}/repos/${repo.owner}/${repo.name}/actions/runs/${run.id}`,
        html_url: `${ctx.urls.html}/${repo.owner}/${repo.name}/actions/runs/${run.id}`,
      },
    };
  },

  'actions/get-workflow-run': (ctx) => {
    const repo = repoOf(ctx);
    const run = repo.workflowRuns.get(intParam(ctx, 'run_id'));
    if (!run) throw notFound(ctx);
    return { status: 200, body: workflowRunJson(ctx.urls, repo, run) };
  },

  'actions/list-workflow-runs-for-repo': (ctx) => {
    const repo = repoOf(ctx);
    const q = ctx.query;
    const runs = [...repo.workflowRuns.values()]
      .filter((r) => !q['branch'] || r.headBranch === q['branch'])
      .filter((r) => !q['event'] || r.event === q['event'])
      .filter((r) => !q['status'] || r.status === q['status'] || r.conclusion === q['status'])
      .filter((r) => !q['head_sha'] || r.headSha === q['head_sha'])
      .filter((r) => !q['actor'] || r.actor === q['actor'])
      .reverse();
    const { page, headers } = paginate(ctx, runs);
    return {
      status: 200,
      body: { total_count: runs.length, workflow_runs: page.map((r) => workflowRunJson(ctx.urls, repo, r)) },
      headers,
    };
  },

  'repos/get-collaborator-permission-level': (ctx) => {
    const repo = repoOf(ctx);
    const login = ctx.params['username'] ?? '';
    return { status: 200, body: collaboratorPermissionJson(ctx.urls, login, ctx.store.role(repo, login)) };
  },

  'teams/get-membership-for-user-in-org': (ctx) => {
    const org = ctx.params['org'] ?? '';
    const team = ctx.params['team_slug'] ?? '';
    const login = ctx.params['username'] ?? '';
    const role = ctx.store.teams.get(`${org}/${team}`.toLowerCase())?.get(login.toLowerCase());
    if (!role) throw notFound(ctx);
    return {
      status: 200,
      body: { url: `${ctx.urls.api}/orgs/${org}/teams/${team}/memberships/${login}`, role, state: 'active' },
    };
  },

  'users/get-by-username': (ctx) => ({
    status: 200,
    body: publicUserJson(ctx.urls, ctx.params['username'] ?? ''),
  }),

  'users/get-authenticated': (ctx) => {
    if (ctx.actor.type === 'Bot') throw forbidden(ctx, 'Resource not accessible by integration');
    return { status: 200, body: { ...publicUserJson(ctx.urls, ctx.actor.login) } };
  },

  'apps/get-authenticated': (ctx) => ({
    status: 200,
    body: appJson(ctx.urls, ctx.actor.app ?? GITHUB_ACTIONS_APP),
  }),
  // Installation tokens, their scope and revocation: installation-tokens.ts.
};

/** Exposed so a harness test can hold the handlers to real operationIds. */
export const implementedOperations = Object.keys(handlers);

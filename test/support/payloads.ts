/**
 * Webhook payloads for tests, built from GitHub's real examples (@octokit/webhooks-examples) with
 * the fields a test cares about overridden, so every payload keeps GitHub's full shape.
 *
 *   pullRequestEvent('opened', { number: 7, headSha, baseSha, user: 'alice' })
 *   pullRequestReviewEvent('submitted', { number: 7, state: 'approved', user: 'bob', commitId: headSha })
 *   issueCommentEvent('created', { number: 7, body: '/proceed', user: 'bob', commentId: c.id })
 *   checkRunEvent('requested_action', { identifier: 'proceed', user: 'bob', headSha, checkRunId })
 *   mergeGroupEvent('checks_requested', { headSha, headRef: 'refs/heads/gh-readonly-queue/main/pr-7-<sha>', baseSha })
 *
 * Defaults match the fake's default repository (octo-org/widgets, branch main), and option names
 * match the fake's seeds, so one object can seed the fake and build the payload.
 */
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type {
  CheckRunEvent,
  IssueCommentEvent,
  MergeGroupEvent,
  PullRequestEvent,
  PullRequestReviewEvent,
  Repository,
  User,
  WebhookEventName,
} from '@octokit/webhooks-types';
import { DEFAULT_OWNER, DEFAULT_REPO, fakeSha, userId } from './fake-github/model.js';
import { GITHUB_URLS, rebase, userJson } from './fake-github/shapes.js';

const require = createRequire(import.meta.url);
// The package's main is a JSON index of every event with its examples.
const definitions = require('@octokit/webhooks-examples') as WebhookDefinition[];

/** A deep copy of GitHub's example for the event and action (or the event's first example). */
function example<T>(event: WebhookEventName, action?: string): T {
  const definition = definitions.find((d) => d.name === event);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no ${event} event`);
  const examples = definition.examples as { action?: string }[];
  // Actions without an example of their own borrow the event's first example (then re-labelled).
  const found = examples.find((e) => e.action === action) ?? examples[0];
  if (!found) throw new Error(`@octokit/webhooks-examples has no example for ${event}`);
  return structuredClone(found) as T;
}

export interface RepositoryOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  private?: boolean;
  /** The repository id (the fake assigns its own; pass `fake.repo().record.id` to agree). */
  repoId?: number;
  /** `installation.id` for a GitHub App (default 1); null leaves `installation` out, as Actions events do. */
  installationId?: number | null;
  /** Who triggered the event (default: the event's natural actor). */
  sender?: string;
}

function user(login: string): User {
  return userJson(GITHUB_URLS, login) as unknown as User;
}

function fullName(o: RepositoryOptions): string {
  return `${o.owner ?? DEFAULT_OWNER}/${o.repo ?? DEFAULT_REPO}`;
}

/** The repository object, from the pull_request example's repository (Codertocat/Hello-World). */
function repository(o: RepositoryOptions, forkOf?: { owner: string }): Repository {
  const base = example<{ repository: Repository }>('pull_request', 'opened').repository;
  const owner = forkOf?.owner ?? o.owner ?? DEFAULT_OWNER;
  const name = o.repo ?? DEFAULT_REPO;
  const full = `${owner}/${name}`;
  const repo = rebase(base, [['Codertocat/Hello-World', full]]);
  return {
    ...repo,
    id: forkOf ? userId(full) : (o.repoId ?? userId(full)),
    node_id: Buffer.from(`010:Repository${full}`).toString('base64'),
    name,
    full_name: full,
    owner: user(owner),
    private: o.private ?? false,
    fork: forkOf !== undefined,
    default_branch: o.defaultBranch ?? 'main',
    master_branch: o.defaultBranch ?? 'main',
  };
}

function envelope(o: RepositoryOptions, actor: string) {
  const installationId = o.installationId === undefined ? 1 : o.installationId;
  return {
    repository: repository(o),
    sender: user(o.sender ?? actor),
    ...(installationId === null
      ? {}
      : {
          installation: {
            id: installationId,
            node_id: Buffer.from(`033:Installation${installationId}`).toString('base64'),
          },
        }),
  };
}

function withoutOrganization<T extends object>(payload: T): T {
  delete (payload as { organization?: unknown }).organization;
  delete (payload as { installation?: unknown }).installation;
  return payload;
}

export interface PullRequestOptions extends RepositoryOptions {
  number: number;
  headSha: string;
  baseSha: string;
  /** The author (default octocat, as the fake's addPullRequest). */
  user?: string;
  headRef?: string;
  baseRef?: string;
  fork?: boolean;
  forkOwner?: string;
  title?: string;
  body?: string | null;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
}

/** The `pull_request` object of pull_request and pull_request_review events. */
function pullRequestObject(o: PullRequestOptions, template: Record<string, unknown>) {
  const full = fullName(o);
  const author = o.user ?? 'octocat';
  const headOwner = o.fork ? (o.forkOwner ?? author) : (o.owner ?? DEFAULT_OWNER);
  const headRef = o.headRef ?? `topic-${o.number}`;
  const baseRef = o.baseRef ?? o.defaultBranch ?? 'main';
  const api = `${GITHUB_URLS.api}/repos/${full}`;
  const html = `${GITHUB_URLS.html}/${full}`;
  const state = o.state ?? 'open';
  const rebased = rebase(template, [['Codertocat/Hello-World', full]]) as Record<string, unknown> & {
    head: Record<string, unknown>;
    base: Record<string, unknown>;
  };
  return {
    ...rebased,
    url: `${api}/pulls/${o.number}`,
    id: userId(`${full}#${o.number}`),
    html_url: `${html}/pull/${o.number}`,
    diff_url: `${html}/pull/${o.number}.diff`,
    patch_url: `${html}/pull/${o.number}.patch`,
    issue_url: `${api}/issues/${o.number}`,
    commits_url: `${api}/pulls/${o.number}/commits`,
    review_comments_url: `${api}/pulls/${o.number}/comments`,
    comments_url: `${api}/issues/${o.number}/comments`,
    statuses_url: `${api}/statuses/${o.headSha}`,
    number: o.number,
    state,
    title: o.title ?? `Pull request #${o.number}`,
    body: o.body ?? null,
    user: user(author),
    draft: o.draft ?? false,
    merged: o.merged ?? false,
    closed_at: state === 'closed' ? '2024-01-01T00:00:00Z' : null,
    merged_at: o.merged ? '2024-01-01T00:00:00Z' : null,
    merged_by: o.merged ? user(o.owner ?? DEFAULT_OWNER) : null,
    merge_commit_sha: o.merged ? fakeSha('merge', String(o.number)) : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    head: {
      ...rebased.head,
      label: `${headOwner}:${headRef}`,
      ref: headRef,
      sha: o.headSha,
      user: user(headOwner),
      repo: o.fork ? repository(o, { owner: headOwner }) : repository(o),
    },
    base: {
      ...rebased.base,
      label: `${o.owner ?? DEFAULT_OWNER}:${baseRef}`,
      ref: baseRef,
      sha: o.baseSha,
      user: user(o.owner ?? DEFAULT_OWNER),
      repo: repository(o),
    },
  };
}

export type PullRequestAction = PullRequestEvent['action'];

export function pullRequestEvent<A extends PullRequestAction>(
  action: A,
  o: PullRequestOptions & { before?: string },
): Extract<PullRequestEvent, { action: A }> {
  const payload = withoutOrganization(example<Record<string, unknown>>('pull_request', action));
  const template = payload['pull_request'] as Record<string, unknown>;
  const out: Record<string, unknown> = {
    ...payload,
    action,
    number: o.number,
    pull_request: pullRequestObject(o, template),
    ...envelope(o, o.user ?? 'octocat'),
  };
  if (action === 'synchronize') {
    out['before'] = o.before ?? fakeSha('before', o.headSha);
    out['after'] = o.headSha;
  } else {
    delete out['before'];
    delete out['after'];
  }
  return out as unknown as Extract<PullRequestEvent, { action: A }>;
}

export interface ReviewOptions extends Omit<PullRequestOptions, 'user' | 'state'> {
  /** Webhook review states are lower-case. */
  state: 'approved' | 'commented' | 'changes_requested' | 'dismissed';
  /** The reviewer. */
  user: string;
  /** Author of the pull request (default octocat). */
  prAuthor?: string;
  /** The commit the review is on (default: headSha). */
  commitId?: string;
  reviewId?: number;
  reviewBody?: string | null;
  authorAssociation?: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';
}

export function pullRequestReviewEvent<A extends PullRequestReviewEvent['action']>(
  action: A,
  o: ReviewOptions,
): Extract<PullRequestReviewEvent, { action: A }> {
  const payload = withoutOrganization(example<Record<string, unknown>>('pull_request_review', action));
  const full = fullName(o);
  const reviewId = o.reviewId ?? userId(`${full}#${o.number}:${o.user}`);
  const html = `${GITHUB_URLS.html}/${full}/pull/${o.number}#pullrequestreview-${reviewId}`;
  const pullApi = `${GITHUB_URLS.api}/repos/${full}/pulls/${o.number}`;
  const review = rebase(payload['review'] as Record<string, unknown>, [['Codertocat/Hello-World', full]]);
  const out = {
    ...payload,
    action,
    review: {
      ...review,
      id: reviewId,
      node_id: Buffer.from(`017:PullRequestReview${reviewId}`).toString('base64'),
      user: user(o.user),
      body: o.reviewBody ?? null,
      commit_id: o.commitId ?? o.headSha,
      submitted_at: '2024-01-01T00:00:00Z',
      state: o.state,
      html_url: html,
      pull_request_url: pullApi,
      author_association: o.authorAssociation ?? 'COLLABORATOR',
      _links: { html: { href: html }, pull_request: { href: pullApi } },
    },
    pull_request: pullRequestObject(
      { ...o, user: o.prAuthor, state: 'open' },
      payload['pull_request'] as Record<string, unknown>,
    ),
    ...envelope(o, o.user),
  };
  return out as unknown as Extract<PullRequestReviewEvent, { action: A }>;
}

export interface IssueCommentOptions extends RepositoryOptions {
  number: number;
  body: string;
  /** The commenter. */
  user: string;
  commentId?: number;
  /** The issue is a pull request (default true). */
  isPullRequest?: boolean;
  /** Author of the pull request (default octocat). */
  prAuthor?: string;
  authorAssociation?: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';
  /** For 'edited': the body before the edit. */
  previousBody?: string;
  /** When the comment was written (default: now). */
  createdAt?: string;
}

export function issueCommentEvent<A extends IssueCommentEvent['action']>(
  action: A,
  o: IssueCommentOptions,
): Extract<IssueCommentEvent, { action: A }> {
  const payload = withoutOrganization(example<Record<string, unknown>>('issue_comment', action));
  const full = fullName(o);
  const api = `${GITHUB_URLS.api}/repos/${full}`;
  const html = `${GITHUB_URLS.html}/${full}`;
  const isPullRequest = o.isPullRequest ?? true;
  const kind = isPullRequest ? 'pull' : 'issues';
  const commentId = o.commentId ?? userId(`${full}#${o.number}:${o.user}:${o.body}`);
  const issue = rebase(payload['issue'] as Record<string, unknown>, [['Codertocat/Hello-World', full]]);
  const comment = rebase(payload['comment'] as Record<string, unknown>, [['Codertocat/Hello-World', full]]);
  const out: Record<string, unknown> = {
    ...payload,
    action,
    issue: {
      ...issue,
      url: `${api}/issues/${o.number}`,
      html_url: `${html}/${kind}/${o.number}`,
      number: o.number,
      id: userId(`${full}#${o.number}`),
      user: user(o.prAuthor ?? 'octocat'),
      state: 'open',
      labels: [],
      assignee: null,
      assignees: [],
      milestone: null,
      ...(isPullRequest
        ? {
            pull_request: {
              url: `${api}/pulls/${o.number}`,
              html_url: `${html}/pull/${o.number}`,
              diff_url: `${html}/pull/${o.number}.diff`,
              patch_url: `${html}/pull/${o.number}.patch`,
              merged_at: null,
            },
          }
        : {}),
    },
    comment: {
      ...comment,
      id: commentId,
      node_id: Buffer.from(`012:IssueComment${commentId}`).toString('base64'),
      url: `${api}/issues/comments/${commentId}`,
      html_url: `${html}/${kind}/${o.number}#issuecomment-${commentId}`,
      issue_url: `${api}/issues/${o.number}`,
      user: user(o.user),
      body: o.body,
      author_association: o.authorAssociation ?? 'COLLABORATOR',
      // Written now, as a comment that triggers a workflow is (the gate compares it with its last render).
      created_at: o.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      updated_at: o.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    ...envelope(o, o.user),
  };
  if (action === 'edited') out['changes'] = { body: { from: o.previousBody ?? '' } };
  if (!isPullRequest) delete (out['issue'] as Record<string, unknown>)['pull_request'];
  return out as unknown as Extract<IssueCommentEvent, { action: A }>;
}

export interface CheckRunOptions extends RepositoryOptions {
  /** The button's identifier (requested_action). */
  identifier?: string;
  /** Who pressed the button or re-requested the run. */
  user: string;
  checkRunId?: number;
  name?: string;
  headSha: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'timed_out'
    | 'action_required'
    | 'stale'
    | 'skipped'
    | null;
  externalId?: string;
  /** Pull requests the check run belongs to. */
  pullRequests?: { number: number; headRef?: string; baseRef?: string; baseSha?: string }[];
  /** The app that owns the check run (default GitHub Actions). */
  app?: { id: number; slug: string; name?: string };
}

export function checkRunEvent<A extends CheckRunEvent['action']>(
  action: A,
  o: CheckRunOptions,
): Extract<CheckRunEvent, { action: A }> {
  const payload = withoutOrganization(example<Record<string, unknown>>('check_run', action));
  const full = fullName(o);
  const api = `${GITHUB_URLS.api}/repos/${full}`;
  const repoRef = { id: o.repoId ?? userId(full), url: api, name: o.repo ?? DEFAULT_REPO };
  const pullRequests = (o.pullRequests ?? []).map((pr) => ({
    url: `${api}/pulls/${pr.number}`,
    id: userId(`${full}#${pr.number}`),
    number: pr.number,
    head: { ref: pr.headRef ?? `topic-${pr.number}`, sha: o.headSha, repo: repoRef },
    base: {
      ref: pr.baseRef ?? o.defaultBranch ?? 'main',
      sha: pr.baseSha ?? fakeSha('base', String(pr.number)),
      repo: repoRef,
    },
  }));
  const checkRun = payload['check_run'] as Record<string, unknown> & {
    app: Record<string, unknown>;
    check_suite: Record<string, unknown>;
  };
  const app = { id: 15368, slug: 'github-actions', name: 'GitHub Actions', ...o.app };
  const appJson = {
    ...checkRun.app,
    id: app.id,
    slug: app.slug,
    name: app.name ?? app.slug,
    owner: user('github'),
    html_url: `${GITHUB_URLS.html}/apps/${app.slug}`,
    external_url: `${GITHUB_URLS.html}/apps/${app.slug}`,
  };
  const checkRunId = o.checkRunId ?? userId(`${full}@${o.headSha}:${o.name ?? 'proceed/verify'}`);
  const status = o.status ?? (o.conclusion ? 'completed' : 'in_progress');
  const out: Record<string, unknown> = {
    ...payload,
    action,
    check_run: {
      ...checkRun,
      id: checkRunId,
      node_id: Buffer.from(`08:CheckRun${checkRunId}`).toString('base64'),
      name: o.name ?? 'proceed/verify',
      head_sha: o.headSha,
      external_id: o.externalId ?? '',
      url: `${api}/check-runs/${checkRunId}`,
      html_url: `${GITHUB_URLS.html}/${full}/runs/${checkRunId}`,
      details_url: `${GITHUB_URLS.html}/${full}/runs/${checkRunId}`,
      status,
      conclusion: o.conclusion ?? null,
      completed_at: status === 'completed' ? '2024-01-01T00:00:00Z' : null,
      output: {
        title: null,
        summary: null,
        text: null,
        annotations_count: 0,
        annotations_url: `${api}/check-runs/${checkRunId}/annotations`,
      },
      app: appJson,
      check_suite: {
        ...checkRun.check_suite,
        head_sha: o.headSha,
        head_branch: pullRequests[0]?.head.ref ?? null,
        url: `${api}/check-suites/${String(checkRun.check_suite['id'])}`,
        pull_requests: pullRequests,
        app: appJson,
      },
      pull_requests: pullRequests,
    },
    ...envelope(o, o.user),
  };
  if (action === 'requested_action') out['requested_action'] = { identifier: o.identifier ?? 'proceed' };
  else delete out['requested_action'];
  return out as unknown as Extract<CheckRunEvent, { action: A }>;
}

export interface MergeGroupOptions extends RepositoryOptions {
  /** The group's commit, where the queue waits for the required checks. */
  headSha: string;
  /** The queue branch of the group's newest entry: `refs/heads/gh-readonly-queue/<base>/pr-<N>-<parent>`. */
  headRef: string;
  /** The base branch's commit the group builds on. */
  baseSha: string;
  baseRef?: string;
  /** Who queued it (default octocat). */
  user?: string;
}

/** `merge_group` (checks_requested or destroyed) from GitHub's example. */
export function mergeGroupEvent<A extends MergeGroupEvent['action']>(
  action: A,
  o: MergeGroupOptions,
): Extract<MergeGroupEvent, { action: A }> {
  const payload = withoutOrganization(example<Record<string, unknown>>('merge_group', 'checks_requested'));
  const group = payload['merge_group'] as Record<string, unknown> & { head_commit: Record<string, unknown> };
  return {
    ...payload,
    action,
    merge_group: {
      ...group,
      head_sha: o.headSha,
      head_ref: o.headRef,
      base_sha: o.baseSha,
      base_ref: o.baseRef ?? `refs/heads/${o.defaultBranch ?? 'main'}`,
      head_commit: { ...group.head_commit, id: o.headSha },
    },
    ...(action === 'destroyed' ? { reason: 'merged' } : {}),
    ...envelope(o, o.user ?? 'octocat'),
  } as unknown as Extract<MergeGroupEvent, { action: A }>;
}

export interface WorkflowRunOptions extends RepositoryOptions {
  runId: number;
  runAttempt?: number;
  conclusion?: 'success' | 'failure' | 'cancelled';
  /** The workflow file, e.g. `.github/workflows/proceed.yml`. */
  path?: string;
}

/** `workflow_run` completed from GitHub's example: a run of the repository has ended. */
export function workflowRunEvent(o: WorkflowRunOptions): Record<string, unknown> {
  const payload = withoutOrganization(example<Record<string, unknown>>('workflow_run', 'completed'));
  const run = payload['workflow_run'] as Record<string, unknown>;
  return {
    ...payload,
    action: 'completed',
    workflow_run: {
      ...run,
      id: o.runId,
      run_attempt: o.runAttempt ?? 1,
      status: 'completed',
      conclusion: o.conclusion ?? 'cancelled',
      event: 'workflow_dispatch',
      path: o.path ?? '.github/workflows/proceed.yml',
    },
    ...envelope(o, 'octocat'),
  };
}

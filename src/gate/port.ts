import type { Permission } from './authorize.js';

/**
 * The operations the core needs from GitHub, and nothing more. The Action and the app both
 * implement it over Octokit (`octokit.ts`); tests play it with the OpenAPI-checked fake server.
 */
export interface GitHubPort {
  readonly owner: string;
  readonly repo: string;

  getPullRequest(number: number): Promise<PullRequestInfo>;
  /** The numbers of the repository's open pull requests (all pages). */
  listOpenPullRequests(): Promise<number[]>;
  /** The open pull requests whose head is `sha`: a check run on it counts for every one of them. */
  listOpenPullRequestsOnHead(sha: string): Promise<number[]>;
  /** The pull request's commits with the GitHub accounts that authored and committed them (up to 250). */
  listPullRequestCommits(number: number): Promise<PullRequestCommit[]>;
  /** The paths that differ between two commits, or undefined when GitHub cannot compare them. */
  compareCommits(base: string, head: string): Promise<string[] | undefined>;
  /** Every file the pull request changes (all pages). */
  listChangedFiles(number: number): Promise<ChangedFile[]>;
  /** A file's text at a ref or SHA, or undefined when it does not exist there. */
  readFile(path: string, ref: string): Promise<FileContent | undefined>;
  /** The user's permission on the repository, with maintain and triage told apart. */
  getPermission(login: string): Promise<Permission>;
  /** Whether the user is an active member of `org/team`. */
  isTeamMember(org: string, teamSlug: string, login: string): Promise<boolean>;

  listReviews(number: number): Promise<ReviewInfo[]>;
  createReview(number: number, input: { body: string; commitId: string }): Promise<ReviewInfo>;
  updateReview(number: number, reviewId: number, body: string): Promise<void>;

  createComment(number: number, body: string): Promise<{ id: number; url: string }>;
  /** Comments on the pull request created or updated at or after `since` (ISO time, as GitHub's `since`), oldest first. */
  listComments(number: number, since: string): Promise<CommentInfo[]>;
  reactToComment(commentId: number, content: 'eyes' | '+1' | 'confused'): Promise<void>;

  createCheckRun(input: CheckRunInput): Promise<{ id: number; url: string }>;
  updateCheckRun(id: number, input: Partial<CheckRunInput>): Promise<void>;
  /** Check runs on a commit, newest first, optionally only those with one name. */
  listCheckRuns(sha: string, name?: string): Promise<CheckRunInfo[]>;
  /** A check run's output text (null when it has none), or undefined when there is no check run `id`. */
  getCheckRunText(id: number): Promise<string | null | undefined>;

  /** Creates a ref; 'exists' when GitHub answers that it already exists (the lock's arbitration). */
  createRef(ref: string, sha: string): Promise<'created' | 'exists'>;
  getRef(ref: string): Promise<{ sha: string } | undefined>;
  deleteRef(ref: string): Promise<void>;
  /**
   * Moves an existing ref (named like `createRef`'s). Without `force` GitHub accepts only a
   * fast-forward — the new commit descends from the ref's current one — which makes it a
   * compare-and-swap; 'conflict' when GitHub refuses (not a fast-forward, or the ref is gone).
   */
  updateRef(ref: string, sha: string, force: boolean): Promise<'updated' | 'conflict'>;

  /** Creates a commit object without moving any ref; `parents: []` makes a root commit. */
  createCommit(input: { message: string; tree: string; parents: string[] }): Promise<{ sha: string }>;
  /** A commit of the repository, or undefined when it has none with that SHA. */
  getCommit(sha: string): Promise<GitCommitInfo | undefined>;
  /** A workflow run of the repository, or undefined when there is none with that id (any more). */
  getWorkflowRun(id: number): Promise<WorkflowRunInfo | undefined>;
  /** The refs whose names start with `prefix` (named like `createRef`'s, e.g. `heads/gh-readonly-queue/main/`), with full names. */
  listRefs(prefix: string): Promise<{ ref: string; sha: string }[]>;

  /** Creates a GitHub Deployment of exactly `sha` to `environment`, required contexts off (the gate is proceed/verify itself). */
  createDeployment(input: DeploymentInput): Promise<{ id: number }>;
  setDeploymentStatus(id: number, status: DeploymentStatusInput): Promise<void>;
  /** The newest deployment of `sha` to `environment` with its newest status, or undefined. */
  findDeployment(
    sha: string,
    environment: string,
  ): Promise<{ id: number; state: string | undefined } | undefined>;
}

export interface DeploymentInput {
  sha: string;
  environment: string;
  production: boolean;
  description: string;
}

export interface DeploymentStatusInput {
  state: 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';
  /** Where the execution's log is: the workflow run or the pull request's checks. */
  logUrl: string;
  description: string;
}

export interface PullRequestCommit {
  sha: string;
  /** The GitHub logins GitHub matched to the commit's author and committer, when it could. */
  author: string | null;
  committer: string | null;
}

export interface GitCommitInfo {
  sha: string;
  message: string;
  /** The SHA of the commit's tree. */
  tree: string;
  /** The committer date GitHub records (ISO 8601). */
  committedAt: string;
  /** Who GitHub records as the commit's committer: for a commit made through the API, the account whose token made it. */
  committer: { name: string; email: string };
}

export interface WorkflowRunInfo {
  status: string | null;
  conclusion: string | null;
  /** The attempt the run is on; a re-run of a finished run starts the next attempt under the same id. */
  attempt: number;
}

export interface PullRequestInfo {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  title: string;
  author: { login: string; type: string };
  headSha: string;
  headRef: string;
  /** owner/name of the repository the head branch lives in. */
  headRepo: string;
  baseSha: string;
  baseRef: string;
  /** The head branch lives in another repository. */
  isFork: boolean;
  htmlUrl: string;
}

export interface ChangedFile {
  filename: string;
  status: string;
  /** The blob SHA of the file at the head commit (null for removed files). */
  sha: string | null;
}

export interface FileContent {
  content: string;
  /** The blob SHA GitHub computed for this content. */
  sha: string;
}

export interface CommentInfo {
  id: number;
  body: string;
  user: { login: string; type: string } | null;
  createdAt: string;
  /** Differs from `createdAt` once the comment was edited. */
  updatedAt: string;
  url?: string;
}

export interface ReviewInfo {
  id: number;
  body: string;
  state: string;
  commitId: string | null;
  user: { login: string; type: string } | null;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface CheckRunInput {
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion?: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  /** Any number; the adapter sends them 50 a request as GitHub requires. */
  annotations?: CheckAnnotation[];
  /** Our own bookkeeping: which plan (hash) and step this result belongs to. */
  externalId?: string;
  detailsUrl?: string;
  startedAt?: string;
  completedAt?: string;
  /** Buttons (at most 3). */
  actions?: { label: string; description: string; identifier: string }[];
}

export interface CheckRunInfo {
  id: number;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  externalId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  title: string | null;
  summary: string | null;
  appSlug: string | null;
}

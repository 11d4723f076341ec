/** The fake's state: what GitHub would store for the repositories a test seeds. */
import { createHash } from 'node:crypto';
import type { components } from '@octokit/openapi-types';
import { gitBlobSha } from '../../../src/github/git-model.js';

/** Repository roles as `role_name` reports them; `permission` folds maintain→write and triage→read. */
export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export const DEFAULT_OWNER = 'octo-org';
export const DEFAULT_REPO = 'widgets';

export interface AppIdentity {
  id: number;
  slug: string;
  name: string;
  owner: string;
}

/** Who a token belongs to: the author of what its requests create. */
export interface Actor {
  login: string;
  type: 'User' | 'Bot';
  /** The app a bot token acts for; check runs record it as their `app`. */
  app?: AppIdentity;
}

export const GITHUB_ACTIONS_APP: AppIdentity = {
  id: 15368,
  slug: 'github-actions',
  name: 'GitHub Actions',
  owner: 'github',
};
export const GITHUB_ACTIONS_BOT: Actor = {
  login: 'github-actions[bot]',
  type: 'Bot',
  app: GITHUB_ACTIONS_APP,
};

const KNOWN_USER_IDS: Record<string, number> = { 'github-actions[bot]': 41898282, octocat: 583231 };

/** A stable id per login, so payloads and the fake agree without sharing state. */
export function userId(login: string): number {
  const known = KNOWN_USER_IDS[login.toLowerCase()];
  if (known !== undefined) return known;
  const digest = createHash('sha1').update(login.toLowerCase()).digest();
  return 1_000_000 + (digest.readUInt32BE(0) % 90_000_000);
}

export function userType(login: string): 'User' | 'Bot' {
  return login.endsWith('[bot]') ? 'Bot' : 'User';
}

/** Git's blob id for a file's content: what GitHub reports as a file's `sha`. */
export const blobSha = gitBlobSha;

/** A deterministic 40-hex id for objects the test did not name. */
export function fakeSha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

export interface FileSeed {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  /** The file's content at the head commit; also served by the contents endpoint at that SHA. */
  content?: string;
  previousFilename?: string;
  additions?: number;
  deletions?: number;
}

export interface ChangedFileRecord {
  filename: string;
  status: NonNullable<FileSeed['status']>;
  sha: string;
  additions: number;
  deletions: number;
  previousFilename?: string;
}

export interface PullRequestRecord {
  id: number;
  number: number;
  user: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  headSha: string;
  baseSha: string;
  headRef: string;
  baseRef: string;
  /** Owner of the head repository; differs from the base owner for forks. */
  headOwner: string;
  fork: boolean;
  files: ChangedFileRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  /** Head SHAs in push order, newest last. */
  commits: string[];
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  app?: AppIdentity;
}

export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: string;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  submittedAt: string | null;
}

export interface AnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  headSha: string;
  name: string;
  status: components['schemas']['check-run']['status'];
  conclusion: components['schemas']['check-run']['conclusion'];
  startedAt: string | null;
  completedAt: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: AnnotationRecord[];
  actions: { label: string; description: string; identifier: string }[];
  app: AppIdentity;
  checkSuiteId: number;
}

export interface ReactionRecord {
  id: number;
  commentId: number;
  user: string;
  content: components['schemas']['reaction']['content'];
  createdAt: string;
}

export interface WorkflowRunRecord {
  id: number;
  workflowId: string;
  name: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  runNumber: number;
  runAttempt: number;
  actor: string;
  createdAt: string;
  updatedAt: string;
}

export interface DispatchRecord {
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
  actor: string;
  runId: number;
}

export interface GitCommitRecord {
  sha: string;
  message: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** Full ref names (`refs/heads/main`) → SHA. */
  refs: Map<string, string>;
  /** SHA → the branch it was first seen on, so files set on a branch are found by its SHAs. */
  branchOfSha: Map<string, string>;
  /** Ref name or SHA → path → content. */
  trees: Map<string, Map<string, string>>;
  pulls: Map<number, PullRequestRecord>;
  comments: CommentRecord[];
  reviews: ReviewRecord[];
  checkRuns: CheckRunRecord[];
  reactions: ReactionRecord[];
  /** Lower-cased login → role. */
  roles: Map<string, Role>;
  workflowRuns: Map<number, WorkflowRunRecord>;
  dispatches: DispatchRecord[];
  /** Commits by SHA: those created through the API and one per seeded SHA (heads, bases, ref targets). */
  gitCommits: Map<string, GitCommitRecord>;
  /** Tree SHAs that exist: the empty tree, seeded commits' trees and trees created through the API. */
  gitTrees: Set<string>;
  /** Every SHA the repository knows, so refs can only point at existing objects. */
  objects: Set<string>;
  /** SHA → the GitHub accounts GitHub matched to a commit's author and committer (unset: none matched). */
  commitLogins?: Map<string, { author?: string; committer?: string }>;
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

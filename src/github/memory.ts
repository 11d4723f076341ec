import { createHash } from 'node:crypto';
import type { Permission } from '../gate/authorize.js';
import type {
  ChangedFile,
  DeploymentInput,
  DeploymentStatusInput,
  CheckAnnotation,
  CheckRunInfo,
  CheckRunInput,
  CommentInfo,
  FileContent,
  GitCommitInfo,
  GitHubPort,
  PullRequestInfo,
  ReviewInfo,
  WorkflowRunInfo,
  PullRequestCommit,
} from '../gate/port.js';
import { GITHUB_BODY_LIMIT, GITHUB_CHECK_TEXT_LIMIT } from '../render/markdown.js';
import { descendsFrom, gitBlobSha } from './git-model.js';

/**
 * GitHub in memory: one repository with one pull request, behind the same port the Action and the app
 * use. It answers the way GitHub does where the gate depends on it (newest-first check runs, a
 * fast-forward-only `updateRef`, `listComments` since a time, one review edited in place) and refuses
 * what GitHub refuses (unknown commits, over-long bodies, a completed check run without a conclusion)
 * by throwing a `MemoryGitHubError` with GitHub's HTTP status. Every change the port makes is recorded,
 * in order, in `writes`. No I/O and no timers, so `proceed simulate` and benchmarks can drive the whole
 * gate through it.
 */

// GitHub's limits on a body and on a check run's output texts, written once in render/markdown.ts.
const BODY_LIMIT = GITHUB_BODY_LIMIT;
const CHECK_TEXT_LIMIT = GITHUB_CHECK_TEXT_LIMIT;
/** Commits the memory repository makes itself are dated this, so their SHAs do not change from run to run. */
const SEED_EPOCH_SECONDS = 1_700_000_000;

export type ReactionContent = Parameters<GitHubPort['reactToComment']>[1];

/** A check run as the memory repository keeps it: what `listCheckRuns` shows, plus what only the UI shows. */
export interface MemoryCheckRun extends CheckRunInfo {
  text: string | null;
  annotations: CheckAnnotation[];
  detailsUrl: string | null;
  actions: { label: string; description: string; identifier: string }[];
}

/** One change made through the port, in the order it was made. Refused requests are not writes. */
export type MemoryWrite =
  | ({ kind: 'review' } & ReviewInfo)
  /** The review after the edit. */
  | ({ kind: 'review-edit' } & ReviewInfo)
  | ({ kind: 'comment' } & CommentInfo)
  | { kind: 'reaction'; commentId: number; content: ReactionContent; user: string }
  | ({ kind: 'check-run' } & MemoryCheckRun)
  /** The check run after the update, and the update as it was sent. */
  | ({ kind: 'check-run-update'; update: Partial<CheckRunInput> } & MemoryCheckRun)
  | {
      kind: 'ref';
      action: 'create' | 'update' | 'delete';
      /** The full name, `refs/…`. */
      ref: string;
      /** Where the ref points now (for `delete`: where it pointed). */
      sha: string;
      force?: boolean;
    }
  | ({ kind: 'commit'; parents: string[] } & GitCommitInfo);

export type MemoryWriteKind = MemoryWrite['kind'];

export interface MemorySeed {
  owner?: string;
  repo?: string;
  /** The account the port writes as: the bot. */
  botLogin?: string;
  /** The bot's app, as check runs name it. */
  appSlug?: string;
  /** The base branch's files, path → text (the repository policy lives here). */
  baseFiles?: Record<string, string>;
  pullRequest: {
    number?: number;
    title?: string;
    author: string;
    authorType?: 'User' | 'Bot';
    /** What the pull request changes, path → new text, or null for a removed file. */
    files: Record<string, string | null>;
    headRef?: string;
    baseRef?: string;
    draft?: boolean;
    /** The head branch lives in a fork. */
    fork?: boolean;
  };
  /** Repository permissions by login; everyone else has none. */
  permissions?: Record<string, Permission>;
  /** Active team members by `org/team-slug`. */
  teams?: Record<string, string[]>;
  workflowRuns?: Record<number, WorkflowRunInfo>;
  now?: () => Date;
  onWrite?: (write: MemoryWrite) => void;
}

/** What GitHub answers with an error status; the message says what was refused. */
export class MemoryGitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryGitHubError';
  }
}

export { gitBlobSha };

interface Blob {
  content: string;
  sha: string;
}

interface StoredComment extends CommentInfo {
  updatedAt: string;
}

interface StoredCommit extends GitCommitInfo {
  parents: string[];
}

interface PullRequestRecord {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  title: string;
  author: { login: string; type: string };
  headRef: string;
  baseRef: string;
  headSha: string;
  baseSha: string;
  isFork: boolean;
  /** The pull request's changes against the base: a blob, or null for a removed file. */
  changes: Map<string, Blob | null>;
}

function blob(content: string): Blob {
  return { content, sha: gitBlobSha(content) };
}

/**
 * A tree's id: a digest of its files' paths and blob SHAs. (Not git's recursive tree hashing: nothing
 * here reads trees, it only needs equal trees to have equal ids.)
 */
function treeSha(files: Map<string, Blob>): string {
  const hash = createHash('sha1').update('tree\0');
  for (const path of [...files.keys()].sort()) hash.update(`${path}\0${files.get(path)!.sha}\n`);
  return hash.digest('hex');
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export class MemoryGitHub implements GitHubPort {
  readonly owner: string;
  readonly repo: string;
  readonly botLogin: string;
  readonly appSlug: string;
  /** Called after every write, with the write. */
  onWrite: ((write: MemoryWrite) => void) | undefined;

  private readonly clock: () => Date;
  private readonly log: MemoryWrite[] = [];
  private readonly pr: PullRequestRecord;
  private readonly trees = new Map<string, Map<string, Blob>>();
  private readonly commits = new Map<string, StoredCommit>();
  private readonly refMap = new Map<string, string>();
  private readonly deploymentList: (DeploymentInput & { id: number; statuses: DeploymentStatusInput[] })[] =
    [];
  private readonly reviewList: ReviewInfo[] = [];
  private readonly commentList: StoredComment[] = [];
  private readonly checks: MemoryCheckRun[] = [];
  private readonly reactionList: { commentId: number; content: ReactionContent; user: string }[] = [];
  private readonly permissions = new Map<string, Permission>();
  private readonly teams = new Map<string, Set<string>>();
  private readonly runs = new Map<number, WorkflowRunInfo>();
  private lastId = 0;

  constructor(seed: MemorySeed) {
    this.owner = seed.owner ?? 'octo-org';
    this.repo = seed.repo ?? 'widgets';
    this.botLogin = seed.botLogin ?? 'proceed[bot]';
    this.appSlug = seed.appSlug ?? 'proceed';
    this.clock = seed.now ?? (() => new Date());
    this.onWrite = seed.onWrite;
    for (const [login, permission] of Object.entries(seed.permissions ?? {}))
      this.permissions.set(login.toLowerCase(), permission);
    for (const [team, logins] of Object.entries(seed.teams ?? {}))
      this.teams.set(team.toLowerCase(), new Set(logins.map((l) => l.toLowerCase())));
    for (const [id, run] of Object.entries(seed.workflowRuns ?? {})) this.runs.set(Number(id), { ...run });

    const p = seed.pullRequest;
    const baseFiles = new Map(Object.entries(seed.baseFiles ?? {}).map(([path, text]) => [path, blob(text)]));
    const baseSha = this.seedCommit('Initial commit', baseFiles, []);
    this.pr = {
      number: p.number ?? 1,
      state: 'open',
      merged: false,
      draft: p.draft ?? false,
      title: p.title ?? 'A pull request',
      author: { login: p.author, type: p.authorType ?? 'User' },
      headRef: p.headRef ?? 'feature',
      baseRef: p.baseRef ?? 'main',
      headSha: baseSha,
      baseSha,
      isFork: p.fork ?? false,
      changes: new Map(),
    };
    this.refMap.set(`refs/heads/${this.pr.baseRef}`, baseSha);
    this.push(p.files, `Changes of #${this.pr.number}`);
  }

  // ---- the world outside the bot: what people do, for tests and the simulation ----

  /**
   * A new head commit on the pull request: `files` (path → text, or null to remove) on top of what it
   * already changes. Returns the new head SHA.
   */
  push(files: Record<string, string | null>, message = 'Update'): string {
    for (const [path, text] of Object.entries(files))
      this.pr.changes.set(path, text === null ? null : blob(text));
    const tree = new Map(this.trees.get(this.commits.get(this.pr.baseSha)!.tree)!);
    for (const [path, b] of this.pr.changes) {
      if (b) tree.set(path, b);
      else tree.delete(path);
    }
    const sha = this.seedCommit(message, tree, [this.pr.headSha]);
    this.pr.headSha = sha;
    if (!this.pr.isFork) this.refMap.set(`refs/heads/${this.pr.headRef}`, sha);
    return sha;
  }

  /** A comment by someone other than the bot (a `/proceed`, say); it is not a write of the port. */
  addComment(login: string, body: string, type: 'User' | 'Bot' | 'Organization' = 'User'): CommentInfo {
    this.checkBody(body, 'comment');
    const at = this.isoNow();
    const comment: StoredComment = {
      id: this.nextId(),
      body,
      user: { login, type },
      createdAt: at,
      updatedAt: at,
    };
    this.commentList.push(comment);
    return publicComment(comment);
  }

  /** A review by someone other than the bot, on the head unless `commitId` says otherwise. */
  submitReview(
    login: string,
    state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED',
    body = '',
    commitId = this.pr.headSha,
  ): ReviewInfo {
    const review: ReviewInfo = { id: this.nextId(), body, state, commitId, user: { login, type: 'User' } };
    this.reviewList.push(review);
    return { ...review };
  }

  close(merged = false): void {
    this.pr.state = 'closed';
    this.pr.merged = merged;
  }

  setPermission(login: string, permission: Permission): void {
    this.permissions.set(login.toLowerCase(), permission);
  }

  setWorkflowRun(id: number, run: WorkflowRunInfo | undefined): void {
    if (run) this.runs.set(id, { ...run });
    else this.runs.delete(id);
  }

  // ---- what the bot did ----

  /** Every write, oldest first. */
  get writes(): readonly MemoryWrite[] {
    return this.log;
  }

  /** Writes of some kinds, oldest first. */
  writesOf<K extends MemoryWriteKind>(...kinds: K[]): Extract<MemoryWrite, { kind: K }>[] {
    return this.log.filter((w): w is Extract<MemoryWrite, { kind: K }> =>
      (kinds as string[]).includes(w.kind),
    );
  }

  get pullRequest(): PullRequestInfo {
    return this.prInfo();
  }

  /** The reviews, oldest first. */
  reviews(): ReviewInfo[] {
    return this.reviewList.map((r) => ({ ...r }));
  }

  /** The comments, oldest first. */
  comments(): CommentInfo[] {
    return this.commentList.map(publicComment);
  }

  /** Check runs with everything they hold, oldest first; on one commit when `sha` is given. */
  checkRuns(sha?: string): MemoryCheckRun[] {
    return this.checks.filter((c) => !sha || c.headSha === sha).map(snapshot);
  }

  reactions(): { commentId: number; content: ReactionContent; user: string }[] {
    return this.reactionList.map((r) => ({ ...r }));
  }

  /** Every ref with its SHA (full names), sorted by name. */
  refs(): { ref: string; sha: string }[] {
    return [...this.refMap].map(([ref, sha]) => ({ ref, sha })).sort((a, b) => a.ref.localeCompare(b.ref));
  }

  // ---- GitHubPort ----

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    this.pullOf(number);
    return this.prInfo();
  }

  async listOpenPullRequests(): Promise<number[]> {
    return this.pr.state === 'open' ? [this.pr.number] : [];
  }

  async listOpenPullRequestsOnHead(sha: string): Promise<number[]> {
    return this.pr.state === 'open' && this.pr.headSha === sha ? [this.pr.number] : [];
  }

  /** The commits from the head back to the base; this GitHub knows no accounts behind them. */
  async listPullRequestCommits(number: number): Promise<PullRequestCommit[]> {
    this.pullOf(number);
    const commits: PullRequestCommit[] = [];
    for (let sha: string | undefined = this.pr.headSha; sha && sha !== this.pr.baseSha;) {
      const c = this.commits.get(sha);
      if (!c) break;
      commits.unshift({ sha, author: null, committer: null });
      sha = c.parents[0];
    }
    return commits;
  }

  async compareCommits(base: string, head: string): Promise<string[] | undefined> {
    const [a, b] = [this.commits.get(base), this.commits.get(head)];
    if (!a || !b) return undefined;
    const [from, to] = [this.trees.get(a.tree)!, this.trees.get(b.tree)!];
    const paths = new Set([...from.keys(), ...to.keys()]);
    return [...paths].filter((p) => from.get(p)?.sha !== to.get(p)?.sha).sort();
  }

  async listChangedFiles(number: number): Promise<ChangedFile[]> {
    this.pullOf(number);
    const base = this.trees.get(this.commits.get(this.pr.baseSha)!.tree)!;
    return [...this.pr.changes].map(([filename, b]) => ({
      filename,
      status: b === null ? 'removed' : base.has(filename) ? 'modified' : 'added',
      sha: b?.sha ?? null,
    }));
  }

  async readFile(path: string, ref: string): Promise<FileContent | undefined> {
    const sha = this.resolveCommit(ref);
    if (!sha) throw new MemoryGitHubError(404, `No commit found for the ref ${ref}`);
    const b = this.trees.get(this.commits.get(sha)!.tree)!.get(path.replace(/^\/+/, ''));
    return b ? { content: b.content, sha: b.sha } : undefined;
  }

  async getPermission(login: string): Promise<Permission> {
    return this.permissions.get(login.toLowerCase()) ?? 'none';
  }

  async isTeamMember(org: string, teamSlug: string, login: string): Promise<boolean> {
    return this.teams.get(`${org}/${teamSlug}`.toLowerCase())?.has(login.toLowerCase()) ?? false;
  }

  async listReviews(number: number): Promise<ReviewInfo[]> {
    this.pullOf(number);
    return this.reviews();
  }

  async createReview(number: number, input: { body: string; commitId: string }): Promise<ReviewInfo> {
    this.pullOf(number);
    this.checkBody(input.body, 'review');
    if (!this.commits.has(input.commitId))
      throw new MemoryGitHubError(422, `No commit found for SHA: ${input.commitId}`);
    const review: ReviewInfo = {
      id: this.nextId(),
      body: input.body,
      state: 'COMMENTED',
      commitId: input.commitId,
      user: { login: this.botLogin, type: 'Bot' },
    };
    this.reviewList.push(review);
    this.record({ kind: 'review', ...review });
    return { ...review };
  }

  async updateReview(number: number, reviewId: number, body: string): Promise<void> {
    this.pullOf(number);
    const review = this.reviewList.find((r) => r.id === reviewId);
    if (!review) throw new MemoryGitHubError(404, `No review ${reviewId} on #${number}`);
    if (!review.user || !sameLogin(review.user.login, this.botLogin))
      throw new MemoryGitHubError(
        403,
        `Review ${reviewId} is ${review.user?.login ?? 'nobody'}'s; only its author may edit it`,
      );
    this.checkBody(body, 'review');
    review.body = body;
    this.record({ kind: 'review-edit', ...review });
  }

  async createComment(number: number, body: string): Promise<{ id: number; url: string }> {
    this.pullOf(number);
    this.checkBody(body, 'comment');
    const at = this.isoNow();
    const comment: StoredComment = {
      id: this.nextId(),
      body,
      user: { login: this.botLogin, type: 'Bot' },
      createdAt: at,
      updatedAt: at,
    };
    this.commentList.push(comment);
    this.record({ kind: 'comment', ...publicComment(comment) });
    return { id: comment.id, url: `${this.prUrl()}#issuecomment-${comment.id}` };
  }

  async listComments(number: number, since: string): Promise<CommentInfo[]> {
    this.pullOf(number);
    const from = Date.parse(since);
    return this.commentList.filter((c) => !(Date.parse(c.updatedAt) < from)).map(publicComment);
  }

  async reactToComment(commentId: number, content: ReactionContent): Promise<void> {
    if (!this.commentList.some((c) => c.id === commentId))
      throw new MemoryGitHubError(404, `No comment ${commentId}`);
    const reaction = { commentId, content, user: this.botLogin };
    this.reactionList.push(reaction);
    this.record({ kind: 'reaction', ...reaction });
  }

  async createCheckRun(input: CheckRunInput): Promise<{ id: number; url: string }> {
    if (!input.name) throw new MemoryGitHubError(422, 'A check run needs a name');
    if (!this.commits.has(input.headSha))
      throw new MemoryGitHubError(422, `No commit found for SHA: ${input.headSha}`);
    const run: MemoryCheckRun = {
      id: this.nextId(),
      name: input.name,
      headSha: input.headSha,
      status: 'queued',
      conclusion: null,
      externalId: null,
      // GitHub stamps a new check run as started when it is created.
      startedAt: this.isoNow(),
      completedAt: null,
      title: null,
      summary: null,
      appSlug: this.appSlug,
      text: null,
      annotations: [],
      detailsUrl: null,
      actions: [],
    };
    this.applyCheckFields(run, input);
    this.checks.push(run);
    this.record({ kind: 'check-run', ...snapshot(run) });
    return { id: run.id, url: `https://github.com/${this.owner}/${this.repo}/runs/${run.id}` };
  }

  async updateCheckRun(id: number, input: Partial<CheckRunInput>): Promise<void> {
    const run = this.checks.find((c) => c.id === id);
    if (!run) throw new MemoryGitHubError(404, `No check run ${id}`);
    // A refused update leaves the check run as it was.
    const next = snapshot(run);
    this.applyCheckFields(next, input);
    Object.assign(run, next);
    this.record({ kind: 'check-run-update', update: input, ...snapshot(run) });
  }

  async getCheckRunText(id: number): Promise<string | null | undefined> {
    const run = this.checks.find((c) => c.id === id);
    return run ? run.text : undefined;
  }

  async listCheckRuns(sha: string, name?: string): Promise<CheckRunInfo[]> {
    const out: CheckRunInfo[] = [];
    for (let i = this.checks.length - 1; i >= 0; i--) {
      const c = this.checks[i]!;
      if (c.headSha !== sha || (name !== undefined && c.name !== name)) continue;
      out.push({
        id: c.id,
        name: c.name,
        headSha: c.headSha,
        status: c.status,
        conclusion: c.conclusion,
        externalId: c.externalId,
        startedAt: c.startedAt,
        completedAt: c.completedAt,
        title: c.title,
        summary: c.summary,
        appSlug: c.appSlug,
      });
    }
    return out;
  }

  async createRef(ref: string, sha: string): Promise<'created' | 'exists'> {
    const full = fullRef(ref);
    if (this.refMap.has(full)) return 'exists';
    this.requireObject(sha);
    this.refMap.set(full, sha);
    this.record({ kind: 'ref', action: 'create', ref: full, sha });
    return 'created';
  }

  async getRef(ref: string): Promise<{ sha: string } | undefined> {
    const sha = this.refMap.get(fullRef(ref));
    return sha === undefined ? undefined : { sha };
  }

  async createDeployment(input: DeploymentInput): Promise<{ id: number }> {
    this.requireObject(input.sha);
    const id = this.deploymentList.length + 1;
    this.deploymentList.push({ id, ...input, statuses: [] });
    return { id };
  }

  async setDeploymentStatus(id: number, status: DeploymentStatusInput): Promise<void> {
    const d = this.deploymentList.find((x) => x.id === id);
    if (!d) throw new MemoryGitHubError(404, `no deployment ${id}`);
    d.statuses.push({ ...status });
  }

  async findDeployment(
    sha: string,
    environment: string,
  ): Promise<{ id: number; state: string | undefined } | undefined> {
    const d = this.deploymentList.filter((x) => x.sha === sha && x.environment === environment).at(-1);
    return d ? { id: d.id, state: d.statuses.at(-1)?.state } : undefined;
  }

  /** Every deployment with its statuses, oldest first. */
  deployments(): (DeploymentInput & { id: number; statuses: DeploymentStatusInput[] })[] {
    return structuredClone(this.deploymentList);
  }

  async listRefs(prefix: string): Promise<{ ref: string; sha: string }[]> {
    const full = fullRef(prefix);
    return this.refs().filter((r) => r.ref.startsWith(full));
  }

  async deleteRef(ref: string): Promise<void> {
    const full = fullRef(ref);
    const sha = this.refMap.get(full);
    if (sha === undefined) return;
    this.refMap.delete(full);
    this.record({ kind: 'ref', action: 'delete', ref: full, sha });
  }

  async updateRef(ref: string, sha: string, force: boolean): Promise<'updated' | 'conflict'> {
    const full = fullRef(ref);
    const current = this.refMap.get(full);
    if (current === undefined) return 'conflict';
    this.requireObject(sha);
    // Without force GitHub moves a ref only forward: the new commit must descend from the current one.
    if (!force && !this.descendsFrom(sha, current)) return 'conflict';
    this.refMap.set(full, sha);
    this.record({ kind: 'ref', action: 'update', ref: full, sha, force });
    return 'updated';
  }

  async createCommit(input: { message: string; tree: string; parents: string[] }): Promise<{ sha: string }> {
    if (!this.trees.has(input.tree))
      throw new MemoryGitHubError(422, `Tree SHA does not exist: ${input.tree}`);
    for (const parent of input.parents) {
      if (!this.commits.has(parent))
        throw new MemoryGitHubError(422, `Parent SHA does not exist or is not a commit object: ${parent}`);
    }
    const at = this.clock();
    const commit = this.storeCommit(
      input.message,
      input.tree,
      input.parents,
      at,
      Math.floor(at.getTime() / 1000),
    );
    this.record({ kind: 'commit', ...commit, parents: [...commit.parents] });
    return { sha: commit.sha };
  }

  async getCommit(sha: string): Promise<GitCommitInfo | undefined> {
    const c = this.commits.get(sha);
    return c
      ? {
          sha: c.sha,
          message: c.message,
          tree: c.tree,
          committedAt: c.committedAt,
          committer: { ...c.committer },
        }
      : undefined;
  }

  async getWorkflowRun(id: number): Promise<WorkflowRunInfo | undefined> {
    const run = this.runs.get(id);
    return run ? { ...run } : undefined;
  }

  // ---- inside ----

  private record(write: MemoryWrite): void {
    this.log.push(write);
    this.onWrite?.(write);
  }

  private nextId(): number {
    return ++this.lastId;
  }

  private isoNow(): string {
    return this.clock().toISOString();
  }

  private pullOf(number: number): PullRequestRecord {
    if (number !== this.pr.number) throw new MemoryGitHubError(404, `No pull request #${number}`);
    return this.pr;
  }

  private prUrl(): string {
    return `https://github.com/${this.owner}/${this.repo}/pull/${this.pr.number}`;
  }

  private prInfo(): PullRequestInfo {
    const p = this.pr;
    return {
      number: p.number,
      state: p.state,
      merged: p.merged,
      draft: p.draft,
      title: p.title,
      author: { ...p.author },
      headSha: p.headSha,
      headRef: p.headRef,
      headRepo: p.isFork ? `${p.author.login}/${this.repo}` : `${this.owner}/${this.repo}`,
      baseSha: p.baseSha,
      baseRef: p.baseRef,
      isFork: p.isFork,
      htmlUrl: this.prUrl(),
    };
  }

  private checkBody(body: string, what: string): void {
    if (body.length > BODY_LIMIT)
      throw new MemoryGitHubError(
        422,
        `The ${what} body is ${body.length} characters; GitHub takes at most ${BODY_LIMIT}`,
      );
  }

  /** A commit the repository itself makes (base, pushes): dated at a fixed time, so its SHA is reproducible. */
  private seedCommit(message: string, files: Map<string, Blob>, parents: string[]): string {
    const tree = treeSha(files);
    this.trees.set(tree, files);
    return this.storeCommit(message, tree, parents, this.clock(), SEED_EPOCH_SECONDS).sha;
  }

  /** Stores a commit under git's object id for it: sha1 of `commit <len>\0` and the commit's text. */
  private storeCommit(
    message: string,
    tree: string,
    parents: string[],
    at: Date,
    epochSeconds: number,
  ): StoredCommit {
    const who = `${this.botLogin} <${this.botLogin}@users.noreply.github.com> ${epochSeconds} +0000`;
    const text = `tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join('')}author ${who}\ncommitter ${who}\n\n${message}`;
    const bytes = Buffer.from(text, 'utf8');
    const sha = createHash('sha1').update(`commit ${bytes.length}\0`).update(bytes).digest('hex');
    const existing = this.commits.get(sha);
    if (existing) return existing;
    const commit: StoredCommit = {
      sha,
      message,
      tree,
      parents: [...parents],
      committedAt: at.toISOString(),
      committer: { name: this.botLogin, email: `${this.botLogin}@users.noreply.github.com` },
    };
    this.commits.set(sha, commit);
    return commit;
  }

  /** A branch, `refs/…` name or commit SHA → the commit it names. */
  private resolveCommit(ref: string): string | undefined {
    if (this.commits.has(ref)) return ref;
    const short = ref.replace(/^refs\//, '').replace(/^heads\//, '');
    return this.refMap.get(`refs/heads/${short}`) ?? this.refMap.get(fullRef(ref));
  }

  private requireObject(sha: string): void {
    if (!this.commits.has(sha)) throw new MemoryGitHubError(422, `Object does not exist: ${sha}`);
  }

  /** Whether `descendant` is `ancestor` or reaches it through parents (git's fast-forward test). */
  private descendsFrom(descendant: string, ancestor: string): boolean {
    return descendsFrom((sha) => this.commits.get(sha)?.parents, descendant, ancestor);
  }

  /** Applies a create or an update the way GitHub does, refusing what GitHub refuses. */
  private applyCheckFields(run: MemoryCheckRun, input: Partial<CheckRunInput>): void {
    const now = this.isoNow();
    if (input.name !== undefined) run.name = input.name;
    if (input.status !== undefined) run.status = input.status;
    if (input.conclusion !== undefined) {
      run.conclusion = input.conclusion;
      run.status = 'completed';
    }
    if (input.externalId !== undefined) run.externalId = input.externalId;
    if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
    if (input.startedAt !== undefined) run.startedAt = input.startedAt;
    if (input.completedAt !== undefined) run.completedAt = input.completedAt;
    if (run.status === 'completed') {
      if (run.conclusion === null)
        throw new MemoryGitHubError(
          422,
          `Check run ${run.name}: "conclusion" wasn't supplied for status "completed"`,
        );
      run.completedAt ??= now;
    }
    // As the Octokit adapter does, the output goes only with both its title and its summary.
    if (input.title !== undefined && input.summary !== undefined) {
      for (const [field, text] of [
        ['title', input.title],
        ['summary', input.summary],
        ['text', input.text ?? ''],
      ] as const) {
        if (text.length > CHECK_TEXT_LIMIT)
          throw new MemoryGitHubError(
            422,
            `Check run ${run.name}: output.${field} is ${text.length} characters; GitHub takes at most ${CHECK_TEXT_LIMIT}`,
          );
      }
      run.title = input.title;
      run.summary = input.summary;
      if (input.text !== undefined) run.text = input.text;
      // Annotations accumulate across updates, which is how more than 50 are posted.
      if (input.annotations) run.annotations = [...run.annotations, ...input.annotations];
    }
    if (input.actions !== undefined) {
      if (input.actions.length > 3)
        throw new MemoryGitHubError(
          422,
          `Check run ${run.name}: at most 3 actions, not ${input.actions.length}`,
        );
      run.actions = input.actions.map((a) => ({ ...a }));
    }
  }
}

function fullRef(ref: string): string {
  return `refs/${ref.replace(/^refs\//, '')}`;
}

function publicComment(c: StoredComment): CommentInfo {
  return {
    id: c.id,
    body: c.body,
    user: c.user ? { ...c.user } : null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function snapshot(run: MemoryCheckRun): MemoryCheckRun {
  return { ...run, annotations: [...run.annotations], actions: [...run.actions] };
}

/** The fake's in-memory GitHub: repositories with their seeding and inspection methods. */
import {
  type ChangedFileRecord,
  type CheckRunRecord,
  type CommentRecord,
  type DispatchRecord,
  type FileSeed,
  type PullRequestRecord,
  type ReactionRecord,
  type RepoRecord,
  type ReviewRecord,
  type Role,
  type WorkflowRunRecord,
  DEFAULT_OWNER,
  DEFAULT_REPO,
  blobSha,
  fakeSha,
  repoKey,
} from './model.js';

/** Git's empty tree exists in every repository. */
export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const ID_BASES = {
  repo: 500_000_000,
  pull: 1_800_000_000,
  comment: 2_100_000_000,
  review: 2_300_000_000,
  checkRun: 30_000_000_000,
  checkSuite: 31_000_000_000,
  reaction: 400_000_000,
  workflowRun: 12_000_000_000,
} as const;

export type IdKind = keyof typeof ID_BASES;

export interface RepoSeed {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** SHA the default branch points at (default: a SHA derived from the repository name). */
  defaultBranchSha?: string;
  private?: boolean;
}

export interface PullRequestSeed {
  number: number;
  /** The author's login (default `octocat`). */
  user?: string;
  headSha: string;
  baseSha: string;
  headRef?: string;
  baseRef?: string;
  /** The head branch lives in a fork owned by `forkOwner` (default: the author). */
  fork?: boolean;
  forkOwner?: string;
  files?: FileSeed[];
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  title?: string;
  body?: string | null;
}

export interface ReviewSeed {
  user: string;
  state: ReviewRecord['state'];
  body?: string;
  /** Default: the pull request's current head. */
  commitId?: string;
}

export interface WorkflowRunSeed {
  id?: number;
  workflowId?: string;
  name?: string;
  headBranch?: string;
  headSha?: string;
  event?: string;
  status?: WorkflowRunRecord['status'];
  conclusion?: string | null;
  actor?: string;
  /** The attempt the run is on (a re-run of a completed run starts attempt 2). */
  runAttempt?: number;
}

export class Store {
  readonly repos = new Map<string, RepoRecord>();
  /** `org/team` (lower-cased) → login (lower-cased) → membership role. */
  readonly teams = new Map<string, Map<string, 'member' | 'maintainer'>>();
  private readonly counters = new Map<IdKind, number>();
  private readonly suites = new Map<string, number>();

  constructor(readonly now: () => string) {}

  nextId(kind: IdKind): number {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return ID_BASES[kind] + n;
  }

  /** One check suite per commit and app, as GitHub groups check runs. */
  checkSuiteId(sha: string, appId: number): number {
    const key = `${sha}:${appId}`;
    let id = this.suites.get(key);
    if (id === undefined) {
      id = this.nextId('checkSuite');
      this.suites.set(key, id);
    }
    return id;
  }

  find(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  addRepo(seed: RepoSeed = {}): RepoRecord {
    const owner = seed.owner ?? DEFAULT_OWNER;
    const name = seed.repo ?? DEFAULT_REPO;
    const key = repoKey(owner, name);
    if (this.repos.has(key)) throw new Error(`fake GitHub: repository ${owner}/${name} was already added`);
    const defaultBranch = seed.defaultBranch ?? 'main';
    const defaultSha = seed.defaultBranchSha ?? fakeSha('default-branch', key);
    const record: RepoRecord = {
      id: this.nextId('repo'),
      owner,
      name,
      defaultBranch,
      private: seed.private ?? false,
      refs: new Map([[`refs/heads/${defaultBranch}`, defaultSha]]),
      branchOfSha: new Map([[defaultSha, defaultBranch]]),
      trees: new Map(),
      pulls: new Map(),
      comments: [],
      reviews: [],
      checkRuns: [],
      reactions: [],
      roles: new Map(),
      workflowRuns: new Map(),
      dispatches: [],
      gitCommits: new Map(),
      gitTrees: new Set([EMPTY_TREE_SHA]),
      objects: new Set([defaultSha, EMPTY_TREE_SHA]),
    };
    this.ensureCommit(record, defaultSha);
    this.repos.set(key, record);
    return record;
  }

  /**
   * Makes a seeded SHA a commit `GET /git/commits/{sha}` answers, with a tree of its own, so
   * commits created through the API can use it as a parent and its tree as theirs. A SHA that
   * already is a commit or a tree stays what it is.
   */
  ensureCommit(repo: RepoRecord, sha: string, parents: string[] = []): void {
    repo.objects.add(sha);
    if (repo.gitCommits.has(sha) || repo.gitTrees.has(sha)) return;
    const tree = fakeSha('tree-of', sha);
    const person = { name: 'Octo Cat', email: 'octocat@users.noreply.github.com', date: this.now() };
    repo.gitTrees.add(tree);
    repo.objects.add(tree);
    repo.gitCommits.set(sha, {
      sha,
      message: `Commit ${sha.slice(0, 7)}`,
      tree,
      parents: parents.filter((p) => repo.gitCommits.has(p)),
      author: person,
      committer: person,
    });
  }

  /** Ref name or SHA → the tree the contents endpoint reads; branch names and their SHAs are interchangeable. */
  resolveTree(repo: RepoRecord, ref: string): Map<string, string> | undefined {
    const short = ref.replace(/^refs\//, '').replace(/^(heads|tags)\//, '');
    const candidates = [ref, short];
    for (const prefix of ['refs/heads/', 'refs/tags/']) {
      const sha = repo.refs.get(prefix + short);
      if (sha) candidates.push(sha);
    }
    const branch = repo.branchOfSha.get(ref);
    if (branch) candidates.push(branch);
    for (const c of candidates) {
      const tree = repo.trees.get(c);
      if (tree) return tree;
    }
    return undefined;
  }

  /** A branch, tag or SHA → the commit SHA it names, if the repository knows it. */
  resolveCommit(repo: RepoRecord, ref: string): string | undefined {
    const short = ref.replace(/^refs\//, '').replace(/^(heads|tags)\//, '');
    return (
      repo.refs.get(`refs/heads/${short}`) ??
      repo.refs.get(`refs/tags/${short}`) ??
      repo.refs.get(ref) ??
      (repo.objects.has(ref) ? ref : undefined)
    );
  }

  role(repo: RepoRecord, login: string): Role {
    const explicit = repo.roles.get(login.toLowerCase());
    if (explicit) return explicit;
    if (login.toLowerCase() === repo.owner.toLowerCase()) return 'admin';
    // On a public repository everyone can read.
    return repo.private ? 'none' : 'read';
  }

  authorAssociation(repo: RepoRecord, login: string): 'OWNER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE' {
    if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
    if (repo.roles.has(login.toLowerCase()) && repo.roles.get(login.toLowerCase()) !== 'none')
      return 'COLLABORATOR';
    for (const pr of repo.pulls.values())
      if (pr.user.toLowerCase() === login.toLowerCase() && pr.merged) return 'CONTRIBUTOR';
    return 'NONE';
  }

  /** Open pull requests from this repository whose head is `sha`, as check runs list them. */
  pullRequestsForHead(repo: RepoRecord, sha: string): PullRequestRecord[] {
    return [...repo.pulls.values()].filter((pr) => pr.headSha === sha && !pr.fork && pr.state === 'open');
  }
}

function changedFile(file: FileSeed): ChangedFileRecord {
  const content = file.content ?? '';
  const lines = content === '' ? 0 : content.split('\n').length;
  const status = file.status ?? 'modified';
  return {
    filename: file.filename,
    status,
    sha: file.content !== undefined ? blobSha(file.content) : fakeSha('blob', file.filename),
    additions: file.additions ?? (status === 'removed' ? 0 : lines),
    deletions: file.deletions ?? (status === 'removed' ? lines : 0),
    ...(file.previousFilename ? { previousFilename: file.previousFilename } : {}),
  };
}

/** Seeding and inspection for one repository. Inspection returns copies: tests read, they do not mutate. */
export class RepoHandle {
  constructor(
    private readonly store: Store,
    readonly record: RepoRecord,
  ) {}

  get owner(): string {
    return this.record.owner;
  }

  get name(): string {
    return this.record.name;
  }

  get fullName(): string {
    return `${this.record.owner}/${this.record.name}`;
  }

  // --- seeding -------------------------------------------------------------------------------

  addPullRequest(seed: PullRequestSeed): PullRequestRecord {
    const r = this.record;
    if (r.pulls.has(seed.number))
      throw new Error(`fake GitHub: pull request #${seed.number} already exists in ${this.fullName}`);
    const user = seed.user ?? 'octocat';
    const now = this.store.now();
    const fork = seed.fork ?? false;
    const state = seed.state ?? 'open';
    const pr: PullRequestRecord = {
      id: this.store.nextId('pull'),
      number: seed.number,
      user,
      title: seed.title ?? `Pull request #${seed.number}`,
      body: seed.body ?? null,
      state,
      merged: seed.merged ?? false,
      draft: seed.draft ?? false,
      headSha: seed.headSha,
      baseSha: seed.baseSha,
      headRef: seed.headRef ?? `topic-${seed.number}`,
      baseRef: seed.baseRef ?? r.defaultBranch,
      headOwner: fork ? (seed.forkOwner ?? user) : r.owner,
      fork,
      files: (seed.files ?? []).map(changedFile),
      createdAt: now,
      updatedAt: now,
      closedAt: state === 'closed' ? now : null,
      mergedAt: seed.merged ? now : null,
      commits: [seed.headSha],
    };
    r.pulls.set(pr.number, pr);
    // The base branch is where the pull request says it is; the head branch too, unless it lives in a fork.
    this.setRef(`refs/heads/${pr.baseRef}`, pr.baseSha);
    this.store.ensureCommit(r, pr.headSha, [pr.baseSha]);
    if (!fork) this.setRef(`refs/heads/${pr.headRef}`, pr.headSha);
    for (const f of seed.files ?? [])
      if (f.content !== undefined) this.setFile(pr.headSha, f.filename, f.content);
    return structuredClone(pr);
  }

  /** Serves `content` at `path` for the ref or SHA (`GET /contents/{path}?ref=`). */
  setFile(refOrSha: string, path: string, content: string): void {
    const key = refOrSha.replace(/^refs\/heads\//, '');
    let tree = this.record.trees.get(key);
    if (!tree) {
      tree = new Map();
      this.record.trees.set(key, tree);
    }
    tree.set(path.replace(/^\/+/, ''), content);
    if (/^[0-9a-f]{40}$/.test(key)) this.store.ensureCommit(this.record, key);
  }

  setPermission(login: string, role: Role): void {
    this.record.roles.set(login.toLowerCase(), role);
  }

  /** A new head commit on the pull request; `files` (if given) replaces its changed files. */
  /** Which GitHub accounts GitHub matched to a commit's author and committer (the pull request's commits list them). */
  setCommitLogins(sha: string, logins: { author?: string; committer?: string }): void {
    this.record.commitLogins ??= new Map();
    this.record.commitLogins.set(sha, logins);
  }

  pushCommit(prNumber: number, newHeadSha: string, files?: FileSeed[]): PullRequestRecord {
    const pr = this.pull(prNumber);
    this.store.ensureCommit(this.record, newHeadSha, [pr.headSha]);
    pr.headSha = newHeadSha;
    pr.commits.push(newHeadSha);
    pr.updatedAt = this.store.now();
    if (!pr.fork) this.setRef(`refs/heads/${pr.headRef}`, newHeadSha);
    if (files) {
      pr.files = files.map(changedFile);
      for (const f of files) if (f.content !== undefined) this.setFile(newHeadSha, f.filename, f.content);
    }
    return structuredClone(pr);
  }

  /** A comment written by someone else (e.g. `/proceed`); pair it with `issueCommentEvent`. */
  addComment(prNumber: number, comment: { user: string; body: string }): CommentRecord {
    this.pull(prNumber);
    const now = this.store.now();
    const record: CommentRecord = {
      id: this.store.nextId('comment'),
      issueNumber: prNumber,
      user: comment.user,
      body: comment.body,
      createdAt: now,
      updatedAt: now,
    };
    this.record.comments.push(record);
    return structuredClone(record);
  }

  /** A review written by someone else (e.g. an approval); pair it with `pullRequestReviewEvent`. */
  addReview(prNumber: number, seed: ReviewSeed): ReviewRecord {
    const pr = this.pull(prNumber);
    const record: ReviewRecord = {
      id: this.store.nextId('review'),
      pullNumber: prNumber,
      user: seed.user,
      body: seed.body ?? '',
      state: seed.state,
      commitId: seed.commitId ?? pr.headSha,
      submittedAt: seed.state === 'PENDING' ? null : this.store.now(),
    };
    this.record.reviews.push(record);
    return structuredClone(record);
  }

  setPullRequestState(prNumber: number, state: 'open' | 'closed', options: { merged?: boolean } = {}): void {
    const pr = this.pull(prNumber);
    const now = this.store.now();
    pr.state = state;
    pr.merged = options.merged ?? false;
    pr.closedAt = state === 'closed' ? now : null;
    pr.mergedAt = pr.merged ? now : null;
    pr.updatedAt = now;
  }

  /** Makes a SHA known, so refs may point at it and check runs may be created on it. */
  addCommit(sha: string, parents: string[] = []): void {
    this.store.ensureCommit(this.record, sha, parents);
  }

  /** Points a ref at a SHA; a branch's files (setFile on its name) stay readable by every SHA it has pointed at. */
  setRef(ref: string, sha: string): void {
    const full = ref.startsWith('refs/') ? ref : `refs/${ref}`;
    this.store.ensureCommit(this.record, sha);
    this.record.refs.set(full, sha);
    if (full.startsWith('refs/heads/') && !this.record.branchOfSha.has(sha)) {
      this.record.branchOfSha.set(sha, full.slice('refs/heads/'.length));
    }
  }

  /** Creates or updates a workflow run (`GET /actions/runs/{run_id}`). */
  setWorkflowRun(seed: WorkflowRunSeed): WorkflowRunRecord {
    const existing = seed.id !== undefined ? this.record.workflowRuns.get(seed.id) : undefined;
    const now = this.store.now();
    const run: WorkflowRunRecord = existing ?? {
      id: seed.id ?? this.store.nextId('workflowRun'),
      workflowId: seed.workflowId ?? 'proceed.yml',
      name: seed.name ?? seed.workflowId ?? 'proceed',
      headBranch: seed.headBranch ?? this.record.defaultBranch,
      headSha:
        seed.headSha ?? this.record.refs.get(`refs/heads/${this.record.defaultBranch}`) ?? fakeSha('run'),
      event: seed.event ?? 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      runNumber: this.record.workflowRuns.size + 1,
      runAttempt: seed.runAttempt ?? 1,
      actor: seed.actor ?? 'octocat',
      createdAt: now,
      updatedAt: now,
    };
    if (seed.status) run.status = seed.status;
    if (seed.conclusion !== undefined) run.conclusion = seed.conclusion;
    if (seed.runAttempt !== undefined) run.runAttempt = seed.runAttempt;
    if (existing) {
      if (seed.name) run.name = seed.name;
      if (seed.headSha) run.headSha = seed.headSha;
      if (seed.headBranch) run.headBranch = seed.headBranch;
      run.updatedAt = now;
    }
    this.record.workflowRuns.set(run.id, run);
    return structuredClone(run);
  }

  // --- inspection ----------------------------------------------------------------------------

  pullRequest(prNumber: number): PullRequestRecord {
    return structuredClone(this.pull(prNumber));
  }

  /** Reviews on the pull request, oldest first. */
  reviews(prNumber: number): ReviewRecord[] {
    return structuredClone(this.record.reviews.filter((r) => r.pullNumber === prNumber));
  }

  /** Issue comments on the pull request, oldest first. */
  comments(prNumber: number): CommentRecord[] {
    return structuredClone(this.record.comments.filter((c) => c.issueNumber === prNumber));
  }

  /** Check runs, on one commit or all, newest last. */
  checkRuns(sha?: string): CheckRunRecord[] {
    return structuredClone(this.record.checkRuns.filter((c) => sha === undefined || c.headSha === sha));
  }

  reactions(commentId: number): ReactionRecord[] {
    return structuredClone(this.record.reactions.filter((r) => r.commentId === commentId));
  }

  /** Every ref with its SHA, sorted by name. */
  refs(): { ref: string; sha: string }[] {
    return [...this.record.refs]
      .map(([ref, sha]) => ({ ref, sha }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  }

  dispatches(): DispatchRecord[] {
    return structuredClone(this.record.dispatches);
  }

  workflowRuns(): WorkflowRunRecord[] {
    return structuredClone([...this.record.workflowRuns.values()]);
  }

  private pull(prNumber: number): PullRequestRecord {
    const pr = this.record.pulls.get(prNumber);
    if (!pr)
      throw new Error(
        `fake GitHub: no pull request #${prNumber} in ${this.fullName}; seed it with addPullRequest`,
      );
    return pr;
  }
}

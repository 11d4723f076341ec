/**
 * One pull request on the OpenAPI-checked fake GitHub, with its commits in a local git server, worked
 * by the committed Action bundle as GitHub Actions would run it: one process per event, each comment
 * its own workflow run (which the lock names as its holder, and which is marked completed when the
 * process ends, as GitHub would).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeState } from '../../src/gate/marker.js';
import type { StoredState } from '../../src/gate/state.js';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './fake-github/index.js';
import { issueCommentEvent, pullRequestEvent } from './payloads.js';
import { makeRemote, type Remote } from './remote.js';
import { type ActionExit, runAction, type StartedAction, startAction } from './suite-action.js';
import { readTrace, type TraceEntry } from './traced-plans.js';

export const ACTION_BOT = 'github-actions[bot]';
export const PLAN_PATH = 'deploy/release.plan.yml';
const POLICY = '.github/proceed.yml';

export interface ActionSceneOptions {
  plan: string;
  /** Where the plan file is in the pull request; PLAN_PATH unless told. */
  planPath?: string;
  policy?: string;
  number?: number;
  author?: string;
  /** Logins with write access (the author has it too). */
  writers?: string[];
  /** For the fake: e.g. a GitHub App whose installation tokens the app processes use. */
  fake?: FakeGitHubOptions;
  /** The account the Action's token posts as (its `bot-login` input). */
  botLogin?: string;
  /** Added to the runner's variables of every run of this scene (also later, through `extraEnv`). */
  env?: Record<string, string>;
  /** The id of the first comment's workflow run (the lock names it as its holder); 5000 unless told. */
  firstRunId?: number;
}

export class ActionScene {
  readonly number: number;
  readonly author: string;
  readonly botLogin: string;
  readonly root: string;
  readonly tracePath: string;
  /** `$FAIL_FLAG` and `$HOLD_FLAG` of the steps: files a step can wait on or fail on. */
  readonly failFlag: string;
  readonly holdFlag: string;
  head: string;
  /** Added to the runner's variables of every run from now on. */
  readonly extraEnv: Record<string, string>;
  private files: Record<string, string>;
  private nextRunId: number;

  private constructor(
    readonly fake: FakeGitHub,
    readonly remote: Remote,
    o: ActionSceneOptions,
    /** Whether `dispose` closes the fake: only when the scene started it. */
    private readonly ownsFake: boolean,
  ) {
    this.nextRunId = o.firstRunId ?? 5000;
    this.extraEnv = { ...o.env };
    this.number = o.number ?? 7;
    this.author = o.author ?? 'alice';
    this.botLogin = o.botLogin ?? ACTION_BOT;
    this.root = mkdtempSync(join(tmpdir(), 'proceed-rel-act-'));
    this.tracePath = join(this.root, 'trace.log');
    this.failFlag = join(this.root, 'fail');
    this.holdFlag = join(this.root, 'hold');
    this.files = { [o.planPath ?? PLAN_PATH]: o.plan };
    this.head = remote.commit(this.files);
    fake.addPullRequest({
      number: this.number,
      user: this.author,
      headSha: this.head,
      baseSha: remote.baseSha,
      files: Object.entries(this.files).map(([filename, content]) => ({ filename, content })),
    });
    if (o.policy !== undefined) fake.setFile(remote.baseSha, POLICY, o.policy);
    for (const login of [this.author, ...(o.writers ?? ['bob'])]) fake.setPermission(login, 'write');
  }

  /** A scene on a fake GitHub of its own, which `dispose` closes. */
  static async create(o: ActionSceneOptions): Promise<ActionScene> {
    const fake = await startFakeGitHub(o.fake);
    const remote = makeRemote(o.policy !== undefined ? { [POLICY]: o.policy } : {});
    return new ActionScene(fake, remote, o, true);
  }

  /** A scene on a fake GitHub the caller owns (a test's `useFakeGitHub()`); `dispose` leaves it open. */
  static on(fake: FakeGitHub, o: Omit<ActionSceneOptions, 'fake'>): ActionScene {
    const remote = makeRemote(o.policy !== undefined ? { [POLICY]: o.policy } : {});
    return new ActionScene(fake, remote, o, false);
  }

  /** The runner's variables every run of this scene gets. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      GITHUB_SERVER_URL: this.remote.serverUrl,
      RUN_LOG: this.tracePath,
      FAIL_FLAG: this.failFlag,
      HOLD_FLAG: this.holdFlag,
      'INPUT_BOT-LOGIN': this.botLogin,
      ...this.extraEnv,
      ...extra,
    };
  }

  trace(): TraceEntry[] {
    return readTrace(this.tracePath);
  }

  /** The lines the steps appended to `$RUN_LOG`, oldest first. */
  log(): string[] {
    return existsSync(this.tracePath) ? readFileSync(this.tracePath, 'utf8').trim().split('\n') : [];
  }

  state(): StoredState | undefined {
    const own = this.fake.reviews(this.number).filter((r) => r.user === this.botLogin);
    return own.map((r) => decodeState(r.body)).find(Boolean);
  }

  /** Check runs named `name` on the head, oldest first. */
  checks(name: string, sha = this.head) {
    return this.fake.checkRuns(sha).filter((c) => c.name === name);
  }

  /** Any event handled by the Action (a `schedule`, a `pull_request` of another head …). */
  run(event: string, payload: unknown, env: Record<string, string> = {}): Promise<ActionExit> {
    return runAction({ fake: this.fake, event, payload, env: this.env(env) });
  }

  /** A `pull_request` event (opened, synchronize, closed) handled by the Action. */
  pullRequest(
    action: 'opened' | 'synchronize' | 'closed',
    env: Record<string, string> = {},
  ): Promise<ActionExit> {
    return runAction({
      fake: this.fake,
      event: 'pull_request',
      payload: pullRequestEvent(action, {
        number: this.number,
        user: this.author,
        headSha: this.head,
        baseSha: this.remote.baseSha,
        ...(action === 'closed' ? { state: 'closed' as const } : {}),
      }),
      env: this.env(env),
    });
  }

  /**
   * A comment, and the workflow run it starts: `in_progress` while the Action runs, `completed` when
   * its process has ended (however it ended).
   */
  startComment(
    user: string,
    body: string,
    env: Record<string, string> = {},
  ): StartedAction & { runId: number } {
    const c = this.fake.addComment(this.number, { user, body });
    const runId = this.nextRunId++;
    this.fake.setWorkflowRun({ id: runId, status: 'in_progress' });
    const started = startAction({
      fake: this.fake,
      event: 'issue_comment',
      payload: this.commentPayload(c, user, body),
      env: this.env({ GITHUB_RUN_ID: String(runId), ...env }),
    });
    const exit = started.exit.then((e) => {
      this.fake.setWorkflowRun({
        id: runId,
        status: 'completed',
        conclusion: e.code === 0 ? 'success' : 'failure',
      });
      return e;
    });
    return { ...started, exit, runId };
  }

  /** A comment and its workflow run to the end; the exit says which run it was (`runId`). */
  async comment(
    user: string,
    body: string,
    env: Record<string, string> = {},
  ): Promise<ActionExit & { runId: number }> {
    const started = this.startComment(user, body, env);
    return { ...(await started.exit), runId: started.runId };
  }

  /** The `issue_comment` payload of a comment on this pull request; it says when the comment was written, if given. */
  commentPayload(comment: { id: number; createdAt?: string }, user: string, body: string) {
    return issueCommentEvent('created', {
      number: this.number,
      user,
      body,
      commentId: comment.id,
      prAuthor: this.author,
      ...(comment.createdAt ? { createdAt: comment.createdAt } : {}),
    });
  }

  /** The webhook delivery of a comment on this pull request, as an app replica receives it. */
  commentDelivery(comment: { id: number }, user = 'bob', body = '/proceed') {
    return { id: randomUUID(), name: 'issue_comment', payload: this.commentPayload(comment, user, body) };
  }

  /** The workflow run of a comment written earlier (GitHub may start it well after the comment). */
  async deliverComment(
    comment: { id: number; createdAt?: string },
    user: string,
    body: string,
  ): Promise<ActionExit> {
    const runId = this.nextRunId++;
    this.fake.setWorkflowRun({ id: runId, status: 'in_progress' });
    const exit = await runAction({
      fake: this.fake,
      event: 'issue_comment',
      // The payload carries when the comment was written, not when its run started.
      payload: this.commentPayload(comment, user, body),
      env: this.env({ GITHUB_RUN_ID: String(runId) }),
    });
    this.fake.setWorkflowRun({
      id: runId,
      status: 'completed',
      conclusion: exit.code === 0 ? 'success' : 'failure',
    });
    return exit;
  }

  /** Lets a step waiting on `$HOLD_FLAG` go on. */
  releaseHold(): void {
    rmSync(this.holdFlag, { force: true });
  }

  /** A new commit on the head branch with `files` changed; GitHub learns of it at once, the bot on the next event. */
  push(files: Record<string, string>): string {
    this.files = { ...this.files, ...files };
    this.head = this.remote.commit(files, 'push');
    this.fake.pushCommit(this.number, this.head, this.changedFiles());
    return this.head;
  }

  /** A force-push: a new commit on the base, not on the old head, holding the pull request's files with `files` changed. */
  forcePush(files: Record<string, string>): string {
    this.files = { ...this.files, ...files };
    // makeRemote keeps its work tree next to the bare repositories it serves.
    const work = join(fileURLToPath(this.remote.serverUrl), 'work');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: work,
        encoding: 'utf8',
      }).trim();
    git('checkout', '-q', '--detach', this.remote.baseSha);
    for (const [path, content] of Object.entries(this.files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'rewritten');
    const sha = git('rev-parse', 'HEAD');
    git('push', '-q', '--force', 'origin', `HEAD:refs/heads/${sha.slice(0, 12)}`);
    this.head = sha;
    this.fake.addCommit(sha, [this.remote.baseSha]);
    this.fake.pushCommit(this.number, sha, this.changedFiles());
    return sha;
  }

  /** The repository policy on the base branch, changed (the bot reads it at the pull request's base). */
  setBasePolicy(policy: string): void {
    this.fake.setFile(this.remote.baseSha, POLICY, policy);
  }

  /** What the fake saw that GitHub would have refused. */
  violations(): string[] {
    return this.fake.violations.map((v) => `${v.method} ${v.path}: ${v.reason}`);
  }

  async dispose(): Promise<void> {
    if (this.ownsFake) await this.fake.close();
    this.remote.cleanup();
    rmSync(this.root, { recursive: true, force: true });
  }

  private changedFiles() {
    return Object.entries(this.files).map(([filename, content]) => ({ filename, content }));
  }
}

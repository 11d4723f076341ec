/**
 * One pull request on GitHub in memory (`MemoryGitHub`), driven through the gate's one entry
 * `handleEvent` with the events a door would pass it: webhook payloads built from GitHub's examples
 * and normalised by `toGateEvent`, as the Action and the app do. Approved plans really run: the
 * runner's workspace is a directory holding the files of the commit being executed, and the steps
 * append to a trace file (see plans.ts). Fast enough for matrices of thousands of cells.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Permission } from '../../src/gate/authorize.js';
import { DEFAULT_PLAN_GLOBS } from '../../src/gate/discover.js';
import { toGateEvent } from '../../src/gate/events.js';
import { handleEvent, type GateResult } from '../../src/gate/handle.js';
import { decodeState } from '../../src/gate/marker.js';
import { POLICY_FILE } from '../../src/gate/policy.js';
import type { StoredState } from '../../src/gate/state.js';
import type { GateEnv } from '../../src/gate/view.js';
import { MemoryGitHub } from '../../src/github/memory.js';
import { checkRunEvent, issueCommentEvent, pullRequestEvent, pullRequestReviewEvent } from './payloads.js';
import { readTrace, type TraceEntry } from './traced-plans.js';

export const BOT = 'proceed[bot]';
export const NUMBER = 1;

export interface MemorySceneOptions {
  planPath?: string;
  plan: string;
  /** `.github/proceed.yml` on the base branch. */
  policy?: string;
  author?: string;
  fork?: boolean;
  permissions?: Record<string, Permission>;
  teams?: Record<string, string[]>;
  /** Check-run buttons, as the app shows them. */
  buttons?: boolean;
}

/** What a delivery came to: the gate's result, or why the event was not for the gate. */
export type Delivery = { handled: GateResult } | { ignored: string };

export class MemoryScene {
  readonly github: MemoryGitHub;
  readonly env: GateEnv;
  readonly author: string;
  readonly tracePath: string;
  /** A scratch directory that lives as long as the scene. */
  readonly root: string;
  /** `$FAIL_FLAG` of the steps: a step can be made to fail while this file exists. */
  readonly failFlag: string;
  private readonly workspaces = new Map<string, string>();

  constructor(o: MemorySceneOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'proceed-rel-mem-'));
    this.tracePath = join(this.root, 'trace.log');
    this.failFlag = join(this.root, 'fail');
    this.author = o.author ?? 'alice';
    const planPath = o.planPath ?? 'deploy/release.plan.yml';
    this.github = new MemoryGitHub({
      botLogin: BOT,
      baseFiles: o.policy === undefined ? {} : { [POLICY_FILE]: o.policy },
      pullRequest: {
        number: NUMBER,
        author: this.author,
        files: { [planPath]: o.plan },
        fork: o.fork ?? false,
      },
      permissions: o.permissions ?? {},
      teams: o.teams ?? {},
    });
    this.env = {
      port: this.github,
      botLogin: BOT,
      planGlobs: DEFAULT_PLAN_GLOBS,
      policyPath: POLICY_FILE,
      log: () => undefined,
      buttons: o.buttons ?? false,
      runner: {
        workspace: async (sha) => ({ ok: true, dir: await this.workspace(sha) }),
        holder: { kind: 'app', id: `reliability-${process.pid}` },
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? this.root,
          RUN_LOG: this.tracePath,
          FAIL_FLAG: this.failFlag,
        },
        secrets: [],
        pollMs: 100,
      },
    };
  }

  /** The steps that ran, from their own trace. */
  trace(): TraceEntry[] {
    return readTrace(this.tracePath);
  }

  /** The state in the bot's review, as the gate reads it. */
  state(): StoredState | undefined {
    const own = this.github.reviews().filter((r) => r.user?.login === BOT);
    return own.map((r) => decodeState(r.body)).find(Boolean);
  }

  get headSha(): string {
    return this.github.pullRequest.headSha;
  }

  async deliver(name: string, payload: unknown): Promise<Delivery> {
    const event = toGateEvent(name, payload);
    if (event.kind === 'ignored') return { ignored: event.reason };
    if (event.kind === 'invalid') return { ignored: event.message };
    return { handled: await handleEvent(this.env, event) };
  }

  /** A `pull_request` webhook: opened, a push (`synchronize`), or closed. */
  open(action: 'opened' | 'synchronize' | 'closed' = 'opened'): Promise<Delivery> {
    const pr = this.github.pullRequest;
    return this.deliver(
      'pull_request',
      pullRequestEvent(action, {
        number: NUMBER,
        user: this.author,
        headSha: pr.headSha,
        baseSha: pr.baseSha,
        fork: pr.isFork,
      }),
    );
  }

  /** A comment as GitHub stores it, then its webhook (`created`, or `edited` with the body before). */
  comment(
    login: string,
    body: string,
    action: 'created' | 'edited' | 'deleted' = 'created',
    previousBody = '',
  ): Promise<Delivery> {
    const c = this.github.addComment(login, body);
    return this.deliver(
      'issue_comment',
      issueCommentEvent(action, {
        number: NUMBER,
        user: login,
        body,
        commentId: c.id,
        prAuthor: this.author,
        previousBody,
      }),
    );
  }

  review(
    login: string,
    state: 'approved' | 'commented' | 'changes_requested' = 'approved',
    commitId = this.headSha,
  ): Promise<Delivery> {
    const upper = state.toUpperCase() as 'APPROVED' | 'COMMENTED' | 'CHANGES_REQUESTED';
    const r = this.github.submitReview(login, upper, '', commitId);
    const pr = this.github.pullRequest;
    return this.deliver(
      'pull_request_review',
      pullRequestReviewEvent('submitted', {
        number: NUMBER,
        headSha: pr.headSha,
        baseSha: pr.baseSha,
        reviewId: r.id,
        state,
        user: login,
        prAuthor: this.author,
        commitId,
      }),
    );
  }

  /** `reviewer`'s review `reviewId` dismissed by `by` (`pull_request_review.dismissed`). */
  dismiss(reviewer: string, reviewId: number, by: string, type: 'User' | 'Bot' = 'User'): Promise<Delivery> {
    const pr = this.github.pullRequest;
    const payload = pullRequestReviewEvent('dismissed', {
      number: NUMBER,
      headSha: pr.headSha,
      baseSha: pr.baseSha,
      reviewId,
      state: 'dismissed',
      user: reviewer,
      sender: by,
      prAuthor: this.author,
    });
    return this.deliver('pull_request_review', { ...payload, sender: { ...payload.sender, type } });
  }

  /** A press of `identifier` on the newest check run named `checkName` (the gate offers buttons on live ones only). */
  button(login: string, identifier: string, checkName = 'proceed/verify'): Promise<Delivery> {
    const check = this.github
      .checkRuns(this.headSha)
      .filter((c) => c.name === checkName)
      .at(-1);
    return this.deliver(
      'check_run',
      checkRunEvent('requested_action', {
        identifier,
        user: login,
        checkRunId: check?.id ?? 999_999,
        name: checkName,
        headSha: this.headSha,
        pullRequests: [{ number: NUMBER }],
      }),
    );
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A directory holding the pull request's files as they are at `sha` (the checkout of the approved commit). */
  private async workspace(sha: string): Promise<string> {
    const known = this.workspaces.get(sha);
    if (known) return known;
    const dir = join(this.root, `ws-${sha.slice(0, 12)}`);
    mkdirSync(dir, { recursive: true });
    for (const f of await this.github.listChangedFiles(NUMBER)) {
      const file = await this.github.readFile(f.filename, sha);
      if (!file) continue;
      mkdirSync(dirname(join(dir, f.filename)), { recursive: true });
      writeFileSync(join(dir, f.filename), file.content);
    }
    this.workspaces.set(sha, dir);
    return dir;
  }
}

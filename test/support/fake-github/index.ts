/**
 * A fake GitHub REST API for tests: an HTTP server on 127.0.0.1 that checks every request against
 * GitHub's OpenAPI description (api.github.com, from @octokit/openapi) and plays enough of GitHub
 * to run whole pull-request flows. Point Octokit's `baseUrl` or `GITHUB_API_URL` at `fake.url`.
 *
 *   const fake = await startFakeGitHub();            // or: const github = useFakeGitHub(); github()
 *   fake.addRepo({ owner: 'octo-org', repo: 'widgets', defaultBranch: 'main' });  // optional: the default repo
 *   fake.addPullRequest({ number: 7, user: 'alice', headSha, baseSha, files: [{ filename: 'x.plan.yml', content }] });
 *   fake.setFile('main', '.github/proceed.yml', policy);   // GET /contents/{path}?ref= (branch or SHA)
 *   fake.setPermission('bob', 'maintain');                  // GET /collaborators/{u}/permission
 *   fake.addTeamMember('octo-org', 'deployers', 'bob');
 *   const c = fake.addComment(7, { user: 'bob', body: '/proceed' });  // then send issueCommentEvent(...)
 *   fake.addReview(7, { user: 'bob', state: 'APPROVED' });  // then send pullRequestReviewEvent(...)
 *   fake.setPullRequestState(7, 'closed', { merged: true }); fake.setRef('refs/heads/x', sha); fake.addCommit(sha, parents?);
 *   fake.pushCommit(7, newSha, files?);                     // a new head, e.g. from hooks.beforeRequest
 *   fake.repo('other/repo')                                 // the same methods for another repository
 *
 * Checking — each becomes an entry in `fake.violations` ({ method, path, reason }) and GitHub's
 * status: unknown method+path 404; path/query parameters of the wrong type 404/422; a body that
 * fails the operation's requestBody schema 422; comment/review bodies over 65,536 characters,
 * check run summary/text over 65,535 or more than 50 annotations per request 422; no
 * `authorization` header 401; an operation the fake does not implement 501. Query parameters and
 * top-level body fields the operation does not declare are violations too (GitHub ignores them, so
 * they are usually typos) but the request proceeds. With `validateResponses` (or
 * FAKE_GITHUB_VALIDATE_RESPONSES=1) the fake's own answers are held to the response schemas too.
 * Call `fake.assertNoViolations()` at the end of a test, or use `useFakeGitHub()` (use-fake-github.ts),
 * which does it in afterEach.
 *
 * State semantics are GitHub's, and are not violations: 404 for missing resources, 422
 * "Reference already exists" on `POST /git/refs`, 422 for refs to unknown SHAs, 403 when an app
 * edits another app's check run or a user's review. Known SHAs are PR heads and bases, pushed
 * commits, ref targets and `addCommit(sha, parents?)`; each is a commit with a tree of its own
 * (`GET /git/commits/{sha}`). `POST /git/commits` needs an existing tree and parent commits (422
 * otherwise); `PATCH /git/refs/{ref}` without `force` only fast-forwards — the new commit must
 * descend from the ref's current one through commits' parents — else 422 "Update is not a fast forward".
 *
 * Identity: every token acts as github-actions[bot] (the GitHub Actions app) unless `tokens` maps
 * it to another actor; with `app`, a JWT acts as the app and `POST /app/installations/{id}/access_tokens`
 * issues tokens that act as `<slug>[bot]`, narrowed to `repositories`/`repository_ids` and
 * `permissions` when asked: such a token gets 404 reading and 403 writing another repository or
 * without the permission, and 401 once revoked (`DELETE /installation/token`); see
 * installation-tokens.ts, and `fake.installation.issued()` for what was issued.
 *
 * Inspection (copies): `requests`, `writes()`, `violations`, `reviews(pr)`, `comments(pr)`,
 * `checkRuns(sha?)` (newest last; the API lists newest first), `reactions(commentId)`, `refs()`,
 * `dispatches()`, `workflowRuns()`, `pullRequest(pr)`. A dispatch queues a workflow run; a test moves
 * it on with `setWorkflowRun({ id, status, conclusion })`.
 *
 * Secondary limits: `fake.contentPerMinute()` says how many content-creating requests (writes) came
 * within any 60 s; `fake.secondaryLimits({ perMinute: 80, perHour: 500 })` answers those past the
 * limit with GitHub's 403 and `retry-after`, as GitHub does (off by default).
 *
 * Faults: `fake.faults({ rate, kinds, seed, timeoutMs, match, limit })` fails valid requests with
 * 500, 502, a secondary rate limit (403, `retry-after`), a primary rate limit (403,
 * `x-ratelimit-remaining: 0`), a timeout (held, then 504) or a connection reset; a faulted request
 * changes no state — unless `after: true`, which carries it out and then loses the answer. `fake.faults(null)` turns them off. `fake.hooks.beforeRequest` runs before each
 * routed request is handled, to act mid-flow. Octokit's throttling plugin paces writes (src/github/client.ts:
 * a budget, past its burst about one a second): give it `throttle.write`/`throttle.notifications`
 * Bottleneck groups with `minTime: 0` in tests, as faults.test.ts does.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Reply, type RequestContext, GitHubError, handlers } from './endpoints.js';
import { type FaultKind, type FaultOptions, FaultPlan } from './faults.js';
import {
  type InstallationSeed,
  InstallationTokens,
  installationTokenHandlers,
} from './installation-tokens.js';
import {
  type Actor,
  type AppIdentity,
  type CheckRunRecord,
  type CommentRecord,
  type DispatchRecord,
  type FileSeed,
  type PullRequestRecord,
  type ReactionRecord,
  type ReviewRecord,
  type Role,
  type WorkflowRunRecord,
  DEFAULT_OWNER,
  DEFAULT_REPO,
  GITHUB_ACTIONS_BOT,
  userType,
} from './model.js';
import {
  type Operation,
  checkPathParameters,
  checkQueryParameters,
  checkRequestBody,
  checkResponseBody,
  matchOperation,
} from './openapi.js';
import {
  type PullRequestSeed,
  type RepoSeed,
  type ReviewSeed,
  type WorkflowRunSeed,
  RepoHandle,
  Store,
} from './store.js';

export type {
  Actor,
  AppIdentity,
  FaultKind,
  FaultOptions,
  FileSeed,
  PullRequestSeed,
  RepoSeed,
  ReviewSeed,
  Role,
  WorkflowRunSeed,
};
export type {
  CheckRunRecord,
  CommentRecord,
  DispatchRecord,
  PullRequestRecord,
  ReactionRecord,
  ReviewRecord,
  WorkflowRunRecord,
};
export { RepoHandle };
export { DEFAULT_OWNER, DEFAULT_REPO, GITHUB_ACTIONS_BOT };
export { MAX_ANNOTATIONS_PER_REQUEST, MAX_CHECK_OUTPUT, MAX_COMMENT_BODY } from './endpoints.js';

export interface FakeGitHubOptions {
  /** Who a token not listed in `tokens` acts as (default github-actions[bot]). A string is a user's login. */
  actor?: Actor | string;
  /** Token → actor, for tests with several identities. */
  tokens?: Record<string, Actor | string>;
  /** The GitHub App whose JWT and installation tokens the fake accepts. */
  app?: AppIdentity;
  /** The app's installation (id 1, app.yml's permissions unless given), which every repository belongs to. */
  installation?: InstallationSeed;
  /**
   * Hold the fake's own responses to the description's response schemas. Off by default because
   * compiling response schemas costs ~0.1 s per operation; the harness's own tests turn it on, and
   * FAKE_GITHUB_VALIDATE_RESPONSES=1 turns it on for a whole run.
   */
  validateResponses?: boolean;
  /** Host of `html_url`s (default https://github.com). */
  htmlUrl?: string;
  /** Clock for timestamps (default: the real one). */
  now?: () => Date;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  status: number;
  operationId?: string;
  actor?: string;
  fault?: FaultKind;
  /** Refused with a secondary rate limit because the content-creating budget was spent (`secondaryLimits`). */
  limited?: boolean;
}

/** GitHub's secondary limits on content-creating requests, enforced when a test or the bench asks. */
export interface SecondaryLimits {
  /** At most this many in any 60 s (GitHub: 80). */
  perMinute?: number;
  /** At most this many in any hour (GitHub: 500). */
  perHour?: number;
  /** Seconds in the 403's `retry-after` (default 60, what GitHub usually says). */
  retryAfterSeconds?: number;
}

export interface Violation {
  method: string;
  path: string;
  reason: string;
}

export interface BeforeRequest {
  method: string;
  path: string;
  operationId: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: unknown;
  actor: Actor;
}

export interface FakeGitHubHooks {
  /** Runs before a routed request is handled (and before any fault), e.g. to push a commit mid-flow. */
  beforeRequest?: (request: BeforeRequest) => void | Promise<void>;
}

type HeaderMap = Record<string, string>;

function toActor(spec: Actor | string): Actor {
  return typeof spec === 'string' ? { login: spec, type: userType(spec) } : spec;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function queryRecord(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}

export class FakeGitHub {
  /** Every request, in arrival order, with the status it got. */
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly hooks: FakeGitHubHooks = {};
  readonly url: string;
  /** The app's installation: the tokens it issued, their scope, revocation. */
  readonly installation: InstallationTokens;

  private readonly store: Store;
  private readonly defaultActor: Actor;
  private readonly tokens = new Map<string, Actor>();
  private readonly validateResponses: boolean;
  private readonly urls: { api: string; html: string };
  private faultPlan: FaultPlan | undefined;
  private limits: SecondaryLimits | undefined;
  /** When each content-creating request arrived (ms, by the fake's clock), in order. */
  private readonly contentTimes: number[] = [];
  private readonly clock: () => Date;
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  /** @internal use startFakeGitHub */
  constructor(
    private readonly server: Server,
    private readonly options: FakeGitHubOptions,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.urls = { api: this.url, html: (options.htmlUrl ?? 'https://github.com').replace(/\/$/, '') };
    const clock = options.now ?? (() => new Date());
    this.clock = clock;
    this.store = new Store(() => isoSeconds(clock()));
    this.defaultActor = toActor(options.actor ?? GITHUB_ACTIONS_BOT);
    this.installation = new InstallationTokens(options.installation);
    for (const [token, actor] of Object.entries(options.tokens ?? {})) this.tokens.set(token, toActor(actor));
    this.validateResponses =
      options.validateResponses ?? process.env['FAKE_GITHUB_VALIDATE_RESPONSES'] === '1';
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => {
        this.violations.push({
          method: req.method ?? '',
          path: req.url ?? '',
          reason: `fake GitHub crashed: ${String(err)}`,
        });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'fake GitHub crashed' }));
      });
    });
  }

  // --- repositories --------------------------------------------------------------------------

  addRepo(seed: RepoSeed = {}): RepoHandle {
    return new RepoHandle(this.store, this.store.addRepo(seed));
  }

  /** A repository by `owner/name`; without an argument the first one added (created as octo-org/widgets if none). */
  repo(fullName?: string): RepoHandle {
    if (fullName === undefined) {
      const first = this.store.repos.values().next().value;
      return new RepoHandle(this.store, first ?? this.store.addRepo());
    }
    const [owner = '', name = ''] = fullName.split('/');
    const record = this.store.find(owner, name);
    if (!record) throw new Error(`fake GitHub: no repository ${fullName}; add it with addRepo`);
    return new RepoHandle(this.store, record);
  }

  addPullRequest(seed: PullRequestSeed): PullRequestRecord {
    return this.repo().addPullRequest(seed);
  }
  setFile(refOrSha: string, path: string, content: string): void {
    this.repo().setFile(refOrSha, path, content);
  }
  setPermission(login: string, role: Role): void {
    this.repo().setPermission(login, role);
  }
  pushCommit(prNumber: number, newHeadSha: string, files?: FileSeed[]): PullRequestRecord {
    return this.repo().pushCommit(prNumber, newHeadSha, files);
  }
  addComment(prNumber: number, comment: { user: string; body: string }): CommentRecord {
    return this.repo().addComment(prNumber, comment);
  }
  addReview(prNumber: number, seed: ReviewSeed): ReviewRecord {
    return this.repo().addReview(prNumber, seed);
  }
  setPullRequestState(prNumber: number, state: 'open' | 'closed', options?: { merged?: boolean }): void {
    this.repo().setPullRequestState(prNumber, state, options);
  }
  setCommitLogins(sha: string, logins: { author?: string; committer?: string }): void {
    this.repo().setCommitLogins(sha, logins);
  }
  addCommit(sha: string, parents?: string[]): void {
    this.repo().addCommit(sha, parents);
  }
  setRef(ref: string, sha: string): void {
    this.repo().setRef(ref, sha);
  }
  setWorkflowRun(seed: WorkflowRunSeed): WorkflowRunRecord {
    return this.repo().setWorkflowRun(seed);
  }

  addTeamMember(
    org: string,
    teamSlug: string,
    login: string,
    role: 'member' | 'maintainer' = 'member',
  ): void {
    const key = `${org}/${teamSlug}`.toLowerCase();
    let team = this.store.teams.get(key);
    if (!team) {
      team = new Map();
      this.store.teams.set(key, team);
    }
    team.set(login.toLowerCase(), role);
  }

  // --- inspection ----------------------------------------------------------------------------

  pullRequest(prNumber: number): PullRequestRecord {
    return this.repo().pullRequest(prNumber);
  }
  reviews(prNumber: number): ReviewRecord[] {
    return this.repo().reviews(prNumber);
  }
  comments(prNumber: number): CommentRecord[] {
    return this.repo().comments(prNumber);
  }
  checkRuns(sha?: string): CheckRunRecord[] {
    return this.repo().checkRuns(sha);
  }
  reactions(commentId: number): ReactionRecord[] {
    return this.repo().reactions(commentId);
  }
  refs(): { ref: string; sha: string }[] {
    return this.repo().refs();
  }
  dispatches(): DispatchRecord[] {
    return this.repo().dispatches();
  }
  workflowRuns(): WorkflowRunRecord[] {
    return this.repo().workflowRuns();
  }

  /** Requests other than GET/HEAD that succeeded (2xx), in order. */
  writes(): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method !== 'GET' && r.method !== 'HEAD' && r.status >= 200 && r.status < 300,
    );
  }

  /** Throws, listing them, when any request broke GitHub's contract. */
  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map((v) => `  ${v.method} ${v.path}: ${v.reason}`);
    throw new Error(
      `fake GitHub saw ${this.violations.length} request(s) GitHub would not accept:\n${lines.join('\n')}`,
    );
  }

  // --- faults and lifecycle ------------------------------------------------------------------

  /** Starts failing requests as configured (null turns faults off). Returns the plan, whose `count` says how many were injected. */
  faults(options: FaultOptions | null): FaultPlan | undefined {
    this.faultPlan = options ? new FaultPlan(options) : undefined;
    return this.faultPlan;
  }

  /**
   * Answers content-creating requests past `perMinute` in the last 60 s (or `perHour` in the last
   * hour) with GitHub's secondary-limit 403 and `retry-after`, changing nothing; null turns it off.
   * Counting goes on either way (`contentPerMinute()`).
   */
  secondaryLimits(limits: SecondaryLimits | null): void {
    this.limits = limits ?? undefined;
  }

  /**
   * Content-creating requests (every method but GET and HEAD, an installation token's issue aside)
   * that GitHub would count: the most that arrived within any 60 s, and in all.
   */
  contentPerMinute(): { max: number; total: number } {
    const t = this.contentTimes;
    let max = 0;
    for (let end = 0, start = 0; end < t.length; end++) {
      while (t[end]! - t[start]! >= 60_000) start++;
      max = Math.max(max, end - start + 1);
    }
    return { max, total: t.length };
  }

  private withinLimits(): boolean {
    const now = this.clock().getTime();
    const limits = this.limits;
    if (limits) {
      const since = (ms: number) => this.contentTimes.filter((at) => now - at < ms).length;
      if (limits.perMinute !== undefined && since(60_000) >= limits.perMinute) return false;
      if (limits.perHour !== undefined && since(3_600_000) >= limits.perHour) return false;
    }
    this.contentTimes.push(now);
    return true;
  }

  async close(): Promise<void> {
    for (const t of this.pendingTimers) clearTimeout(t);
    this.pendingTimers.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // --- request pipeline ----------------------------------------------------------------------

  private actorFor(authorization: string): Actor {
    const token = authorization.replace(/^(token|bearer)\s+/i, '').trim();
    const mapped = this.tokens.get(token) ?? this.installation.actorOf(token);
    if (mapped) return mapped;
    const app = this.options.app;
    if (app && /^bearer\s+[\w-]+\.[\w-]+\.[\w-]+$/i.test(authorization))
      return { login: `${app.slug}[bot]`, type: 'Bot', app };
    return this.defaultActor;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const rawQuery = queryRecord(url.searchParams);
    const rawBody = await readBody(req);
    const record: RecordedRequest = { method, path, query: rawQuery, body: undefined, status: 0 };
    this.requests.push(record);
    const violate = (reason: string) => this.violations.push({ method, path: path + url.search, reason });

    const send = (reply: Reply, operation?: Operation) => {
      record.status = reply.status;
      if (operation && this.validateResponses && reply.status < 500 && reply.text === undefined) {
        for (const p of checkResponseBody(operation, reply.status, reply.body))
          violate(`fake response (${reply.status}): ${p.reason}`);
      }
      const headers: HeaderMap = {
        'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
        'x-github-api-version-selected': '2022-11-28',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-used': '1',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
        'x-ratelimit-resource': 'core',
        ...reply.headers,
      };
      if (reply.text !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        res.end(reply.text);
      } else if (reply.body === undefined) {
        res.writeHead(reply.status, headers);
        res.end();
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(reply.body));
      }
    };
    const fail = (
      status: number,
      message: string,
      reason: string,
      documentationUrl = 'https://docs.github.com/rest',
      extra = {},
    ) => {
      violate(reason);
      send({
        status,
        body: { message, ...extra, documentation_url: documentationUrl, status: String(status) },
      });
    };

    let body: unknown;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        record.body = rawBody;
        return fail(400, 'Problems parsing JSON', 'request body is not JSON');
      }
    }
    record.body = body;

    const routed = matchOperation(method, path);
    if (!routed.match) {
      const others = routed.methodsForPath;
      const reason = others.length
        ? `${method} is not an operation on ${path} in GitHub's description (it has ${others.join(', ')})`
        : `no operation in GitHub's description matches ${method} ${path}`;
      return fail(404, 'Not Found', reason);
    }
    const { operation, params } = routed.match;
    record.operationId = operation.operationId;
    const docs = operation.documentationUrl;

    const authorization = req.headers['authorization'];
    if (!authorization) return fail(401, 'Requires authentication', 'no authorization header', docs);
    const presented = authorization.replace(/^(token|bearer)\s+/i, '').trim();
    if (this.installation.isRevoked(presented))
      return send({
        status: 401,
        body: { message: 'Bad credentials', documentation_url: docs, status: '401' },
      });
    const actor = this.actorFor(authorization);
    record.actor = actor.login;

    const pathProblems = checkPathParameters(operation, params);
    if (pathProblems.length)
      return fail(404, 'Not Found', pathProblems.map((p) => p.reason).join('; '), docs);
    const query = checkQueryParameters(operation, rawQuery);
    for (const name of query.unknown)
      violate(`query parameter "${name}" is not declared by ${operation.operationId} (GitHub ignores it)`);
    if (query.problems.length) {
      return fail(
        422,
        `Invalid request.\n\n${query.problems.map((p) => p.message).join('\n')}`,
        query.problems.map((p) => p.reason).join('; '),
        docs,
      );
    }
    const checked = checkRequestBody(operation, body);
    for (const name of checked.unknown)
      violate(`body field "${name}" is not declared by ${operation.operationId} (GitHub ignores it)`);
    if (checked.problems.length) {
      return fail(
        422,
        `Invalid request.\n\n${checked.problems.map((p) => p.message).join('\n')}`,
        checked.problems.map((p) => p.reason).join('; '),
        docs,
      );
    }

    await this.hooks.beforeRequest?.({
      method,
      path,
      operationId: operation.operationId,
      params,
      query: rawQuery,
      body,
      actor,
    });

    const creates =
      method !== 'GET' &&
      method !== 'HEAD' &&
      operation.operationId !== 'apps/create-installation-access-token';
    if (creates && !this.withinLimits()) {
      record.limited = true;
      return send({
        status: 403,
        headers: { 'retry-after': String(this.limits?.retryAfterSeconds ?? 60) },
        body: {
          message:
            'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
          documentation_url:
            'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403',
        },
      });
    }

    const fault = this.faultPlan?.pick({ method, path, operationId: operation.operationId });
    if (fault) record.fault = fault;
    if (fault && !this.faultPlan?.options.after) return this.injectFault(fault, req, send, docs);

    const handler = handlers[operation.operationId] ?? installationTokenHandlers[operation.operationId];
    if (!handler) {
      return fail(
        501,
        'Not Implemented',
        `${operation.operationId} (${method} ${operation.template}) is not implemented in the fake`,
        docs,
      );
    }
    const ctx: RequestContext & { tokens: InstallationTokens; token: string } = {
      method,
      url,
      operationId: operation.operationId,
      documentationUrl: docs,
      params,
      query: query.coerced,
      body,
      headers: req.headers,
      actor,
      store: this.store,
      urls: this.urls,
      tokens: this.installation,
      token: presented,
    };
    let reply: Reply;
    try {
      const outOfScope = this.installation.refusal(presented, ctx);
      if (outOfScope) throw outOfScope;
      reply = handler(ctx);
    } catch (err) {
      if (!(err instanceof GitHubError)) throw err;
      if (err.violation) violate(err.violation);
      reply = { status: err.status, body: err.body };
    }
    if (fault) return this.injectFault(fault, req, (r) => send(r), docs);
    send(reply, operation);
  }

  private injectFault(
    fault: FaultKind,
    req: IncomingMessage,
    send: (reply: Reply) => void,
    docs: string,
  ): void {
    const options = this.faultPlan?.options;
    switch (fault) {
      case '500':
        return send({ status: 500, body: { message: 'Server Error' } });
      case '502':
        return send({ status: 502, text: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
      case 'secondary-rate-limit':
        return send({
          status: 403,
          headers: { 'retry-after': String(options?.retryAfterSeconds ?? 1) },
          body: {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
            documentation_url:
              'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
            status: '403',
          },
        });
      case 'rate-limit':
        return send({
          status: 403,
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': '5000',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
          },
          body: {
            message: 'API rate limit exceeded for installation.',
            documentation_url: docs,
            status: '403',
          },
        });
      case 'timeout': {
        const timer = setTimeout(() => {
          this.pendingTimers.delete(timer);
          send({
            status: 504,
            body: { message: "We couldn't respond to your request in time. Sorry about that." },
          });
        }, options?.timeoutMs ?? 200);
        this.pendingTimers.add(timer);
        return;
      }
      case 'connection-reset':
        req.socket.destroy();
        return;
    }
  }
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return new FakeGitHub(server, options);
}

/**
 * The `dispatch` executor without a private key in the repository: the workflow run the app
 * dispatched presents its GitHub Actions OIDC token (signed by a local issuer, verified against its
 * local JWKS) at the app's `POST /proceed/token` and gets an installation token for its repository
 * only. End to end: the committed Action bundle trades the token and executes; every token that is
 * not the dispatched run's is refused with a reason and nothing runs; the token cannot reach
 * another repository, and is revoked when the Action ends.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/core';
import { sign } from '@octokit/webhooks-methods';
import { Probot, Server } from 'probot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/app/config.js';
import { createApp } from '../../src/app/index.js';
import { appOctokit } from '../../src/app/octokit.js';
import { EXECUTION_PERMISSIONS, ExchangeRefusal, exchangeMarkRef } from '../../src/app/token-exchange.js';
import { tokenExchangeHandler } from '../../src/app/token-exchange-http.js';
import { runAction, type ActionRun } from '../support/action.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { workflowRunEvent } from '../support/payloads.js';
import { freePort } from '../support/free-port.js';
import {
  startOidcIssuer,
  type JobClaims,
  type OidcIssuer,
  type SignOptions,
} from '../support/oidc-issuer.js';
import { APP, BOT, WEBHOOK_SECRET, plan, privateKey, scene, until, type Scene } from '../support/app.js';

let issuer: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(() => issuer.close());

interface Dispatching {
  s: Scene;
  appUrl: string;
  repositoryId: number;
}

/** A webhook delivered to the replica that serves the exchange, over HTTP and signed, as GitHub sends it. */
async function webhook(appUrl: string, name: string, payload: unknown): Promise<number> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${appUrl}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': await sign(WEBHOOK_SECRET, body),
    },
    body,
  });
  return response.status;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The app as two replicas: one receives webhooks (the harness's Probot), the other serves
 * `POST /proceed/token` on a real HTTP server, so the exchange needs nothing from the replica that
 * dispatched.
 */
async function start(
  fake: FakeGitHub,
  planText?: string,
  config: Partial<AppConfig> = {},
): Promise<Dispatching> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const tokenExchange = { appUrl, issuer: issuer.url, audience: appUrl };
  const s = await scene(fake, {
    config: { executor: 'dispatch', tokenExchange, ...config },
    ...(planText ? { plan: planText } : {}),
  });
  cleanups.push(() => s.cleanup());
  const server = await appServer(fake, s.config, port);
  cleanups.push(() => server.stop());
  return { s, appUrl, repositoryId: fake.repo().record.id };
}

async function appServer(fake: FakeGitHub, config: AppConfig, port: number): Promise<Server> {
  const options = {
    appId: APP.id,
    privateKey: privateKey(),
    secret: WEBHOOK_SECRET,
    baseUrl: fake.url,
    logLevel: 'fatal' as const,
    Octokit: appOctokit({ throttle: { enabled: false } }),
  };
  // A quiet logger for the server too (it would log every request): a ready Probot's own, at `fatal`.
  const quiet = new Probot(options);
  await quiet.ready();
  const log = quiet.log;
  const server = new Server({
    host: '127.0.0.1',
    port,
    log,
    Probot: Probot.defaults(options),
  });
  await server.load(createApp(config));
  await server.start();
  return server;
}

/** The proceed workflow's job for the newest dispatch, with `app-url` and `id-token: write` instead of a key. */
async function execute(d: Dispatching, job: Partial<JobClaims> = {}, runId?: number): Promise<ActionRun> {
  const dispatch = d.s.fake.dispatches().at(-1)!;
  const id = runId ?? dispatch.runId;
  const run = await runAction({
    fake: d.s.fake,
    event: 'workflow_dispatch',
    payload: { inputs: dispatch.inputs, ref: 'refs/heads/main' },
    inputs: { mode: 'execute', 'github-token': '', 'app-url': d.appUrl, ...dispatch.inputs },
    env: {
      ...d.s.files,
      GITHUB_SERVER_URL: d.s.remote.serverUrl,
      GITHUB_RUN_ID: String(id),
      ...issuer.runnerEnv({ repositoryId: d.repositoryId, runId: id, ...job }),
    },
  });
  d.s.fake.setWorkflowRun({ id, status: 'completed', conclusion: run.code === 0 ? 'success' : 'failure' });
  return run;
}

/** POST /proceed/token as any client would. */
async function exchange(
  appUrl: string,
  jwt: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${appUrl}/proceed/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: jwt }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Tokens the app minted for one repository (an unscoped one is the app's own, from Probot). */
function scopedTokens(fake: FakeGitHub) {
  return fake.installation.issued().filter((t) => t.repositoryIds);
}

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: { status?: number }) => err.status ?? 0,
  );

describe('dispatch with the OIDC token exchange', () => {
  const github = useFakeGitHub({ app: APP });

  it('trades the dispatched run’s OIDC token for a token of its repository, executes with it, and revokes it', async () => {
    const d = await start(github());
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const runId = d.s.fake.dispatches()[0]!.runId;

    const run = await execute(d);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(d.s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(d.s.state()?.state).toBe('verified');
    // Posted as the app (the exchanged token), not as github-actions[bot]: the buttons reach the app.
    expect(d.s.newest('proceed/one')!.app.slug).toBe(APP.slug);
    expect(d.s.newest('proceed/verify')).toMatchObject({ conclusion: 'success' });

    const [minted, ...more] = scopedTokens(d.s.fake);
    expect(more).toEqual([]);
    expect(minted).toMatchObject({
      repositoryIds: [d.repositoryId],
      permissions: { ...EXECUTION_PERMISSIONS, members: 'read' },
      revoked: true,
    });
    expect(d.s.fake.refs().map((r) => r.ref)).toContain(exchangeMarkRef(runId, 1));
    expect(
      await status(
        new Octokit({ auth: minted!.token, baseUrl: d.s.fake.url }).request('GET /repos/{owner}/{repo}', {
          owner: 'octo-org',
          repo: 'widgets',
        }),
      ),
    ).toBe(401);
  });

  it('gives a run one token: the same or a fresh OIDC token of that run (a step minting its own) is refused', async () => {
    const d = await start(github());
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const runId = d.s.fake.dispatches()[0]!.runId;
    const jwt = await issuer.sign(issuer.claims({ repositoryId: d.repositoryId, runId }), {
      audience: d.appUrl,
    });

    const first = await exchange(d.appUrl, jwt);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ repository: 'octo-org/widgets', bot_login: BOT });
    const replay = await exchange(d.appUrl, jwt);
    expect(replay).toEqual({
      status: 409,
      body: {
        reason: 'replayed',
        message: expect.stringMatching(/already exchanged its token; each run gets one/),
      },
    });
    const fresh = await issuer.sign(issuer.claims({ repositoryId: d.repositoryId, runId }), {
      audience: d.appUrl,
    });
    expect((await exchange(d.appUrl, fresh)).status).toBe(409);
    expect(scopedTokens(d.s.fake)).toHaveLength(1);

    // The Action of that run, started after its token was taken, runs nothing.
    const late = await execute(d);
    expect(late.code).not.toBe(0);
    expect(late.stdout).toMatch(/already exchanged its token/);
    expect(late.stdout).toMatch(/Nothing was run/);
    expect(d.s.log()).toEqual([]);
  });

  it('gives each dispatched run its own token, and forgets the marks of runs that ended', async () => {
    const d = await start(github(), plan({ checkpoint: true }));
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const first = await execute(d);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(d.s.state()).toMatchObject({ state: 'paused', next: 'three' });
    await d.s.comment('bob', '/proceed');
    const [run1, run2] = d.s.fake.dispatches().map((x) => x.runId);
    const second = await execute(d);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(d.s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(scopedTokens(d.s.fake).map((t) => t.revoked)).toEqual([true, true]);
    const marks = d.s.fake.refs().filter((r) => r.ref.startsWith('refs/proceed/tokens/'));
    expect(marks.map((r) => r.ref)).toEqual([exchangeMarkRef(run2!, 1)]);
    expect(run1).not.toBe(run2);
  });

  it('hands out a token that cannot reach another repository or dispatch a workflow', async () => {
    const d = await start(github());
    const gadgets = d.s.fake.addRepo({ owner: 'octo-org', repo: 'gadgets' });
    gadgets.addPullRequest({ number: 3, user: 'alice', headSha: 'c'.repeat(40), baseSha: 'd'.repeat(40) });
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const runId = d.s.fake.dispatches()[0]!.runId;
    const jwt = await issuer.sign(issuer.claims({ repositoryId: d.repositoryId, runId }), {
      audience: d.appUrl,
    });
    const { body } = await exchange(d.appUrl, jwt);
    const octokit = new Octokit({ auth: String(body.token), baseUrl: d.s.fake.url });
    const widgets = { owner: 'octo-org', repo: 'widgets' };
    const other = { owner: 'octo-org', repo: 'gadgets' };

    expect(
      await status(
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...widgets,
          issue_number: 7,
          body: 'ok',
        }),
      ),
    ).toBe(200);
    expect(
      await status(
        octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...other,
          issue_number: 3,
          body: 'no',
        }),
      ),
    ).toBe(403);
    expect(
      await status(
        octokit.request('POST /repos/{owner}/{repo}/check-runs', {
          ...other,
          name: 'proceed/verify',
          head_sha: 'c'.repeat(40),
        }),
      ),
    ).toBe(403);
    expect(
      await status(
        octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...other, pull_number: 3 }),
      ),
    ).toBe(404);
    expect(
      await status(
        octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
          ...widgets,
          workflow_id: 'proceed.yml',
          ref: 'main',
        }),
      ),
    ).toBe(403);
    expect(d.s.fake.comments(3)).toEqual([]);
    expect(gadgets.checkRuns()).toEqual([]);
  });

  it('refuses a run the app did not dispatch through the Action: nothing runs and the job says why', async () => {
    const d = await start(github());
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    // Someone with write access starts the workflow by hand with the recorded inputs.
    const byHand = d.s.fake.setWorkflowRun({ actor: 'alice', status: 'in_progress' });
    const run = await execute(d, { actor: 'alice' }, byHand.id);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/was not dispatched by proceed-test\[bot\] \(started by alice\)/);
    expect(d.s.log()).toEqual([]);
    expect(d.s.checks('proceed/one')).toEqual([]);
    expect(scopedTokens(d.s.fake)).toEqual([]);
    // The run the app did dispatch still goes through.
    const dispatched = await execute(d);
    expect(dispatched.code, dispatched.stdout + dispatched.stderr).toBe(0);
    expect(d.s.log()).toEqual(['one', 'two', 'three', 'verify']);
  });

  it('revokes the token of a run whose job was killed before its Action could, once the run’s completion is delivered', async () => {
    const d = await start(github());
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const runId = d.s.fake.dispatches()[0]!.runId;
    d.s.fake.setWorkflowRun({ id: runId, status: 'in_progress' });
    // The job trades its OIDC token, then is killed (SIGKILL, a cancelled job): nothing revokes it.
    const jwt = await issuer.sign(issuer.claims({ repositoryId: d.repositoryId, runId }), {
      audience: d.appUrl,
    });
    const { status: given, body } = await exchange(d.appUrl, jwt);
    expect(given).toBe(201);
    const octokit = new Octokit({ auth: String(body.token), baseUrl: d.s.fake.url });
    const read = () =>
      status(octokit.request('GET /repos/{owner}/{repo}', { owner: 'octo-org', repo: 'widgets' }));
    expect(await read()).toBe(200);
    // Another run's completion leaves it alone.
    expect(await webhook(d.appUrl, 'workflow_run', workflowRunEvent({ runId: runId + 1000 }))).toBe(200);
    expect(await read()).toBe(200);

    d.s.fake.setWorkflowRun({ id: runId, status: 'completed', conclusion: 'cancelled' });
    expect(await webhook(d.appUrl, 'workflow_run', workflowRunEvent({ runId, repoId: d.repositoryId }))).toBe(
      200,
    );
    expect(await read()).toBe(401);
    expect(scopedTokens(d.s.fake)).toMatchObject([{ revoked: true }]);
  });

  it('revokes the token of an ended run whose completion it never received, at its sweep', async () => {
    const d = await start(github(), undefined, { tokenSweepMs: 100 });
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const runId = d.s.fake.dispatches()[0]!.runId;
    d.s.fake.setWorkflowRun({ id: runId, status: 'in_progress' });
    const jwt = await issuer.sign(issuer.claims({ repositoryId: d.repositoryId, runId }), {
      audience: d.appUrl,
    });
    const { body } = await exchange(d.appUrl, jwt);
    const octokit = new Octokit({ auth: String(body.token), baseUrl: d.s.fake.url });
    const read = () =>
      status(octokit.request('GET /repos/{owner}/{repo}', { owner: 'octo-org', repo: 'widgets' }));
    // Sweeps pass while the run still runs: the token stays good.
    await until(() => d.s.fake.requests.filter((r) => r.path.endsWith(`/actions/runs/${runId}`)).length >= 3);
    expect(await read()).toBe(200);
    // The run ends; its webhook went to another replica (or was lost).
    d.s.fake.setWorkflowRun({ id: runId, status: 'completed', conclusion: 'failure' });
    await until(() => scopedTokens(d.s.fake)[0]?.revoked === true);
    expect(await read()).toBe(401);
  });

  it('refuses the Action of a workflow on another ref: nothing runs', async () => {
    const d = await start(github());
    await d.s.open();
    await d.s.comment('bob', '/proceed');
    const run = await execute(d, { ref: 'refs/heads/feature' });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /ref is refs\/heads\/feature; the app only gives tokens to octo-org\/widgets\/\.github\/workflows\/proceed\.yml@refs\/heads\/main/,
    );
    expect(d.s.log()).toEqual([]);
    expect(scopedTokens(d.s.fake)).toEqual([]);
  });
});

interface RefusalCase {
  name: string;
  job?: Partial<JobClaims>;
  sign?: Partial<SignOptions>;
  /** The dispatched run as GitHub reports it. */
  run?: { actor?: string; status?: 'queued' | 'in_progress' | 'completed'; workflowId?: string };
  status: number;
  reason: string;
  message: RegExp;
}

const refusals: RefusalCase[] = [
  {
    name: 'a token for another audience',
    sign: { audience: 'https://other-app.example' },
    status: 401,
    reason: 'wrong-audience',
    message: /audience must be http:\/\/127\.0\.0\.1/,
  },
  {
    name: 'a token from another issuer',
    sign: { issuer: 'https://token.example.com' },
    status: 401,
    reason: 'wrong-issuer',
    message: /not issued by http:\/\/127\.0\.0\.1/,
  },
  {
    name: 'a token not signed by the issuer’s keys',
    sign: { foreignKey: true },
    status: 401,
    reason: 'bad-signature',
    message: /not signed by one of/,
  },
  { name: 'an expired token', sign: { expiresIn: -120 }, status: 401, reason: 'expired', message: /expired/ },
  {
    name: 'a run started by another event',
    job: { event: 'push' },
    status: 403,
    reason: 'not-a-dispatch',
    message: /started by a push event/,
  },
  {
    name: 'a workflow on another branch',
    job: { ref: 'refs/heads/feature' },
    status: 403,
    reason: 'wrong-workflow',
    message: /ref is refs\/heads\/feature/,
  },
  {
    name: 'another workflow file',
    job: { workflow: 'deploy.yml' },
    status: 403,
    reason: 'wrong-workflow',
    message: /workflow_ref is octo-org\/widgets\/\.github\/workflows\/deploy\.yml@refs\/heads\/main/,
  },
  {
    name: 'a token whose repository id is another repository’s',
    job: { repositoryId: 424242 },
    status: 403,
    reason: 'wrong-repository',
    message: /repository id 424242, but octo-org\/widgets is/,
  },
  {
    name: 'a repository the app is not installed on',
    job: { repository: 'mallory/widgets' },
    status: 403,
    reason: 'not-installed',
    message: /not installed on mallory\/widgets/,
  },
  {
    name: 'a run the app did not dispatch',
    run: { actor: 'alice' },
    status: 403,
    reason: 'not-dispatched-by-app',
    message: /not dispatched by proceed-test\[bot\] \(started by alice\)/,
  },
  {
    name: 'a run of another repository',
    job: { repository: 'octo-org/gadgets' },
    status: 403,
    reason: 'not-dispatched-by-app',
    message: /of octo-org\/gadgets was not dispatched/,
  },
  {
    name: 'a re-run attempt nobody dispatched',
    job: { runAttempt: 2 },
    status: 403,
    reason: 'not-dispatched-by-app',
    message: /\(attempt 2\)/,
  },
  {
    name: 'a run that has ended',
    run: { status: 'completed' },
    status: 403,
    reason: 'run-ended',
    message: /has ended/,
  },
];

describe('what POST /proceed/token refuses', () => {
  const github = useFakeGitHub({ app: APP });

  it.each(refusals)('refuses $name with $status ($reason) and mints nothing', async (c) => {
    const d = await start(github());
    const gadgets = d.s.fake.addRepo({ owner: 'octo-org', repo: 'gadgets' });
    const run = d.s.fake.setWorkflowRun({
      actor: c.run?.actor ?? BOT,
      status: c.run?.status ?? 'in_progress',
    });
    const job: JobClaims = { repositoryId: d.repositoryId, runId: run.id, ...c.job };
    if (job.repository === 'octo-org/gadgets' && !c.job?.repositoryId) job.repositoryId = gadgets.record.id;
    const jwt = await issuer.sign(issuer.claims(job), { audience: d.appUrl, ...c.sign });
    const answer = await exchange(d.appUrl, jwt);
    expect(answer.status, JSON.stringify(answer.body)).toBe(c.status);
    expect(answer.body.reason).toBe(c.reason);
    expect(String(answer.body.message)).toMatch(c.message);
    expect(scopedTokens(d.s.fake)).toEqual([]);
    expect(d.s.fake.refs().some((r) => r.ref.startsWith('refs/proceed/tokens/'))).toBe(false);
  });

  it('answers 400 to a request without a token, and to anything but POST', async () => {
    const d = await start(github());
    const empty = await fetch(`${d.appUrl}/proceed/token`, { method: 'POST', body: '{}' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ reason: 'malformed', message: /no "token" holding a JWT/ });
    const get = await fetch(`${d.appUrl}/proceed/token`);
    expect(get.status).toBe(400);
  });
});

describe('an installation that lacks a permission an execution needs', () => {
  const github = useFakeGitHub({
    app: APP,
    installation: {
      permissions: { contents: 'write', issues: 'write', pull_requests: 'write', metadata: 'read' },
    },
  });

  it('is refused, naming the permissions to accept, and mints nothing', async () => {
    const d = await start(github());
    const run = d.s.fake.setWorkflowRun({ actor: BOT, status: 'in_progress' });
    const jwt = await issuer.sign(issuer.claims({ repositoryId: d.repositoryId, runId: run.id }), {
      audience: d.appUrl,
    });
    const answer = await exchange(d.appUrl, jwt);
    expect(answer).toEqual({
      status: 403,
      body: {
        reason: 'installation-permissions',
        message: expect.stringMatching(
          /lacks checks: write, actions: read; accept the app's requested permissions/,
        ),
      },
    });
    expect(scopedTokens(d.s.fake)).toEqual([]);
  });
});

describe('the token endpoint’s log', () => {
  let server: HttpServer | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  it('logs every refusal with its reason and every token it gave', async () => {
    const lines: string[] = [];
    const log = {
      info: (l: string) => lines.push(`info ${l}`),
      warn: (l: string) => lines.push(`warn ${l}`),
    };
    let refuse = true;
    const handler = tokenExchangeHandler(async () => {
      if (refuse) throw new ExchangeRefusal(403, 'wrong-workflow', 'the run’s ref is refs/heads/x');
      return {
        token: 't',
        expiresAt: '2030-01-01T00:00:00Z',
        repository: 'o/r',
        installationId: 1,
        runId: 5,
        botLogin: BOT,
        permissions: {},
      };
    }, log);
    server = createServer(
      (req, res) => void handler(req, res).then((done) => done || res.writeHead(404).end()),
    );
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await exchange(url, 'a.b.c')).status).toBe(403);
    refuse = false;
    expect((await exchange(url, 'a.b.c')).status).toBe(201);
    expect(lines).toEqual([
      expect.stringMatching(
        /^warn proceed: refused a token exchange from 127\.0\.0\.1 \(wrong-workflow\): the run’s ref is refs\/heads\/x\.$/,
      ),
      'info proceed: gave run 5 of o/r an installation token for that repository, until 2030-01-01T00:00:00Z.',
    ]);
  });
});

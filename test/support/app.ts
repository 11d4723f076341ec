/**
 * The Probot app against the OpenAPI-checked fake GitHub: a real `Probot` (app JWT, installation
 * tokens, Probot's Octokit) receiving webhook payloads built from @octokit/webhooks-examples, with
 * steps fetched from a local bare repository standing in for GitHub's git server.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Probot } from 'probot';
import { type AppConfig, instanceId } from '../../src/app/config.js';
import { createApp } from '../../src/app/index.js';
import { appOctokit } from '../../src/app/octokit.js';
import { decodeState } from '../../src/gate/marker.js';
import type { AppIdentity, FakeGitHub } from './fake-github/index.js';
import { checkRunEvent, issueCommentEvent, pullRequestEvent } from './payloads.js';
import { makeRemote, type Remote } from './remote.js';

export const APP: AppIdentity = { id: 4242, slug: 'proceed-test', name: 'proceed (test)', owner: 'octo-org' };
export const BOT = `${APP.slug}[bot]`;
export const WEBHOOK_SECRET = 'webhook-secret-for-tests';
export const PLAN_PATH = 'deploy/release.plan.yml';

let key: string | undefined;
/** An RSA key for the app's JWT (the fake accepts any well-formed JWT as the app). */
export function privateKey(): string {
  key ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return key;
}

/** Each step appends to $RUN_LOG; step two fails while $FAIL_TWO exists; step three waits while $HOLD exists. */
export function plan(extra: { checkpoint?: boolean; allowSkip?: boolean; verify?: string } = {}): string {
  return `version: 1
title: Release the widgets service
config:
  allow_skip: ${extra.allowSkip ?? false}
steps:
  - id: one
    name: Build the release
    run: echo one >> "$RUN_LOG"
    rollback: echo undo-one >> "$RUN_LOG"
    estimate: 1m
  - id: two
    name: Migrate the database
    run: echo two >> "$RUN_LOG"; test ! -e "$FAIL_TWO"
    estimate: 1m
  - id: three
    name: Switch traffic
    run: echo three >> "$RUN_LOG"; while [ -e "$HOLD" ]; do sleep 0.05; done
    checkpoint: ${extra.checkpoint ?? false}
    estimate: 1m
verify:
  tests: ${extra.verify ?? 'echo verify >> "$RUN_LOG"'}
`;
}

export function testConfig(remote: Remote, files: Files, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    executor: 'inline',
    workflow: 'proceed.yml',
    gitUrl: remote.serverUrl,
    planGlobs: ['**/*.plan.yml', '**/*.plan.yaml'],
    policyPath: '.github/proceed.yml',
    pollMs: 100,
    stepEnv: { PATH: process.env.PATH, HOME: process.env.HOME, ...files },
    instanceId: instanceId(),
    ...overrides,
  };
}

/** A Probot instance running the app against the fake, as `npm start` would, without the HTTP server. */
export async function startProbot(fake: FakeGitHub, config: AppConfig): Promise<Probot> {
  const probot = new Probot({
    appId: APP.id,
    privateKey: privateKey(),
    secret: WEBHOOK_SECRET,
    baseUrl: fake.url,
    logLevel: 'fatal',
    Octokit: appOctokit({ throttle: { enabled: false } }),
  });
  await probot.load(createApp(config), { cwd: process.cwd(), addHandler: () => undefined });
  return probot;
}

export interface Files {
  RUN_LOG: string;
  FAIL_TWO: string;
  HOLD: string;
}

export interface Scene {
  fake: FakeGitHub;
  remote: Remote;
  head: string;
  files: Files;
  probot: Probot;
  config: AppConfig;
  /** Another replica of the app: same configuration, its own instance id. */
  replica(): Promise<Probot>;
  log(): string[];
  state(): ReturnType<typeof decodeState>;
  checks(name: string): ReturnType<FakeGitHub['checkRuns']>;
  newest(name: string): ReturnType<FakeGitHub['checkRuns']>[number] | undefined;
  open(to?: Probot): Promise<void>;
  /** Posts a comment on the fake and delivers its webhook; returns the delivery to send again. */
  comment(user: string, body: string, to?: Probot): Promise<Delivery>;
  /** The webhook of a press of a button on the newest check run called `name` (on `sha`, default the head). */
  button(user: string, identifier: string, name: string, sha?: string): Delivery;
  /** Presses a button on the newest check run called `name`; returns the delivery to send again. */
  press(user: string, identifier: string, name: string, to?: Probot): Promise<Delivery>;
  botComments(): string[];
  cleanup(): void;
}

export interface Delivery {
  id: string;
  name: 'issue_comment' | 'check_run' | 'pull_request' | 'pull_request_review';
  payload: unknown;
}

export async function deliver(probot: Probot, delivery: Delivery): Promise<void> {
  await probot.receive(delivery as Parameters<Probot['receive']>[0]);
}

export async function scene(
  fake: FakeGitHub,
  o: { plan?: string; policy?: string; config?: Partial<AppConfig> } = {},
): Promise<Scene> {
  const planText = o.plan ?? plan();
  const remote = makeRemote(o.policy ? { '.github/proceed.yml': o.policy } : {});
  const head = remote.commit({ [PLAN_PATH]: planText });
  const dir = mkdtempSync(join(tmpdir(), 'proceed-scene-'));
  const files: Files = {
    RUN_LOG: join(dir, 'run.log'),
    FAIL_TWO: join(dir, 'fail-two'),
    HOLD: join(dir, 'hold'),
  };
  fake.addPullRequest({
    number: 7,
    user: 'alice',
    headSha: head,
    baseSha: remote.baseSha,
    files: [{ filename: PLAN_PATH, content: planText }],
  });
  if (o.policy) fake.setFile(remote.baseSha, '.github/proceed.yml', o.policy);
  fake.setPermission('alice', 'write');
  fake.setPermission('bob', 'write');
  fake.setPermission('carol', 'read');
  const config = testConfig(remote, files, o.config);
  const probot = await startProbot(fake, config);
  const s: Scene = {
    fake,
    remote,
    head,
    files,
    probot,
    config,
    replica: () => startProbot(fake, { ...config, instanceId: instanceId() }),
    log: () => (existsSync(files.RUN_LOG) ? readFileSync(files.RUN_LOG, 'utf8').trim().split('\n') : []),
    state: () => {
      const review = fake.reviews(7).find((r) => r.user === BOT);
      return review ? decodeState(review.body) : undefined;
    },
    checks: (name) => fake.checkRuns(head).filter((c) => c.name === name),
    newest: (name) => s.checks(name).at(-1),
    open: (to = probot) =>
      deliver(to, {
        id: randomUUID(),
        name: 'pull_request',
        payload: pullRequestEvent('opened', {
          number: 7,
          user: 'alice',
          headSha: head,
          baseSha: remote.baseSha,
        }),
      }),
    comment: async (user, body, to = probot) => {
      const c = fake.addComment(7, { user, body });
      const delivery: Delivery = {
        id: randomUUID(),
        name: 'issue_comment',
        payload: issueCommentEvent('created', { number: 7, user, body, commentId: c.id, prAuthor: 'alice' }),
      };
      await deliver(to, delivery);
      return delivery;
    },
    button: (user, identifier, name, sha = head) => {
      const check = fake
        .checkRuns(sha)
        .filter((c) => c.name === name)
        .at(-1);
      if (!check) throw new Error(`no check run ${name} to press ${identifier} on`);
      return {
        id: randomUUID(),
        name: 'check_run',
        payload: checkRunEvent('requested_action', {
          identifier,
          user,
          headSha: sha,
          checkRunId: check.id,
          name,
          status: check.status as 'queued' | 'in_progress' | 'completed',
          conclusion: check.conclusion,
          pullRequests: [{ number: 7, baseSha: remote.baseSha }],
          app: { id: APP.id, slug: APP.slug, name: APP.name },
        }),
      };
    },
    press: async (user, identifier, name, to = probot) => {
      const delivery = s.button(user, identifier, name);
      await deliver(to, delivery);
      return delivery;
    },
    botComments: () =>
      fake
        .comments(7)
        .filter((c) => c.user === BOT)
        .map((c) => c.body),
    cleanup: () => {
      remote.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return s;
}

export async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

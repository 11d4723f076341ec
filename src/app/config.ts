import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseGlobList } from '../gate/discover.js';
import { POLICY_FILE } from '../gate/policy.js';
import { pollIntervalFromEnv } from '../gate/view.js';
import { GITHUB_ACTIONS_ISSUER, type TokenExchangeSettings } from './token-exchange.js';

/** How the app runs an approved plan (`PROCEED_EXECUTOR`). */
export const EXECUTORS = ['inline', 'dispatch'] as const;
export type Executor = (typeof EXECUTORS)[number];

/** The app's settings, from the environment (`configFromEnv`); tests build them directly. */
export interface AppConfig {
  /** `inline`: steps run in a temporary clone on this machine; `dispatch`: on GitHub Actions, by the proceed workflow. */
  executor: Executor;
  /** The workflow file the `dispatch` executor starts, in `.github/workflows/` of each repository. */
  workflow: string;
  /** Where `inline` clones from: `<gitUrl>/<owner>/<repo>.git`. */
  gitUrl: string;
  planGlobs: string[];
  policyPath: string;
  /** How often a running inline execution looks for /cancel, a close or a push. */
  pollMs: number;
  /** The environment inline steps inherit: the app's own, minus its credentials. */
  stepEnv: NodeJS.ProcessEnv;
  /** This process, as the lock names it while it executes. */
  instanceId: string;
  /**
   * While it executes, the instance renews the pull request's lock this often; another replica takes
   * the lock over from an instance silent for `MISSED_BEATS` intervals (it crashed). Default 30 s.
   */
  lockHeartbeatMs?: number;
  /**
   * `dispatch`: the workflow run the app started trades its GitHub Actions OIDC token for a
   * short-lived installation token at `POST <appUrl>/proceed/token` (PROCEED_APP_URL).
   */
  tokenExchange?: TokenExchangeSettings;
  /** How often the app asks GitHub whether runs it gave tokens to have ended (their tokens are then revoked). Default 5 min. */
  tokenSweepMs?: number;
}

/** How often an executing app instance renews its lock, unless PROCEED_LOCK_HEARTBEAT_MS says otherwise. */
export const DEFAULT_LOCK_HEARTBEAT_MS = 30_000;

/** The app's own credentials and settings: never handed to the steps of a plan. */
const APP_VARIABLES =
  /^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PATH|WEBHOOK_PROXY_URL|GITHUB_CLIENT_ID|GITHUB_CLIENT_SECRET|REDIS_URL|SENTRY_DSN|PROCEED_.*)$/;

/** Thrown for a setting the operator has to fix; the message says which and how. */
export class ConfigError extends Error {}

/**
 * Reads PROCEED_EXECUTOR, PROCEED_WORKFLOW, PROCEED_GIT_URL, PROCEED_PLAN_FILES, PROCEED_POLICY_FILE,
 * PROCEED_POLL_INTERVAL_MS, PROCEED_LOCK_HEARTBEAT_MS, and for dispatch PROCEED_APP_URL and PROCEED_OIDC_ISSUER.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): AppConfig {
  const executor = (env.PROCEED_EXECUTOR ?? '').trim() || 'inline';
  if (!(EXECUTORS as readonly string[]).includes(executor)) {
    throw new ConfigError(
      `PROCEED_EXECUTOR is "${executor}": use inline (steps run in a temporary clone on this machine) ` +
        `or dispatch (steps run on GitHub Actions through each repository's proceed workflow).`,
    );
  }
  const workflow = (env.PROCEED_WORKFLOW ?? '').trim() || 'proceed.yml';
  if (!/^[\w.-]+\.ya?ml$/.test(workflow)) {
    throw new ConfigError(
      `PROCEED_WORKFLOW is "${workflow}": give the workflow's file name in .github/workflows/, e.g. proceed.yml.`,
    );
  }
  const gitUrl = (env.PROCEED_GIT_URL ?? '').trim() || serverUrlOf(env);
  try {
    new URL(gitUrl);
  } catch {
    throw new ConfigError(
      `PROCEED_GIT_URL is "${gitUrl}", which is not a URL: give the server to clone from, e.g. https://github.com.`,
    );
  }
  const heartbeat = (env.PROCEED_LOCK_HEARTBEAT_MS ?? '').trim();
  const lockHeartbeatMs = heartbeat === '' ? DEFAULT_LOCK_HEARTBEAT_MS : Number(heartbeat);
  if (!Number.isInteger(lockHeartbeatMs) || lockHeartbeatMs < 50) {
    throw new ConfigError(
      `PROCEED_LOCK_HEARTBEAT_MS is "${heartbeat}": give a whole number of milliseconds, at least 50 ` +
        `(default ${DEFAULT_LOCK_HEARTBEAT_MS}: an executing instance renews its lock every 30 s).`,
    );
  }
  return {
    executor: executor as Executor,
    ...(executor === 'dispatch' ? { tokenExchange: tokenExchangeFromEnv(env) } : {}),
    workflow,
    gitUrl,
    planGlobs: parseGlobList(env.PROCEED_PLAN_FILES),
    policyPath: (env.PROCEED_POLICY_FILE ?? '').trim() || POLICY_FILE,
    pollMs: pollIntervalFromEnv(env),
    stepEnv: Object.fromEntries(Object.entries(env).filter(([key]) => !APP_VARIABLES.test(key))),
    instanceId: instanceId(),
    lockHeartbeatMs,
  };
}

/**
 * PROCEED_APP_URL (required for dispatch: the app's public URL, which the proceed workflow posts its
 * OIDC token to and names as the token's audience) and PROCEED_OIDC_ISSUER (GitHub Actions' issuer
 * unless set, e.g. `https://HOST/_services/token` on GitHub Enterprise Server).
 */
function tokenExchangeFromEnv(env: NodeJS.ProcessEnv): TokenExchangeSettings {
  const appUrl = (env.PROCEED_APP_URL ?? '').trim().replace(/\/+$/, '');
  if (!isHttpUrl(appUrl))
    throw new ConfigError(
      `PROCEED_APP_URL is ${appUrl ? `"${appUrl}", which is not an http(s) URL` : 'not set'}: the dispatch executor needs ` +
        `the app's public URL (the one its webhook URL starts with, e.g. https://proceed.example.com), where the ` +
        `proceed workflow trades its OIDC token for an installation token; give the same URL as the Action's app-url.`,
    );
  const issuer = (env.PROCEED_OIDC_ISSUER ?? '').trim().replace(/\/+$/, '') || GITHUB_ACTIONS_ISSUER;
  if (!isHttpUrl(issuer))
    throw new ConfigError(
      `PROCEED_OIDC_ISSUER is "${issuer}", which is not an http(s) URL: leave it unset for github.com ` +
        `(${GITHUB_ACTIONS_ISSUER}) or give your server's, e.g. https://HOST/_services/token.`,
    );
  return { appUrl, issuer, audience: appUrl };
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** What `npm start` runs: the app, or Probot's setup page that registers it. */
export type StartMode = 'app' | 'setup';

/**
 * Checks the app's credentials before Probot sees them, because Probot falls back silently: no
 * WEBHOOK_SECRET means its public default `development`, and a missing or unreadable key means the
 * setup page. Setup only when asked for: no APP_ID, no key and no secret, outside production.
 */
export function startModeFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): StartMode {
  const appId = (env.APP_ID ?? '').trim();
  const key = (env.PRIVATE_KEY ?? '').trim();
  const keyPath = (env.PRIVATE_KEY_PATH ?? '').trim();
  const secret = env.WEBHOOK_SECRET ?? '';
  const production = env.NODE_ENV === 'production';
  if (!appId && !key && !keyPath && !secret.trim()) {
    if (!production) return 'setup';
    throw new ConfigError(
      'APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET are not set, and NODE_ENV is production: ' +
        "set them from the app's settings page (Probot's setup page, which registers a new app, runs only outside production).",
    );
  }
  if (!/^[1-9]\d*$/.test(appId))
    throw new ConfigError(
      `APP_ID is ${appId ? `"${appId}", not a number` : 'not set'}: set it to the App ID on the app's settings page ` +
        '(unset APP_ID, PRIVATE_KEY and WEBHOOK_SECRET together, outside production, to register a new app instead).',
    );
  if (!secret.trim())
    throw new ConfigError(
      "WEBHOOK_SECRET is not set: set it to the webhook secret on the app's settings page. Without it Probot " +
        'would accept webhooks signed with its public default secret, so anyone could send the app events.',
    );
  if (secret === 'development')
    throw new ConfigError(
      'WEBHOOK_SECRET is "development", Probot\'s public default: anyone could sign webhooks with it. ' +
        "Generate a random secret and set it both here and on the app's settings page.",
    );
  privateKeyFromEnv(key, keyPath, cwd);
  return 'app';
}

/** The key as Probot reads it (PEM, `\n`-escaped or base64; else PRIVATE_KEY_PATH's file), checked to parse. */
function privateKeyFromEnv(key: string, keyPath: string, cwd: string): void {
  const fix =
    'set PRIVATE_KEY to the PEM file GitHub gave you (newlines may be written as \\n, or base64-encode it), or PRIVATE_KEY_PATH to its path';
  let pem: string;
  let where: string;
  if (key) {
    const decoded = /-----BEGIN/.test(key) ? key : Buffer.from(key, 'base64').toString('utf8');
    pem = decoded.replace(/\\n/g, '\n');
    where = 'PRIVATE_KEY';
  } else if (keyPath) {
    where = `PRIVATE_KEY_PATH (${keyPath})`;
    try {
      pem = readFileSync(resolve(cwd, keyPath), 'utf8');
    } catch (err) {
      throw new ConfigError(
        `PRIVATE_KEY_PATH is "${keyPath}", which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${fix}.`,
      );
    }
  } else {
    throw new ConfigError(`PRIVATE_KEY and PRIVATE_KEY_PATH are not set: ${fix}.`);
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem))
    throw new ConfigError(`${where} does not hold a PEM private key: ${fix}.`);
  try {
    createPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(
      `${where} holds a private key that does not parse (${(err as Error).message}): ${fix}.`,
    );
  }
}

/** github.com, or the GitHub Enterprise Server Probot is pointed at (GHE_HOST). */
function serverUrlOf(env: NodeJS.ProcessEnv): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}` : 'https://github.com';
}

/** hostname-pid-random: tells replicas apart, and a restarted process from its former self. */
export function instanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

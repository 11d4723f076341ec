import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { parseGlobList } from '../gate/discover.js';
import { POLICY_FILE } from '../gate/policy.js';
import { pollIntervalFromEnv } from '../gate/view.js';

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
 * PROCEED_POLL_INTERVAL_MS, PROCEED_LOCK_HEARTBEAT_MS.
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

/** github.com, or the GitHub Enterprise Server Probot is pointed at (GHE_HOST). */
function serverUrlOf(env: NodeJS.ProcessEnv): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}` : 'https://github.com';
}

/** hostname-pid-random: tells replicas apart, and a restarted process from its former self. */
export function instanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

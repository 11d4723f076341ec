import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Octokit } from '@octokit/core';
import Bottleneck from 'bottleneck/light.js';

/** How often a request limited by GitHub (primary or secondary) is tried again before giving up. */
const RATE_LIMIT_RETRIES = 4;
/** GitHub asks integrations to leave a second between writes (POST, PATCH, PUT, DELETE)… */
export const DEFAULT_WRITE_INTERVAL_MS = 1_000;
/** …and Octokit leaves three between writes that notify people (comments, reviews). */
const DEFAULT_NOTIFY_INTERVAL_MS = 3_000;

export interface ClientOptions {
  token: string;
  baseUrl: string;
  log: (line: string) => void;
  /**
   * Minimum time between two writes, and between two notifying writes; `PROCEED_WRITE_INTERVAL_MS`
   * sets both, for a GitHub-compatible API that allows more. Default: GitHub's recommendation.
   */
  writeIntervalMs?: number;
  /**
   * The wait before a failed request's second try (the later ones wait 4×, 9×…); default Octokit's
   * 1 s. `PROCEED_RETRY_BASE_MS` sets it, for a GitHub-compatible API and for tests.
   */
  retryBaseMs?: number;
}

/**
 * Octokit for the Action, with the throttling and retry plugins: primary and secondary rate limits
 * are waited out as GitHub's `retry-after` says, server errors are retried with backoff.
 */
export function createOctokit(o: ClientOptions): Octokit {
  const write = o.writeIntervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
  const notify = o.writeIntervalMs ?? DEFAULT_NOTIFY_INTERVAL_MS;
  return getOctokit(
    o.token,
    {
      baseUrl: o.baseUrl,
      ...(o.retryBaseMs === undefined ? {} : { retry: { retryAfterBaseValue: o.retryBaseMs } }),
      throttle: {
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: write }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: notify }),
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          o.log(`Rate limited on ${options.method} ${options.url}; retrying in ${retryAfter}s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          o.log(`Secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
      },
    },
    throttling,
    retry,
  ) as unknown as Octokit;
}

/** Reads `PROCEED_WRITE_INTERVAL_MS`; anything but a non-negative number keeps GitHub's recommendation. */
export function writeIntervalFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return millisecondsFromEnv(env, 'PROCEED_WRITE_INTERVAL_MS');
}

/** Reads `PROCEED_RETRY_BASE_MS`; anything but a non-negative number keeps Octokit's 1 s. */
export function retryBaseFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return millisecondsFromEnv(env, 'PROCEED_RETRY_BASE_MS');
}

function millisecondsFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

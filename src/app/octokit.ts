import { ProbotOctokit } from 'probot';
import { pacing } from '../github/client.js';

/** How often a request limited by GitHub (primary or secondary) is tried again before giving up. */
const RATE_LIMIT_RETRIES = 4;

interface LimitedRequest {
  method: string;
  url: string;
}
interface WithLog {
  log: { warn: (message: string) => void };
}

/** Options a test (or an operator's fork) lays over the app's Octokit: a base URL, throttle or retry settings. */
export interface AppOctokitOptions {
  baseUrl?: string;
  throttle?: Record<string, unknown>;
  retry?: Record<string, unknown>;
}

/**
 * Probot's Octokit (throttling and retry plugins) with rate limits waited out as GitHub's
 * `retry-after` says, a few times, for primary and secondary limits alike: Probot's own default
 * gives up on a secondary limit at once, and SPEC §5 asks that both be honoured.
 */
export function appOctokit(overrides: AppOctokitOptions = {}): typeof ProbotOctokit {
  const wait =
    (kind: string) =>
    (retryAfter: number, options: LimitedRequest, octokit: WithLog, retryCount: number): boolean => {
      octokit.log.warn(`${kind} on ${options.method} ${options.url}; retrying in ${retryAfter}s.`);
      return retryCount < RATE_LIMIT_RETRIES;
    };
  // Writes are spent from a budget of GitHub's secondary limits, per installation (client.ts).
  const pace = pacing();
  // Made once: Probot builds an Octokit for every delivery, and these are the same for all.
  const groups = { write: pace.write, notifications: pace.notifications };
  const limits = { onRateLimit: wait('Rate limited'), onSecondaryRateLimit: wait('Secondary rate limit') };
  return ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    ...overrides,
    throttle: {
      ...(options.throttle as Record<string, unknown> | undefined),
      // Probot's clustered throttling (Redis) keeps its own groups, shared between replicas.
      ...((options.throttle as { connection?: unknown } | undefined)?.connection ? {} : groups),
      ...limits,
      ...overrides.throttle,
    },
    ...(overrides.retry ? { retry: { ...(options.retry as object), ...overrides.retry } } : {}),
  })) as typeof ProbotOctokit;
}

import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Octokit } from '@octokit/core';
import Bottleneck from 'bottleneck/light.js';

/** How often a request limited by GitHub (primary or secondary) is tried again before giving up. */
const RATE_LIMIT_RETRIES = 4;

/**
 * A budget of writes: at most `perMinute` in any minute and `perHour` in any hour, of which `burst`
 * may go out at once; past the burst they are spent at the rate that keeps every window within its
 * bound. A token bucket of `burst` tokens refilled at (perMinute − burst) a minute never lets more
 * than perMinute through in a minute; the hour's bucket likewise with `hourBurst`.
 */
export interface WriteBudget {
  perMinute: number;
  perHour: number;
  burst: number;
  hourBurst: number;
}

/**
 * GitHub's secondary limits on content-creating requests (POST, PATCH, PUT, DELETE): 80 a minute,
 * 500 an hour (docs.github.com, "Rate limits for the REST API", secondary rate limits). A burst of
 * 20, then one a second (GitHub's advice for writes in a row): a run's first writes and its last
 * ones go at once, the steps' results at the steady rate.
 */
export const CONTENT_BUDGET: WriteBudget = { perMinute: 80, perHour: 500, burst: 20, hourBurst: 200 };
/**
 * Writes that notify people (comments, reviews) are held to fewer: GitHub limits them further without
 * saying by how much; Octokit's own default is one every 3 s (20 a minute), kept as the ceiling.
 */
export const NOTIFY_BUDGET: WriteBudget = { perMinute: 20, perHour: 150, burst: 3, hourBurst: 50 };

/** How often Bottleneck looks whether a token is due (its default, 250 ms, would slow the minute's rate). */
const HEARTBEAT_MS = 100;

type Limiter = InstanceType<typeof Bottleneck>;
type Group = InstanceType<typeof Bottleneck.Group>;

/** A minute's bucket as Bottleneck settings (one request at a time, as GitHub asks of writes). */
function minuteBucket(b: WriteBudget): Bottleneck.ConstructorOptions {
  return {
    maxConcurrent: 1,
    reservoir: b.burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: Math.ceil(60_000 / (b.perMinute - b.burst)),
    reservoirIncreaseMaximum: b.burst,
    heartbeatInterval: HEARTBEAT_MS,
  } as Bottleneck.ConstructorOptions;
}

function hourBucket(b: WriteBudget): Limiter {
  return new Bottleneck({
    reservoir: b.hourBurst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: Math.ceil(3_600_000 / (b.perHour - b.hourBurst)),
    reservoirIncreaseMaximum: b.hourBurst,
    heartbeatInterval: 1_000,
  } as Bottleneck.ConstructorOptions);
}

export interface Pacing {
  /** The throttling plugin's `write` group: every write. */
  write: Group;
  /** Its `notifications` group: writes that notify people, after their `write` token. */
  notifications: Group;
  /** After a secondary limit: every bucket empties, so writes resume at the steady rate. */
  backOff(): Promise<void>;
  /**
   * Resolves once a write may go out and leave `reserve` tokens for the writes somebody waits for
   * (publisher.ts sends what nobody waits for only then). Looks every heartbeat, on an unref'd timer.
   */
  roomFor(reserve: number): Promise<void>;
}

/**
 * The throttling plugin's write groups, spending writes from `content` and notifying writes also from
 * `notify`; each group's limiter (one per key) is chained to an hour's bucket of its own. With `fixedIntervalMs` (for a
 * GitHub-compatible API with other limits, and tests) writes are spaced that far apart instead.
 */
export function pacing(
  o: { content?: WriteBudget; notify?: WriteBudget; fixedIntervalMs?: number } = {},
): Pacing {
  if (o.fixedIntervalMs !== undefined) {
    const gap = o.fixedIntervalMs;
    return {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: gap }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: gap }),
      backOff: async () => undefined,
      roomFor: async () => undefined,
    };
  }
  const content = o.content ?? CONTENT_BUDGET;
  const notify = o.notify ?? NOTIFY_BUDGET;
  const hours: Limiter[] = [];
  const groups = [content, notify].map((budget) => {
    // A limiter per key (the throttling plugin's `id`: one per installation in the app), each with its
    // hour's bucket; kept an hour after its last use, so that an hour's bucket is not refilled early.
    const group = new Bottleneck.Group({ ...minuteBucket(budget), timeout: 3_600_000 });
    group.on('created', (limiter: Limiter) => {
      const hour = hourBucket(budget);
      hours.push(hour);
      limiter.chain(hour);
    });
    return { group };
  });
  const [write, notifications] = groups as [(typeof groups)[0], (typeof groups)[0]];
  return {
    write: write.group,
    notifications: notifications.group,
    backOff: async () => {
      for (const { group } of groups)
        for (const { limiter } of group.limiters())
          await limiter.updateSettings({ reservoir: 0 } as Bottleneck.ConstructorOptions);
    },
    roomFor: async (reserve) => {
      for (;;) {
        const limiters = [...write.group.limiters().map((l) => l.limiter), ...hours];
        const left = await Promise.all(limiters.map((l) => l.currentReservoir()));
        if (left.every((n) => n === null || n > reserve)) return;
        await new Promise<void>((resolve) => setTimeout(resolve, HEARTBEAT_MS).unref());
      }
    },
  };
}

export interface ClientOptions {
  token: string;
  baseUrl: string;
  log: (line: string) => void;
  /**
   * A fixed minimum time between two writes instead of the budget (`PROCEED_WRITE_INTERVAL_MS`), for a
   * GitHub-compatible API with other limits, and for tests. Default: the budget of GitHub's limits.
   */
  writeIntervalMs?: number;
  /**
   * The wait before a failed request's second try (the later ones wait 4×, 9×…); default Octokit's
   * 1 s. `PROCEED_RETRY_BASE_MS` sets it, for a GitHub-compatible API and for tests.
   */
  retryBaseMs?: number;
  /** The write groups (default: `pacing()` from GitHub's limits, or the fixed interval). */
  pacing?: Pacing;
}

/**
 * Octokit for the Action, with the throttling and retry plugins: writes are spent from a budget of
 * GitHub's secondary limits (a burst, then at the rate that keeps each minute and hour within them),
 * primary and secondary rate limits are waited out as GitHub's `retry-after` says (and a secondary
 * limit empties the budget, so the writes after it slow down too), server errors are retried with backoff.
 */
export function createOctokit(o: ClientOptions): Octokit {
  const pace =
    o.pacing ?? pacing(o.writeIntervalMs === undefined ? {} : { fixedIntervalMs: o.writeIntervalMs });
  return getOctokit(
    o.token,
    {
      baseUrl: o.baseUrl,
      ...(o.retryBaseMs === undefined ? {} : { retry: { retryAfterBaseValue: o.retryBaseMs } }),
      throttle: {
        write: pace.write,
        notifications: pace.notifications,
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          o.log(`Rate limited on ${options.method} ${options.url}; retrying in ${retryAfter}s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: async (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          o.log(
            `Secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s, and slowing the writes after it.`,
          );
          await pace.backOff();
          return retryCount < RATE_LIMIT_RETRIES;
        },
      },
    },
    throttling,
    retry,
  ) as unknown as Octokit;
}

/** Reads `PROCEED_WRITE_INTERVAL_MS`; anything but a non-negative number keeps the budget of GitHub's limits. */
export function writeIntervalFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return millisecondsFromEnv(env, 'PROCEED_WRITE_INTERVAL_MS');
}

/** Reads `PROCEED_RETRY_BASE_MS`; anything but a non-negative number keeps Octokit's 1 s. */
export function retryBaseFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  return millisecondsFromEnv(env, 'PROCEED_RETRY_BASE_MS');
}

function millisecondsFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  // Empty is unset, so that a workflow (or the bench) can undo a value set further up.
  return env[name] !== undefined && env[name] !== '' && Number.isFinite(value) && value >= 0
    ? value
    : undefined;
}

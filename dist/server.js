import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);
import {
  ConfigError,
  configFromEnv,
  healthz,
  proceedApp,
  startModeFromEnv
} from "./app-shared-ZN42WQKO.js";

// src/app/server.ts
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";

// src/app/octokit.ts
import { ProbotOctokit } from "probot";

// src/github/client.ts
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck/light.js";
var CONTENT_BUDGET = { perMinute: 80, perHour: 500, burst: 20, hourBurst: 200 };
var NOTIFY_BUDGET = { perMinute: 20, perHour: 150, burst: 3, hourBurst: 50 };
var HEARTBEAT_MS = 100;
function minuteBucket(b) {
  return {
    maxConcurrent: 1,
    reservoir: b.burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: Math.ceil(6e4 / (b.perMinute - b.burst)),
    reservoirIncreaseMaximum: b.burst,
    heartbeatInterval: HEARTBEAT_MS
  };
}
function hourBucket(b) {
  return new Bottleneck({
    reservoir: b.hourBurst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: Math.ceil(36e5 / (b.perHour - b.hourBurst)),
    reservoirIncreaseMaximum: b.hourBurst,
    heartbeatInterval: 1e3
  });
}
function pacing(o = {}) {
  if (o.fixedIntervalMs !== void 0) {
    const gap = o.fixedIntervalMs;
    return {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: gap }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: gap }),
      backOff: async () => void 0,
      roomFor: async () => void 0
    };
  }
  const content = o.content ?? CONTENT_BUDGET;
  const notify = o.notify ?? NOTIFY_BUDGET;
  const hours = [];
  const groups = [content, notify].map((budget) => {
    const group = new Bottleneck.Group({ ...minuteBucket(budget), timeout: 36e5 });
    group.on("created", (limiter) => {
      const hour = hourBucket(budget);
      hours.push(hour);
      limiter.chain(hour);
    });
    return { group };
  });
  const [write, notifications] = groups;
  return {
    write: write.group,
    notifications: notifications.group,
    backOff: async () => {
      for (const { group } of groups)
        for (const { limiter } of group.limiters())
          await limiter.updateSettings({ reservoir: 0 });
    },
    roomFor: async (reserve) => {
      for (; ; ) {
        const limiters = [...write.group.limiters().map((l) => l.limiter), ...hours];
        const left = await Promise.all(limiters.map((l) => l.currentReservoir()));
        if (left.every((n) => n === null || n > reserve)) return;
        await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS).unref());
      }
    }
  };
}

// src/app/octokit.ts
var RATE_LIMIT_RETRIES = 4;
function appOctokit(overrides = {}) {
  const wait = (kind) => (retryAfter, options, octokit, retryCount) => {
    octokit.log.warn(`${kind} on ${options.method} ${options.url}; retrying in ${retryAfter}s.`);
    return retryCount < RATE_LIMIT_RETRIES;
  };
  const pace = pacing();
  const groups = { write: pace.write, notifications: pace.notifications };
  const limits = { onRateLimit: wait("Rate limited"), onSecondaryRateLimit: wait("Secondary rate limit") };
  return ProbotOctokit.defaults((options) => ({
    ...options,
    ...overrides,
    throttle: {
      ...options.throttle,
      // Probot's clustered throttling (Redis) keeps its own groups, shared between replicas.
      ...options.throttle?.connection ? {} : groups,
      ...limits,
      ...overrides.throttle
    },
    ...overrides.retry ? { retry: { ...options.retry, ...overrides.retry } } : {}
  }));
}

// src/app/setup-health.ts
import { Server } from "probot";
function healthzOnEveryServer() {
  const start2 = Server.prototype.start;
  Server.prototype.start = function startWithHealthz() {
    this.addHandler(healthz);
    return start2.call(this);
  };
}

// src/app/server.ts
healthzOnEveryServer();
function applyDotEnv() {
  let text;
  try {
    text = readFileSync(join(process.cwd(), ".env"), "utf8");
  } catch (err) {
    if (err.code === "ENOENT") return;
    throw new ConfigError(`.env cannot be read: ${err.message}`);
  }
  Object.assign(process.env, parseEnv(text));
}
async function start() {
  applyDotEnv();
  if (startModeFromEnv(process.env) === "app") configFromEnv(process.env);
  else
    console.warn(
      "proceed: no APP_ID, PRIVATE_KEY or WEBHOOK_SECRET set: serving Probot's setup page to register the app."
    );
  await run(proceedApp, { Octokit: appOctokit() });
}
start().catch((err) => {
  const message = err instanceof ConfigError ? err.message : `the app could not start: ${err.message}`;
  process.stderr.write(`proceed: ${message}
`, () => process.exit(1));
});

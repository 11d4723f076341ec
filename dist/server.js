import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);
import {
  ConfigError,
  configFromEnv,
  healthz,
  proceedApp,
  startModeFromEnv
} from "./app-shared-SMYL4R5X.js";

// src/app/server.ts
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";

// src/app/octokit.ts
import { ProbotOctokit } from "probot";
var RATE_LIMIT_RETRIES = 4;
function appOctokit(overrides = {}) {
  const wait = (kind) => (retryAfter, options, octokit, retryCount) => {
    octokit.log.warn(`${kind} on ${options.method} ${options.url}; retrying in ${retryAfter}s.`);
    return retryCount < RATE_LIMIT_RETRIES;
  };
  return ProbotOctokit.defaults((options) => ({
    ...options,
    ...overrides,
    throttle: {
      ...options.throttle,
      onRateLimit: wait("Rate limited"),
      onSecondaryRateLimit: wait("Secondary rate limit"),
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
  console.error(`proceed: ${message}`);
  process.exit(1);
});

/**
 * `npm start`: the app behind Probot's server (webhooks at /api/github/webhooks, `GET /healthz`,
 * `POST /proceed/token` for dispatch), configured from the environment and `.env` (see
 * `.env.example`). It refuses to start on credentials Probot would quietly replace (no webhook
 * secret, a bad key); Probot's setup page, which registers the app from `app.yml`, runs only when
 * no credential at all is set, outside production.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { run } from 'probot';
import { ConfigError, configFromEnv, startModeFromEnv } from './config.js';
import proceedApp from './index.js';
import { appOctokit } from './octokit.js';
import { healthzOnEveryServer } from './setup-health.js';

healthzOnEveryServer();

/** `.env` over the environment, as Probot's `run` applies it, so the check sees what Probot will. */
function applyDotEnv(): void {
  let text: string;
  try {
    text = readFileSync(join(process.cwd(), '.env'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError(`.env cannot be read: ${(err as Error).message}`);
  }
  Object.assign(process.env, parseEnv(text));
}

async function start(): Promise<void> {
  applyDotEnv();
  if (startModeFromEnv(process.env) === 'app') configFromEnv(process.env);
  else
    console.warn(
      "proceed: no APP_ID, PRIVATE_KEY or WEBHOOK_SECRET set: serving Probot's setup page to register the app.",
    );
  await run(proceedApp, { Octokit: appOctokit() });
}

start().catch((err: unknown) => {
  const message =
    err instanceof ConfigError ? err.message : `the app could not start: ${(err as Error).message}`;
  // Exit once the message is written: a pipe's writes are asynchronous, and exit would cut them.
  process.stderr.write(`proceed: ${message}\n`, () => process.exit(1));
});

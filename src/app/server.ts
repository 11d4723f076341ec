/**
 * `npm start`: the app behind Probot's server (webhooks at /api/github/webhooks, `GET /healthz`),
 * configured from the environment and `.env` (see `.env.example`). Without APP_ID and PRIVATE_KEY,
 * outside production, Probot serves its setup page, which registers the app from `app.yml`.
 */
import { run } from 'probot';
import { ConfigError } from './config.js';
import proceedApp from './index.js';
import { appOctokit } from './octokit.js';
import { healthzOnEveryServer } from './setup-health.js';

healthzOnEveryServer();

run(proceedApp, { Octokit: appOctokit() }).catch((err: unknown) => {
  const message =
    err instanceof ConfigError ? err.message : `the app could not start: ${(err as Error).message}`;
  console.error(`proceed: ${message}`);
  process.exit(1);
});

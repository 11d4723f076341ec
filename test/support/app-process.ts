/**
 * One replica of the Probot app in a process of its own (run with tsx by races.ts): the real app
 * (`createApp`, Probot's Octokit with the app's throttling and retry) against the fake GitHub, with
 * the `inline` executor. It receives the deliveries it is given all at once (or one after another)
 * when told "go" on stdin,
 * as a replica behind a load balancer would receive webhooks, and prints how each one ended.
 */
import { createInterface } from 'node:readline';
import { Probot } from 'probot';
import { instanceId } from '../../src/app/config.js';
import { createApp } from '../../src/app/index.js';
import { appOctokit } from '../../src/app/octokit.js';
import { APP, WEBHOOK_SECRET, privateKey } from './app.js';
import type { AppProcessInput } from './app-replica.js';

const input = JSON.parse(process.env.RELIABILITY_APP ?? '{}') as AppProcessInput;
const probot = new Probot({
  appId: APP.id,
  privateKey: privateKey(),
  secret: WEBHOOK_SECRET,
  baseUrl: input.apiUrl,
  logLevel: 'fatal',
  Octokit: appOctokit({ throttle: { enabled: false } }),
});
await probot.load(
  createApp({
    executor: 'inline',
    workflow: 'proceed.yml',
    gitUrl: input.gitUrl,
    planGlobs: ['**/*.plan.yml', '**/*.plan.yaml'],
    policyPath: '.github/proceed.yml',
    pollMs: 100,
    stepEnv: { PATH: process.env.PATH, HOME: process.env.HOME, ...input.stepEnv },
    instanceId: instanceId(),
    ...(input.lockHeartbeatMs ? { lockHeartbeatMs: input.lockHeartbeatMs } : {}),
  }),
  { cwd: process.cwd(), addHandler: () => undefined },
);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const receive = (d: AppProcessInput['deliveries'][number]) =>
    probot.receive(d as Parameters<Probot['receive']>[0]);
  const settled: PromiseSettledResult<unknown>[] = [];
  if (input.sequential) {
    for (const d of input.deliveries) settled.push(...(await Promise.allSettled([receive(d)])));
  } else settled.push(...(await Promise.allSettled(input.deliveries.map(receive))));
  const errors = settled.flatMap((s) =>
    s.status === 'rejected' ? [String((s.reason as Error).message ?? s.reason)] : [],
  );
  process.stdout.write(`${JSON.stringify({ errors })}\n`);
  break;
}
process.exit(0);

/**
 * A Probot server for the webhook benchmark, started as a child process so that its memory is its
 * own: `proceed` is the app as `npm start` runs it (src/app/server.ts: Probot's `run` with the app's
 * Octokit, here pointed at the fake through BENCH_API_URL), `bare` a Probot app with one no-op handler
 * for the same events. Configured like `npm start`, from the environment (APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, HOST, PORT, LOG_LEVEL). Answers `memory` messages with its RSS, the CPU time it
 * has used and, after a full garbage collection, its heap.
 */
import { type ApplicationFunction, run } from 'probot';
import proceedApp, { APP_EVENTS } from '../../src/app/index.js';
import { appOctokit } from '../../src/app/octokit.js';

export interface MemoryReport {
  type: 'memory';
  rss: number;
  heapAfterGc: number;
  /** CPU time this process has used so far (user + system), in milliseconds. */
  cpuMs: number;
}

const bare: ApplicationFunction = (app) => {
  app.on([...APP_EVENTS], async () => undefined);
};

const kind = process.argv[2];
if (kind !== 'proceed' && kind !== 'bare') throw new Error(`usage: app-server.ts proceed|bare, not ${kind}`);
await run(
  kind === 'proceed' ? proceedApp : bare,
  kind === 'proceed' ? { Octokit: appOctokit({ baseUrl: process.env.BENCH_API_URL }) } : {},
);
process.on('message', (message) => {
  if (message !== 'memory') return;
  const rss = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const report: MemoryReport = {
    type: 'memory',
    rss,
    heapAfterGc: process.memoryUsage().heapUsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.send?.(report);
});
process.send?.({ type: 'ready' });

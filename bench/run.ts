/**
 * `npm run bench`: every performance target of the project, each measured next to what it is compared
 * with in the same run; prints the table and writes docs/benchmarks.md. Exits 0 when the targets were
 * measured, met or not (the report says which); 1 when the bench itself broke.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as prettier from 'prettier';
import type { Row } from './measure.js';
import { machine, markdownReport, textTable } from './report.js';
import { apiRequests } from './rows/api-requests.js';
import { appWebhooks } from './rows/app-webhooks.js';
import { coldStart } from './rows/cold-start.js';
import { executorOverhead } from './rows/executor.js';
import { planRender } from './rows/plan-render.js';
import { userWaits } from './rows/user-waits.js';

const ROOT = join(import.meta.dirname, '..');
const REPORT = join(ROOT, 'docs', 'benchmarks.md');

/** Whether dist/ was built from the src/ being measured (scripts/build.mjs --check builds elsewhere and compares). */
async function bundleFreshness(): Promise<string> {
  try {
    await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--check'], { cwd: ROOT });
    return 'dist/index.js is up to date with src/ (`npm run check:dist`).';
  } catch {
    return '**dist/index.js is out of date with src/**: rows 1, 2 and 6–8 measured the committed bundle; run `npm run build` and bench again.';
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'proceed-bench-'));
  const rows: Row[] = [];
  const broken: string[] = [];
  // `npm run bench -- --only <word>`: just the rows whose name contains it, printed, docs/ left alone.
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  const all: [string, () => Promise<Row | Row[]> | Row][] = [
    ['Action cold start', () => coldStart({ runs: 15, scratch })],
    ['API requests for N = 1, 10, 50', () => apiRequests()],
    ['executor overhead', () => executorOverhead({ rounds: 3 })],
    ['plan parse + validate + render', () => planRender({ iterations: 50 })],
    ['app webhooks', () => appWebhooks({ deliveries: 10_000, blocks: 20 })],
    ['what users wait for, with the shipped pacing', () => userWaits()],
  ];
  const steps = only ? all.filter(([name]) => name.includes(only)) : all;
  const freshness = await bundleFreshness();
  try {
    for (const [name, measure] of steps) {
      const start = performance.now();
      process.stderr.write(`bench: ${name}…`);
      try {
        rows.push(...[await measure()].flat());
        process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
      } catch (err) {
        process.stderr.write(' broke\n');
        broken.push(`${name}: ${(err as Error).message}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const durationMs = performance.now() - started;
  const notes = [
    freshness,
    'Rows 1 and 2 run the Action with PROCEED_WRITE_INTERVAL_MS=0, as the e2e harness does, so that they measure the Action and not the pacing; rows 6–8 run it with the pacing as shipped (the budget of GitHub’s secondary limits, src/github/client.ts), each against the same flow unpaced.',
    ...broken.map((b) => `**Not measured, the bench broke:** ${b}`),
  ];
  console.log(textTable(rows));
  console.log();
  for (const [i, row] of rows.entries())
    for (const why of row.notes.filter((n) => row.holds === false && n.startsWith('Why')))
      console.log(`${i + 1}. ${why}\n`);
  if (only) {
    for (const row of rows) console.log(`\n${row.notes.join('\n\n')}`);
    return broken.length ? 1 : 0;
  }
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  const markdown = markdownReport({ rows, machine: machine(), date: new Date(), durationMs, notes });
  // Formatted as `npm run lint` checks it, so that a fresh report passes `prettier --check .`.
  const options = await prettier.resolveConfig(REPORT);
  writeFileSync(REPORT, await prettier.format(markdown, { ...options, filepath: REPORT }));
  console.log(`\nWrote docs/benchmarks.md in ${(durationMs / 1000).toFixed(1)} s.`);
  for (const b of broken) console.error(`bench broke: ${b}`);
  return broken.length ? 1 : 0;
}

process.exitCode = await main();

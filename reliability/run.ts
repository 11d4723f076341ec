/**
 * `npm run reliability`: every row of the reliability table measured, one line each with the figure
 * and the bar; exit 1 when any bar is missed. `--short` runs every row at smaller sizes (for
 * `npm test`); only the full form rewrites docs/reliability.md. `--only NAME` runs the rows whose name
 * contains NAME; `--seed N` replays a run.
 */
import { parseArgs } from 'node:util';
import type { Row, RowContext, RowResult } from './row.js';
import { malformedPlans } from './rows/malformed-plans.js';
import { permissions } from './rows/permissions.js';
import { forgedContent } from './rows/forged-content.js';
import { closedMidRun } from './rows/closed-mid-run.js';
import { hugeOutput } from './rows/huge-output.js';
import { crashes } from './rows/crashes.js';
import { races } from './rows/races.js';
import { apiFaults } from './rows/api-faults.js';

const ROWS: Row[] = [malformedPlans, permissions, forgedContent, races, crashes, apiFaults, hugeOutput, closedMidRun];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean' },
      only: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const short = !!values.short;
  const seed = values.seed !== undefined ? Number(values.seed) : 20_240_601;
  const rows = ROWS.filter((r) => !values.only || r.name.includes(values.only));
  const results: RowResult[] = [];
  for (const row of rows) {
    const ctx: RowContext = { short, seed, progress: (line) => process.stderr.write(`  … ${row.name}: ${line}\n`) };
    const start = performance.now();
    let result: RowResult;
    try {
      result = await row.run(ctx);
    } catch (err) {
      result = { row: row.name, figure: 'not measured: the harness failed', bar: row.bar, ok: false, detail: [String((err as Error).stack ?? err)] };
    }
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    results.push(result);
    console.log(`${result.ok ? '✓' : '✗'} ${result.row} — ${result.figure} — bar: ${result.bar} (${seconds} s)`);
    for (const d of result.ok ? [] : (result.detail ?? [])) console.log(`    ${d}`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

process.exitCode = await main();

/**
 * `npm run reliability`: every row of the reliability table measured, printed one line each with its
 * figure and its bar, and exit 1 when any bar is missed. `--short` runs every row at smaller sizes
 * (for `npm test`); only the full form rewrites docs/reliability.md. `--only TEXT` runs the rows whose
 * name contains TEXT (and writes nothing); `--seed N` replays the random choices of a run.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Measured, Row, RowContext, RowResult } from './row.js';
import { writeReport } from './report.js';
import { apiFaults } from './rows/api-faults.js';
import { attacks } from './rows/attacks.js';
import { approvalDrift } from './rows/approval-drift.js';
import { closedMidRun } from './rows/closed-mid-run.js';
import { crashes } from './rows/crashes.js';
import { forgedContent } from './rows/forged-content.js';
import { hugeOutput } from './rows/huge-output.js';
import { malformedPlans } from './rows/malformed-plans.js';
import { permissions } from './rows/permissions.js';
import { races } from './rows/races.js';

/** The rows in the order of the table. */
const ROWS: Row[] = [
  malformedPlans,
  permissions,
  forgedContent,
  approvalDrift,
  races,
  crashes,
  apiFaults,
  hugeOutput,
  closedMidRun,
  attacks,
];
/** Rows that mostly wait (on retry back-off), run alongside the others so the suite is not as slow as their sum. */
const ALONGSIDE = new Set<Row>([apiFaults]);
const DEFAULT_SEED = 20_240_601;

async function measure(row: Row, ctx: RowContext): Promise<Measured> {
  const start = performance.now();
  let result: RowResult;
  try {
    result = await row.run(ctx);
  } catch (err) {
    result = {
      row: row.name,
      figure: 'not measured: the harness failed',
      bar: row.bar,
      ok: false,
      detail: String((err as Error).stack ?? err)
        .split('\n')
        .slice(0, 6),
    };
  }
  return { ...result, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { short: { type: 'boolean' }, only: { type: 'string' }, seed: { type: 'string' } },
  });
  const short = !!values.short;
  const seed = values.seed !== undefined ? Number(values.seed) : DEFAULT_SEED;
  if (!Number.isInteger(seed)) {
    console.error(`reliability: --seed takes a whole number, not "${values.seed}"`);
    return 2;
  }
  const rows = ROWS.filter((r) => !values.only || r.name.toLowerCase().includes(values.only.toLowerCase()));
  if (rows.length === 0) {
    console.error(
      `reliability: no row's name contains "${values.only}"; the rows are: ${ROWS.map((r) => r.name).join(', ')}`,
    );
    return 2;
  }
  const context = (row: Row): RowContext => ({
    short,
    seed,
    progress: (line) => process.stderr.write(`  … ${row.name}: ${line}\n`),
  });
  const started = performance.now();
  console.log(
    `proceed reliability (${short ? 'short' : 'full'} form, seed ${seed}, Node ${process.version})`,
  );
  const early = new Map(rows.filter((r) => ALONGSIDE.has(r)).map((r) => [r, measure(r, context(r))]));
  const results: Measured[] = [];
  for (const row of rows) {
    const result = await (early.get(row) ?? measure(row, context(row)));
    results.push(result);
    console.log(
      `${result.ok ? '✓' : '✗'} ${result.row}: ${result.figure} | bar: ${result.bar} (${result.seconds.toFixed(1)} s)`,
    );
    for (const d of result.ok ? [] : (result.detail ?? [])) console.log(`    ${d}`);
    if (result.saved) console.log(`    the failing inputs in full: ${result.saved}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const missed = results.filter((r) => !r.ok).length;
  console.log(
    `${missed ? `${missed} of ${results.length} bars missed` : `all ${results.length} bars met`} in ${seconds.toFixed(0)} s`,
  );
  if (!short && !values.only) {
    const path = await writeReport(
      results,
      {
        seed,
        seconds,
        node: process.version,
        cpu: `${cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${cpus().length}`,
        memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
      },
      rows,
    );
    console.log(`figures written to ${path}`);
  }
  return missed ? 1 : 0;
}

process.exitCode = await main();

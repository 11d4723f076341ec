// Step 6, execute the migration: maintenance mode on, export every chunk from MySQL (parallel
// workers), COPY each into PostgreSQL in its own transaction, set the identity sequence, and
// compare the counts. Maintenance mode stays on until the cutover.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, requireScratch, runStep, scratchDir, StepError } from '../../shared/scratch.mjs';
import { enterMaintenance } from '../lib/app.mjs';
import { readSourceRows } from '../lib/source.mjs';
import { openTable, readRows, setSequence } from '../lib/target.mjs';
import { exportChunk, importChunk, inParallel } from '../lib/transfer.mjs';

const format = (n) => n.toLocaleString('en-US');

await runStep(async () => {
  await requireScratch('db-migration', 'import/strategy.json', 'Import strategy');
  const root = scratchDir('db-migration');
  const strategy = JSON.parse(readFileSync(join(root, 'export/strategy.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(root, 'analysis/postgres-schema.json'), 'utf8'));
  const session = openTable(root, 'users');
  if (readRows(root, 'users').length > 0)
    throw new StepError(
      'the target users table is not empty; the plan assumed an empty table (roll back "Execute migration" first)',
    );

  const started = Date.now();
  const state = enterMaintenance(root, 'MySQL → PostgreSQL migration');
  console.log(`  [maintenance mode on since ${state.since}]`);

  const rows = readSourceRows(root);
  mkdirSync(join(root, 'export', 'chunks'), { recursive: true });
  const exported = await inParallel(strategy.chunks, strategy.workers, async (chunk) =>
    exportChunk(rows, chunk, schema.columns, join(root, chunk.file)),
  );
  const exportedTotal = exported.reduce((a, b) => a + b, 0);
  console.log(
    `  [exporting… ${format(exportedTotal)} records exported in ${strategy.chunks.length} chunks, ${strategy.workers} at a time]`,
  );

  let imported = 0;
  for (const chunk of strategy.chunks) {
    try {
      imported += importChunk(session, join(root, chunk.file));
    } catch (error) {
      throw new StepError(
        `chunk ${chunk.number} was rolled back: ${error.message}. ${format(imported)} records were committed before it; roll back this step before a retry.`,
      );
    }
  }
  console.log(
    `  [importing… ${format(imported)} records imported, ${strategy.chunks.length} transactions committed]`,
  );
  const migrated = readRows(root, 'users');
  const maxId = migrated.reduce((max, r) => Math.max(max, r.id), 0);
  setSequence(root, 'users', maxId);
  console.log(`  [SELECT setval('users_id_seq', ${maxId})]`);

  const target = migrated.length;
  mkdirSync(join(root, 'migration'), { recursive: true });
  writeFileSync(
    join(root, 'migration', 'result.json'),
    `${JSON.stringify({ source: rows.length, exported: exportedTotal, imported, target, ms: Date.now() - started }, null, 2)}\n`,
  );
  check(
    exportedTotal === rows.length,
    `exported = source (${format(exportedTotal)} = ${format(rows.length)})`,
  );
  check(target === rows.length, `count match: PostgreSQL ${format(target)} = MySQL ${format(rows.length)}`);
});

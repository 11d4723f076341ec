// Step 4, export strategy: CSV in PostgreSQL COPY format, 5,000 records per chunk, chunks exported
// by parallel workers. The strategy is written to export/strategy.json and tried on the first
// chunk: exported, read back, and compared field by field with the source.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { check, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';
import { parseCsv } from '../lib/csv.mjs';
import { toCopyText } from '../lib/schema.mjs';
import { readSourceRows } from '../lib/source.mjs';
import { exportChunk, planChunks } from '../lib/transfer.mjs';

const CHUNK_SIZE = 5000;

await runStep(async () => {
  await requireScratch('db-migration', 'validation/report.json', 'Data validation');
  const root = scratchDir('db-migration');
  const schema = JSON.parse(readFileSync(join(root, 'analysis/postgres-schema.json'), 'utf8'));
  const rows = readSourceRows(root);
  const chunks = planChunks(rows, CHUNK_SIZE);
  const workers = Math.min(4, availableParallelism());
  const dir = join(root, 'export');
  mkdirSync(join(dir, 'dry-run'), { recursive: true });
  const strategy = {
    format: 'csv',
    copyOptions: "FORMAT csv, HEADER true, NULL ''",
    encoding: 'UTF8',
    chunkSize: CHUNK_SIZE,
    workers,
    columns: schema.columns.map((c) => c.name),
    chunks: chunks.map((c) => ({
      ...c,
      file: `export/chunks/users-${String(c.number).padStart(4, '0')}.csv`,
    })),
  };
  writeFileSync(join(dir, 'strategy.json'), `${JSON.stringify(strategy, null, 2)}\n`);
  console.log(
    `  format CSV (COPY-compatible), ${CHUNK_SIZE} records per chunk, ${chunks.length} chunks, ${workers} parallel workers`,
  );

  const sample = join(dir, 'dry-run', 'users-0001.csv');
  const exported = await exportChunk(rows, chunks[0], schema.columns, sample);
  const [header, ...records] = parseCsv(readFileSync(sample, 'utf8'));
  const source = rows.filter((r) => r.id <= chunks[0].lastId);
  const roundTrips = records.every((record, i) =>
    schema.columns.every((c, j) => record[j] === toCopyText(c, source[i][c.name])),
  );
  check(header.join() === strategy.columns.join(), 'the CSV header names the target columns');
  check(
    exported === CHUNK_SIZE && records.length === CHUNK_SIZE,
    `a dry run exported chunk 1 (${exported} records)`,
  );
  check(roundTrips, 'every field reads back exactly (quotes, commas, line breaks, NULLs, accents)');
  check(
    chunks.reduce((n, c) => n + c.rows, 0) === rows.length,
    `the chunks cover all ${rows.length.toLocaleString('en-US')} records once`,
  );
});

// Step 5, import strategy: PostgreSQL COPY from each CSV chunk, one transaction per chunk, and a
// rollback plan. Both are tested on the real target without keeping anything: the dry-run chunk
// is copied inside a transaction that is rolled back, and a chunk with a duplicate email must be
// refused as a whole.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';
import { readRows, openTable } from '../lib/target.mjs';
import { importChunk } from '../lib/transfer.mjs';

await runStep(async () => {
  const sample = await requireScratch('db-migration', 'export/dry-run/users-0001.csv', 'Export strategy');
  const root = scratchDir('db-migration');
  const strategy = JSON.parse(readFileSync(join(root, 'export/strategy.json'), 'utf8'));
  const dir = join(root, 'import');
  mkdirSync(dir);
  const columns = strategy.columns.join(', ');
  const copy = strategy.chunks.map((c) =>
    [`BEGIN;`, `\\copy users (${columns}) FROM '${c.file}' WITH (${strategy.copyOptions})`, 'COMMIT;'].join(
      '\n',
    ),
  );
  writeFileSync(
    join(dir, 'copy.sql'),
    `${copy.join('\n\n')}\n\nSELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));\n`,
  );
  writeFileSync(join(dir, 'rollback.sql'), 'TRUNCATE users RESTART IDENTITY;\n');
  writeFileSync(
    join(dir, 'strategy.json'),
    `${JSON.stringify({ command: 'COPY', transaction: 'one per chunk', onError: 'roll the chunk back and stop', rollback: 'import/rollback.sql' }, null, 2)}\n`,
  );
  console.log(`  wrote import/copy.sql (${strategy.chunks.length} transactions) and import/rollback.sql`);

  const session = openTable(root, 'users');
  const copied = importChunk(session, sample, { commit: false });
  check(
    copied === strategy.chunkSize && readRows(root, 'users').length === 0,
    `COPY of the dry-run chunk parsed ${copied} records and ROLLBACK left the table empty`,
  );

  const lines = readFileSync(sample, 'utf8').split('\n');
  const duplicate = join(dir, 'duplicate-test.csv');
  writeFileSync(duplicate, [...lines.slice(0, 4), lines[1].replace(/^\d+/, '999999'), ''].join('\n'));
  let refused = '';
  try {
    importChunk(session, duplicate);
  } catch (error) {
    refused = error.message;
  }
  check(
    /unique constraint/.test(refused) && readRows(root, 'users').length === 0,
    'a chunk with a duplicate email is refused whole; nothing is kept',
  );
});

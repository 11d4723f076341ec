// Step 7, validation: data integrity checks on PostgreSQL (every row equal to its MySQL source,
// keys unique, references intact), the application's connectivity to the new database, and the
// record counts compared once more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';
import { connect } from '../lib/app.mjs';
import { expectedTargetRow } from '../lib/schema.mjs';
import { readSourceRows } from '../lib/source.mjs';
import { readCatalog, readRows } from '../lib/target.mjs';

await runStep(async () => {
  await requireScratch('db-migration', 'migration/result.json', 'Execute migration');
  const root = scratchDir('db-migration');
  const schema = readCatalog(root).tables.users;
  const source = readSourceRows(root);
  const target = readRows(root, 'users');
  const byId = new Map(target.map((r) => [r.id, r]));

  const mismatched = source.filter(
    (row) => JSON.stringify(byId.get(row.id)) !== JSON.stringify(expectedTargetRow(schema, row)),
  );
  check(
    mismatched.length === 0,
    `every row equals its MySQL source after conversion${
      mismatched.length
        ? ` (not: ids ${mismatched
            .slice(0, 5)
            .map((r) => r.id)
            .join(', ')}…)`
        : ''
    }`,
  );
  check(byId.size === target.length, 'primary keys are unique');
  check(
    new Set(target.map((r) => r.email.toLowerCase())).size === target.length,
    'emails are unique (lower(email))',
  );
  check(
    target.every((r) => r.manager_id === null || byId.has(r.manager_id)),
    'every manager_id references an existing user',
  );
  check(
    schema.sequence >= Math.max(...target.map((r) => r.id)),
    `the identity sequence (${schema.sequence}) is past the highest id`,
  );

  const fixed = JSON.parse(readFileSync(join(root, 'validation/report.json'), 'utf8')).fixed;
  const db = connect(root, { database: 'postgres', bypassMaintenance: true });
  const found =
    fixed.every((f) => db.findByEmail(f.after.toUpperCase())?.id === f.id) && db.findById(1)?.id === 1;
  check(
    found,
    'the application connects to PostgreSQL and finds users by id and by email (including the 3 fixed ones)',
  );
  check(
    db.count() === source.length,
    `record counts match: ${source.length.toLocaleString('en-US')} = ${db.count().toLocaleString('en-US')}`,
  );
});

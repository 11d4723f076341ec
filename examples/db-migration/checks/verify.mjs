// The verify phase of the migration plan, one check per argument:
//   counts        MySQL and PostgreSQL hold the same number of users, the number validation found
//   no-data-loss  a checksum over every converted MySQL row equals one over every PostgreSQL row
//   integrity     primary key, unique lower(email), NOT NULLs, types and the manager references
//   application   the application runs on PostgreSQL, out of maintenance mode, and can query it
//   downtime      the maintenance window stayed under the 30 minutes allowed
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, requireScratch, runStep, scratchDir, StepError } from '../../shared/scratch.mjs';
import { connect, maintenance, readConfig } from '../lib/app.mjs';
import { expectedTargetRow } from '../lib/schema.mjs';
import { readSourceRows } from '../lib/source.mjs';
import { readCatalog, readRows } from '../lib/target.mjs';

const MAX_DOWNTIME_MS = 30 * 60 * 1000;
const root = scratchDir('db-migration');
const format = (n) => n.toLocaleString('en-US');
const readJson = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));

function checksum(rows) {
  const hash = createHash('sha256');
  for (const row of [...rows].sort((a, b) => a.id - b.id)) hash.update(`${JSON.stringify(row)}\n`);
  return hash.digest('hex');
}

const CHECKS = {
  counts() {
    const expected = readJson('validation/report.json').valid;
    const source = readSourceRows(root).length;
    const target = readRows(root, 'users').length;
    check(
      source === expected && target === expected,
      `${format(target)} records migrated (MySQL ${format(source)}, validated ${format(expected)})`,
    );
  },
  'no-data-loss'() {
    const schema = readCatalog(root).tables.users;
    const expected = checksum(readSourceRows(root).map((row) => expectedTargetRow(schema, row)));
    const actual = checksum(readRows(root, 'users'));
    check(expected === actual, `no data loss: sha256 of all rows matches (${actual.slice(0, 16)}…)`);
  },
  integrity() {
    const { columns } = readCatalog(root).tables.users;
    const rows = readRows(root, 'users');
    const ids = new Set(rows.map((r) => r.id));
    const types = {
      BIGINT: Number.isSafeInteger,
      BOOLEAN: (v) => typeof v === 'boolean',
      TIMESTAMPTZ: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v),
      JSONB: (v) => typeof v === 'object',
    };
    const typed = (c, v) => (v === null ? c.nullable : (types[c.type] ?? ((x) => typeof x === 'string'))(v));
    const bad = rows.filter((row) => columns.some((c) => !typed(c, row[c.name])));
    check(ids.size === rows.length, 'primary key: ids are unique');
    check(
      new Set(rows.map((r) => r.email.toLowerCase())).size === rows.length,
      'unique index: lower(email) is unique',
    );
    check(
      bad.length === 0,
      `every value has its column's type and NOT NULL holds${
        bad.length
          ? ` (not: ids ${bad
              .slice(0, 5)
              .map((r) => r.id)
              .join(', ')})`
          : ''
      }`,
    );
    check(
      rows.every((r) => r.manager_id === null || ids.has(r.manager_id)),
      'foreign key: every manager_id exists',
    );
  },
  application() {
    check(readConfig(root).database === 'postgres', 'the application is configured for PostgreSQL');
    check(maintenance(root) === null, 'maintenance mode is off');
    const db = connect(root);
    check(
      db.count() > 0 && db.findById(db.count())?.id === db.count(),
      'the application queries PostgreSQL successfully',
    );
  },
  downtime() {
    const { ms } = readJson('migration/downtime.json');
    check(ms < MAX_DOWNTIME_MS, `downtime ${(ms / 1000).toFixed(1)}s, within the 30 minutes allowed`);
  },
};

await runStep(async () => {
  const run = CHECKS[process.argv[2]];
  if (!run)
    throw new StepError(
      `usage: node examples/db-migration/checks/verify.mjs ${Object.keys(CHECKS).join('|')}`,
    );
  await requireScratch('db-migration', 'migration/result.json', 'Execute migration');
  run();
});

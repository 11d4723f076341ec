// Step 3, data validation: check the MySQL data's integrity before anything is copied — NULLs in
// NOT NULL columns, malformed or duplicate emails, dangling manager references, unreadable
// timestamps and JSON. Emails with a known, safe fix are fixed in the source; every finding is
// documented in validation/exceptions.md. Anything that cannot be fixed stops the plan.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireScratch, runStep, scratchDir, StepError } from '../../shared/scratch.mjs';
import { readSourceRows, SOURCE_SCHEMA, writeSourceRows } from '../lib/source.mjs';

const EMAIL = /^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Known repairs, tried in order; each must produce a valid address. */
const EMAIL_FIXES = [
  { name: 'surrounding whitespace', apply: (e) => e.trim() },
  { name: '"(at)" instead of "@"', apply: (e) => e.replace(/\s*\(at\)\s*/i, '@') },
  { name: 'repeated dots', apply: (e) => e.replace(/\.{2,}/g, '.') },
];

function repairEmail(email) {
  let value = email;
  const applied = [];
  for (const fix of EMAIL_FIXES) {
    const next = fix.apply(value);
    if (next !== value) applied.push(fix.name);
    value = next;
  }
  return EMAIL.test(value) ? { value, applied } : undefined;
}

await runStep(async () => {
  await requireScratch('db-migration', 'mysql/users.jsonl', 'Schema analysis');
  const root = scratchDir('db-migration');
  const rows = readSourceRows(root);
  const ids = new Set(rows.map((r) => r.id));
  const nulls = Object.fromEntries(SOURCE_SCHEMA.columns.map((c) => [c.name, 0]));
  const fixed = [];
  const exceptions = [];
  const seenEmails = new Map();

  for (const row of rows) {
    for (const column of SOURCE_SCHEMA.columns) {
      if (row[column.name] !== null) continue;
      nulls[column.name]++;
      if (!column.nullable)
        exceptions.push(`users.id=${row.id}: ${column.name} is NULL but the column is NOT NULL`);
    }
    if (!EMAIL.test(row.email)) {
      const repair = repairEmail(row.email);
      if (!repair)
        exceptions.push(
          `users.id=${row.id}: email ${JSON.stringify(row.email)} is malformed and has no safe fix`,
        );
      else {
        fixed.push({ id: row.id, before: row.email, after: repair.value, fix: repair.applied.join(', ') });
        row.email = repair.value;
      }
    }
    const key = row.email.toLowerCase();
    if (seenEmails.has(key))
      exceptions.push(`users.id=${row.id}: email ${row.email} duplicates users.id=${seenEmails.get(key)}`);
    seenEmails.set(key, row.id);
    if (row.manager_id !== null && !ids.has(row.manager_id))
      exceptions.push(`users.id=${row.id}: manager_id ${row.manager_id} does not exist`);
    for (const column of ['created_at', 'updated_at', 'last_login_at']) {
      if (row[column] !== null && !DATETIME.test(row[column]))
        exceptions.push(`users.id=${row.id}: ${column} ${row[column]} is not a DATETIME`);
    }
    if (row.profile !== null) {
      try {
        JSON.parse(row.profile);
      } catch {
        exceptions.push(`users.id=${row.id}: profile is not valid JSON`);
      }
    }
  }

  if (fixed.length) writeSourceRows(root, rows);
  const dir = join(root, 'validation');
  mkdirSync(dir);
  const nullable = Object.entries(nulls).filter(([, n]) => n > 0);
  writeFileSync(
    join(dir, 'exceptions.md'),
    [
      '# Data validation of the MySQL users table',
      '',
      `Rows checked: ${rows.length}. Rows valid after fixes: ${rows.length - exceptions.length}.`,
      '',
      '## Fixed in the source',
      '',
      ...(fixed.length
        ? fixed.map(
            (f) => `- users.id=${f.id}: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)} (${f.fix})`,
          )
        : ['- none']),
      '',
      '## NULLs (all in nullable columns)',
      '',
      ...nullable.map(([column, n]) => `- ${column}: ${n}`),
      '',
      '## Exceptions that stop the migration',
      '',
      ...(exceptions.length ? exceptions.map((e) => `- ${e}`) : ['- none']),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'report.json'),
    `${JSON.stringify({ rows: rows.length, valid: rows.length - exceptions.length, fixed, nulls, exceptions }, null, 2)}\n`,
  );

  for (const f of fixed) console.log(`  fixed users.id=${f.id}: ${JSON.stringify(f.before)} → ${f.after}`);
  console.log(`  NULLs: ${nullable.map(([c, n]) => `${c} ${n}`).join(', ')} (nullable columns)`);
  if (exceptions.length) {
    for (const e of exceptions.slice(0, 20)) console.log(`  ✗ ${e}`);
    throw new StepError(
      `${exceptions.length} row(s) cannot be migrated as they are; see validation/exceptions.md`,
    );
  }
  console.log(
    `  ✓ ${fixed.length} malformed emails found and fixed; ${rows.length.toLocaleString('en-US')} valid records`,
  );
});

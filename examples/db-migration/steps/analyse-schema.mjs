// Step 1, schema analysis: export the MySQL schema, convert it to PostgreSQL and document the
// type differences. Being the first step it also resets the scratch folder and brings up the
// stand-in MySQL server with its 50,003 users and the application that reads them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, resetScratch, runStep } from '../../shared/scratch.mjs';
import { convertSchema, postgresDdl, ruleFor } from '../lib/schema.mjs';
import { seedSource } from '../lib/seed.mjs';
import { showCreateTable, SOURCE_SCHEMA } from '../lib/source.mjs';
import { writeConfig } from '../lib/app.mjs';

await runStep(async () => {
  const root = await resetScratch('db-migration');
  const rows = seedSource(root);
  mkdirSync(join(root, 'app'));
  writeConfig(root, { database: 'mysql' });
  console.log(
    `  source: MySQL users table with ${rows.toLocaleString('en-US')} rows; the application reads it`,
  );

  const analysis = join(root, 'analysis');
  mkdirSync(analysis);
  writeFileSync(join(analysis, 'mysql-schema.sql'), showCreateTable());
  const target = convertSchema(SOURCE_SCHEMA);
  writeFileSync(join(analysis, 'postgres-schema.json'), `${JSON.stringify(target, null, 2)}\n`);
  writeFileSync(join(analysis, 'postgres-schema.sql'), postgresDdl(target));

  const rules = [...new Set(SOURCE_SCHEMA.columns.map(ruleFor))];
  const report = [
    '# MySQL → PostgreSQL type differences (users)',
    '',
    '| column | MySQL | PostgreSQL |',
    '| --- | --- | --- |',
    ...target.columns.map(
      (c) => `| ${c.name} | ${c.mysqlType} | ${c.type}${c.identity ? ' (identity)' : ''} |`,
    ),
    '',
    ...rules.map((r) => `- **${r.mysql} → ${r.postgres}**: ${r.difference}.`),
    '',
  ];
  writeFileSync(join(analysis, 'type-differences.md'), report.join('\n'));
  for (const c of target.columns) console.log(`  ${c.name.padEnd(14)} ${c.mysqlType.padEnd(13)} → ${c.type}`);
  console.log(
    '  wrote analysis/mysql-schema.sql, postgres-schema.sql, postgres-schema.json, type-differences.md',
  );
  check(
    target.columns.length === SOURCE_SCHEMA.columns.length,
    `all ${target.columns.length} columns have a PostgreSQL type`,
  );
  check(rules.length >= 5, `${rules.length} type differences documented`);
});

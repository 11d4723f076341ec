// Step 2, target setup: create the PostgreSQL database, the users table with the converted schema,
// and its indexes. It refuses to touch a database that already exists: the plan assumes a fresh
// target, and a leftover one means the plan's assumptions no longer hold.
import { readFileSync } from 'node:fs';
import { check, requireScratch, runStep, scratchDir, StepError } from '../../shared/scratch.mjs';
import { createDatabase, createTable, readCatalog } from '../lib/target.mjs';

await runStep(async () => {
  const root = scratchDir('db-migration');
  const schema = JSON.parse(
    readFileSync(
      await requireScratch('db-migration', 'analysis/postgres-schema.json', 'Schema analysis'),
      'utf8',
    ),
  );
  try {
    createDatabase(root, 'app');
    console.log('  CREATE DATABASE app');
    createTable(root, schema);
  } catch (error) {
    throw new StepError(
      `${error.message}. Stopping: drop it with this step's rollback, or start from a fresh target.`,
    );
  }
  console.log(`  CREATE TABLE ${schema.table} (${schema.columns.length} columns)`);
  for (const index of schema.indexes)
    console.log(
      `  CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${index.name} ON users (${index.expression})`,
    );
  for (const trigger of schema.triggers) console.log(`  CREATE TRIGGER ${trigger.name}`);
  const table = readCatalog(root).tables.users;
  check(
    table.columns.length === 9 && table.indexes.length === 3,
    'the users table exists with its 3 indexes, empty',
  );
});

// Step 2, database setup: the tasks table migration, the Task model, the database connection; then
// the migration is applied (twice, to prove it is idempotent).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { check, importScratch, install, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

const run = promisify(execFile);

await runStep(async () => {
  await requireScratch('rest-api', 'package.json', 'Project setup');
  await install('rest-api', 'app', [
    'db/migrations/001_create_tasks.json',
    'src/db.mjs',
    'src/model.mjs',
    'src/migrate.mjs',
  ]);

  const cwd = scratchDir('rest-api');
  const first = await run(process.execPath, ['src/migrate.mjs'], { cwd });
  process.stdout.write(`  $ npm run migrate → ${first.stdout}`);
  const again = await run(process.execPath, ['src/migrate.mjs'], { cwd });
  check(again.stdout.trim() === 'nothing to migrate', 'a second migration run changes nothing');

  const database = JSON.parse(await readFile(join(cwd, 'data/tasks.db.json'), 'utf8'));
  check(Array.isArray(database.tables.tasks?.rows), 'the tasks table exists');
  const { TASK_SCHEMA } = await importScratch('rest-api', 'src/model.mjs');
  const columns = Object.keys(database.tables.tasks.columns).sort().join(',');
  check(
    columns === Object.keys(TASK_SCHEMA.properties).sort().join(','),
    `the Task model has the table's columns (${columns})`,
  );
});

// The rollback commands of the migration plan (run newest first by /rollback):
//   drop-target   undoes "Target setup": DROP DATABASE on the PostgreSQL side
//   empty-target  undoes "Execute migration": TRUNCATE users RESTART IDENTITY (MySQL is untouched)
//   switch-back   undoes "Cutover": the application reads MySQL again
import { check, runStep, scratchDir, StepError } from '../shared/scratch.mjs';
import { leaveMaintenance, readConfig, writeConfig } from './lib/app.mjs';
import { databaseExists, dropDatabase, readRows, truncate } from './lib/target.mjs';

const root = scratchDir('db-migration');
const ACTIONS = {
  'drop-target': () => {
    dropDatabase(root);
    check(!databaseExists(root), 'DROP DATABASE app: the target is gone');
  },
  'empty-target': () => {
    if (!databaseExists(root)) return console.log('  the target database does not exist; nothing to empty');
    truncate(root, 'users');
    check(readRows(root, 'users').length === 0, 'TRUNCATE users RESTART IDENTITY: the target table is empty');
    leaveMaintenance(root);
    console.log('  maintenance mode off; the application still reads MySQL');
  },
  'switch-back': () => {
    const config = readConfig(root);
    writeConfig(root, { database: 'mysql' });
    leaveMaintenance(root);
    check(
      readConfig(root).database === 'mysql',
      `the application reads MySQL again (was ${config.database})`,
    );
  },
};

await runStep(async () => {
  const action = ACTIONS[process.argv[2]];
  if (!action)
    throw new StepError(`usage: node examples/db-migration/rollback.mjs ${Object.keys(ACTIONS).join('|')}`);
  action();
});

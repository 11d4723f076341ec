// Step 8, cutover: switch the application to PostgreSQL, leave maintenance mode, and monitor the
// first requests against the new database.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, requireScratch, runStep, scratchDir, StepError } from '../../shared/scratch.mjs';
import { connect, leaveMaintenance, maintenance, readConfig, writeConfig } from '../lib/app.mjs';

const MONITORED_REQUESTS = 1000;

await runStep(async () => {
  await requireScratch('db-migration', 'migration/result.json', 'Execute migration');
  const root = scratchDir('db-migration');
  if (!maintenance(root))
    throw new StepError(
      'the application is not in maintenance mode; the plan assumed "Execute migration" left it on',
    );

  const previous = readConfig(root);
  writeConfig(root, { ...previous, database: 'postgres', previous: previous.database });
  console.log(`  [app switched from ${previous.database} to postgres]`);
  const downtimeMs = leaveMaintenance(root);
  writeFileSync(join(root, 'migration', 'downtime.json'), `${JSON.stringify({ ms: downtimeMs }, null, 2)}\n`);
  console.log(`  [maintenance mode off; downtime ${(downtimeMs / 1000).toFixed(1)}s]`);

  const db = connect(root);
  let errors = 0;
  for (let i = 0; i < MONITORED_REQUESTS; i++) {
    const id = 1 + ((i * 7919) % db.count());
    const user = db.findById(id);
    if (!user || db.findByEmail(user.email)?.id !== id) errors++;
  }
  check(db.database === 'postgres', 'the application reads PostgreSQL');
  check(errors === 0, `monitoring: ${MONITORED_REQUESTS} requests, ${errors} errors`);
});

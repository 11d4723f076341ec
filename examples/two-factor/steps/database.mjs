// Step 2, database changes: the migration adds two_factor_enabled, two_factor_secret (encrypted)
// and backup_codes (hashed) to users, with the encryption key; it is applied with the
// application's own migration tool (`npm run migrate`).
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { check, importScratch, install, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

const run = promisify(execFile);

await runStep(async () => {
  await requireScratch('two-factor', 'src/migrate.mjs', 'Dependencies');
  await install('two-factor', 'feature', ['migrations/002_two_factor.mjs', 'src/secret-box.mjs']);
  const root = scratchDir('two-factor');
  const { stdout } = await run(process.execPath, ['src/migrate.mjs'], { cwd: root });
  console.log(`  $ npm run migrate → ${stdout.trim()}`);

  const table = JSON.parse(readFileSync(join(root, 'data/users.json'), 'utf8'));
  for (const column of ['two_factor_enabled', 'two_factor_secret', 'backup_codes']) {
    check(table.columns.includes(column), `users.${column} exists`);
  }
  check(
    table.rows.every((row) => row.two_factor_enabled === false && Array.isArray(row.backup_codes)),
    `all ${table.rows.length} users start with two-factor authentication off`,
  );
  if (!process.env.TWO_FACTOR_KEY) {
    check(
      (statSync(join(root, 'data/two-factor.key')).mode & 0o077) === 0,
      'the encryption key exists, readable by its owner only',
    );
  }
  const box = await importScratch('two-factor', 'src/secret-box.mjs');
  const key = box.loadKey(join(root, 'data'));
  check(
    box.open(box.seal('JBSWY3DPEHPK3PXP', key), key) === 'JBSWY3DPEHPK3PXP',
    'secrets seal and open with AES-256-GCM',
  );
});

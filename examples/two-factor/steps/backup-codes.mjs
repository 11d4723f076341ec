// Step 6, backup codes: ten generated on enrollment, stored only as scrypt hashes, each
// invalidated when used; plus the endpoints to count and regenerate them and the downloadable file.
import { check, importScratch, install, requireScratch, runStep } from '../../shared/scratch.mjs';
import { authenticator, enroll, PASSWORD, sandboxApp } from '../lib/sandbox.mjs';

await runStep(async () => {
  await requireScratch('two-factor', 'src/login.mjs', 'Login flow modification');
  await install('two-factor', 'feature', ['src/backup-codes.mjs']);
  const { backupCodesFile, regenerate, remaining } = await importScratch(
    'two-factor',
    'src/backup-codes.mjs',
  );
  const { completeLogin, login } = await importScratch('two-factor', 'src/login.mjs');
  const { app, clock } = await sandboxApp();
  const { token, secret, backupCodes } = await enroll(app, clock, 'bob');

  check(backupCodes.length === 10, 'enrollment generates 10 codes');
  const stored = app.users.get(2).backup_codes;
  check(
    stored.length === 10 &&
      stored.every((h) => h.startsWith('scrypt$')) &&
      !backupCodes.some((c) => JSON.stringify(app.users.get(2)).includes(c)),
    'only their scrypt hashes are stored',
  );
  const use = async (code) => {
    const { challenge } = await login(app, { username: 'bob', password: PASSWORD });
    return (await completeLogin(app, { challenge, backupCode: code })).status;
  };
  check(
    (await use(backupCodes[5])) === 'ok' && (await use(backupCodes[5])) === 'invalid_code',
    'a code works once, then it is invalid',
  );
  check(remaining(app, token).body.remaining === 9, 'GET /auth/2fa/backup-codes: 9 left');
  const renewed = await regenerate(app, token, { code: await authenticator(app, secret) });
  check(
    renewed.status === 200 && renewed.body.backupCodes.length === 10,
    'POST /auth/2fa/backup-codes with a current code: 10 new codes',
  );
  check((await use(backupCodes[0])) === 'invalid_code', 'the old codes no longer work');
  const file = backupCodesFile('bob', renewed.body.backupCodes);
  check(
    renewed.body.backupCodes.every((c) => file.includes(c)),
    'the download holds all 10 new codes',
  );
});

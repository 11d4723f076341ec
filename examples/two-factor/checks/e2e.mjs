// Verify "e2e": the whole feature on a copy of the real data files (data/users.json and the key),
// through the application's own modules: enrollment, login with 2FA, a backup code, and the
// login of a user without 2FA exactly as before.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, importScratch, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';
import { authenticator, PASSWORD } from '../lib/sandbox.mjs';

await runStep(async () => {
  await requireScratch('two-factor', 'data/users.json', 'Dependencies');
  const dataDir = await mkdtemp(join(tmpdir(), 'two-factor-e2e-'));
  try {
    await cp(join(scratchDir('two-factor'), 'data'), dataDir, { recursive: true });
    const { openApp } = await importScratch('two-factor', 'src/app.mjs');
    const { completeLogin, login } = await importScratch('two-factor', 'src/login.mjs');
    const { enable, setup, verify } = await importScratch('two-factor', 'src/enrollment.mjs');
    const clock = { now: Date.now() };
    const app = openApp({ dataDir, now: () => clock.now });

    const { session } = await login(app, { username: 'carol', password: PASSWORD });
    const { body } = await setup(app, session.token);
    await verify(app, session.token, { code: await authenticator(app, body.secret) });
    const enabled = await enable(app, session.token);
    check(
      enabled.status === 200 && openApp({ dataDir }).users.findByUsername('carol').two_factor_enabled,
      'enrollment works end to end and is saved',
    );
    clock.now += 30_000;

    const withApp = await login(app, { username: 'carol', password: PASSWORD });
    const done = await completeLogin(app, {
      challenge: withApp.challenge,
      code: await authenticator(app, body.secret),
    });
    check(withApp.status === 'two_factor_required' && done.status === 'ok', 'login with 2FA works');
    const withBackup = await login(app, { username: 'carol', password: PASSWORD });
    const backup = await completeLogin(app, {
      challenge: withBackup.challenge,
      backupCode: enabled.body.backupCodes[9],
    });
    check(
      backup.status === 'ok' && openApp({ dataDir }).users.findByUsername('carol').backup_codes.length === 9,
      'backup codes work and are used up',
    );
    const bob = await login(app, { username: 'bob', password: PASSWORD });
    check(
      bob.status === 'ok' && bob.session.userId === 2,
      'no regression: a user without 2FA signs in as before',
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

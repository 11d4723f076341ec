// Step 5, login flow modification: after the password, users with two-factor authentication
// answer a challenge with a code or a backup code; the auth middleware refuses sessions that have
// not finished it, and admins without it may only enroll. The existing login tests must still pass.
import { check, importScratch, install, requireScratch, runStep } from '../../shared/scratch.mjs';
import { runTests } from '../lib/node-test.mjs';
import { authenticator, enroll, PASSWORD, sandboxApp } from '../lib/sandbox.mjs';

const forbidden = (fn) => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error.status;
  }
};

await runStep(async () => {
  await requireScratch('two-factor', 'src/enrollment.mjs', 'Enrollment flow');
  await install('two-factor', 'feature', ['src/login.mjs', 'src/session.mjs']);
  const { completeLogin, login } = await importScratch('two-factor', 'src/login.mjs');
  const { requireAuth } = await importScratch('two-factor', 'src/session.mjs');
  const { app, clock } = await sandboxApp();
  const { secret, backupCodes } = await enroll(app, clock, 'carol');

  const first = await login(app, { username: 'carol', password: PASSWORD });
  check(
    first.status === 'two_factor_required' && !first.session,
    'the password alone gives a challenge, not a session',
  );
  const wrong = await completeLogin(app, { challenge: first.challenge, code: '123456' });
  check(
    wrong.status === 'invalid_code' && wrong.attemptsLeft === 4,
    'a wrong code is refused, with the attempts left',
  );
  const done = await completeLogin(app, {
    challenge: first.challenge,
    code: await authenticator(app, secret),
  });
  check(
    done.status === 'ok' && requireAuth(app, done.session.token).userId === 3,
    'the code from the app completes the login',
  );
  const second = await login(app, { username: 'carol', password: PASSWORD });
  const backup = await completeLogin(app, { challenge: second.challenge, backupCode: backupCodes[0] });
  check(
    backup.status === 'ok' && backup.session.twoFactor === 'backup_code',
    'a backup code completes the login too',
  );
  const admin = await login(app, { username: 'alice', password: PASSWORD });
  check(
    admin.status === 'enrollment_required' && forbidden(() => requireAuth(app, admin.session.token)) === 403,
    'an admin without 2FA only gets to enroll (403 elsewhere)',
  );

  const baseline = await runTests(['test/login.test.mjs']);
  if (baseline.fail !== 0) process.stdout.write(baseline.output);
  check(baseline.fail === 0 && baseline.pass === 3, 'no regression: the 3 existing login tests still pass');
});

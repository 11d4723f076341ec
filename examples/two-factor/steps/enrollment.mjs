// Step 4, enrollment flow: GET /auth/2fa/setup, POST /auth/2fa/verify, POST /auth/2fa/enable,
// walked through for one user the way the setup page will.
import { check, importScratch, install, requireScratch, runStep } from '../../shared/scratch.mjs';
import { enroll, sandboxApp } from '../lib/sandbox.mjs';

await runStep(async () => {
  await requireScratch('two-factor', 'src/two-factor.mjs', 'TOTP service');
  await install('two-factor', 'feature', ['src/enrollment.mjs']);
  const { enrollmentRoutes } = await importScratch('two-factor', 'src/enrollment.mjs');
  for (const route of Object.keys(enrollmentRoutes)) console.log(`  ${route}`);

  const { app, clock } = await sandboxApp();
  const bob = await enroll(app, clock, 'bob');
  check(
    bob.started.status === 200 && bob.started.body.otpauthUrl.startsWith('otpauth://totp/Login%20App%3Abob'),
    'setup returns the QR code URI and the key',
  );
  check(bob.verified.status === 200, 'verify accepts the first code from the app');
  check(
    bob.enabled.status === 200 && app.users.get(2).two_factor_enabled,
    'enable turns two-factor authentication on',
  );
  const setup = enrollmentRoutes['GET /auth/2fa/setup'];
  check((await setup(app, bob.token)).status === 409, 'a second setup is refused while it is on');
});

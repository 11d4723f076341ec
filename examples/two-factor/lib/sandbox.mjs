// The application built in the scratch folder, opened on an in-memory copy of its users (so a
// step's checks never change data/users.json), with a clock the checks can move.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importScratch, scratchDir } from '../../shared/scratch.mjs';

export const PASSWORD = 'correct horse battery staple';

export async function sandboxApp() {
  const { openApp } = await importScratch('two-factor', 'src/app.mjs');
  const { openUserStore } = await importScratch('two-factor', 'src/users.mjs');
  const dataDir = join(scratchDir('two-factor'), 'data');
  const table = JSON.parse(readFileSync(join(dataDir, 'users.json'), 'utf8'));
  const clock = { now: Date.now() };
  const app = openApp({ dataDir, users: openUserStore(null, table), now: () => clock.now });
  return { app, clock };
}

/** The code a user's authenticator app shows for `secret` now. */
export async function authenticator(app, secret) {
  const { base32Decode, totp } = await importScratch('two-factor', 'src/vendor/totp.mjs');
  return totp(base32Decode(secret), { time: app.now() });
}

/** Signs `username` in and enrolls them as a user would; returns the secret and backup codes. */
export async function enroll(app, clock, username) {
  const { login } = await importScratch('two-factor', 'src/login.mjs');
  const { enable, setup, verify } = await importScratch('two-factor', 'src/enrollment.mjs');
  const { session } = await login(app, { username, password: PASSWORD });
  const started = await setup(app, session.token);
  const verified = await verify(app, session.token, { code: await authenticator(app, started.body.secret) });
  const enabled = await enable(app, session.token);
  // The next code the user types comes from a later time step than the one used to verify.
  clock.now += 30_000;
  return {
    token: session.token,
    started,
    verified,
    enabled,
    secret: started.body.secret,
    backupCodes: enabled.body.backupCodes,
  };
}

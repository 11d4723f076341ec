// The fixture application with the two-factor migration applied, a fixed key and a clock the
// tests move, plus the authenticator app a user would have on their phone.
import { randomBytes } from 'node:crypto';
import { up } from '../migrations/002_two_factor.mjs';
import { base32Decode, totp } from '../src/vendor/totp.mjs';
import { fixtureApp } from './fixture-app.mjs';

export function twoFactorApp() {
  const clock = { now: 1_700_000_000_000 };
  const app = fixtureApp({ now: () => clock.now });
  up(app.users.table);
  app.twoFactorKey = randomBytes(32);
  return { app, clock };
}

/** The code the user's authenticator app shows for `secret` at the app's current time. */
export const authenticator = (app, secret) => totp(base32Decode(secret), { time: app.now() });

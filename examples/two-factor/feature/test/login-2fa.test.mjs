// End-to-end tests of the login flow with two-factor authentication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enable, setup, verify } from '../src/enrollment.mjs';
import { completeLogin, login } from '../src/login.mjs';
import { requireAuth } from '../src/session.mjs';
import { PASSWORD } from './fixture-app.mjs';
import { authenticator, twoFactorApp } from './two-factor-app.mjs';

async function enrolled(username) {
  const { app, clock } = twoFactorApp();
  const token = (await login(app, { username, password: PASSWORD })).session.token;
  const { body } = await setup(app, token);
  await verify(app, token, { code: authenticator(app, body.secret) });
  const { body: done } = await enable(app, token);
  clock.now += 60_000;
  return { app, clock, secret: body.secret, backupCodes: done.backupCodes };
}

test('signs in with password and then a code from the authenticator app', async () => {
  const { app, secret } = await enrolled('bob');
  const first = await login(app, { username: 'bob', password: PASSWORD });
  assert.equal(first.status, 'two_factor_required');
  assert.equal(first.session, undefined);
  const done = await completeLogin(app, { challenge: first.challenge, code: authenticator(app, secret) });
  assert.equal(done.status, 'ok');
  assert.equal(requireAuth(app, done.session.token).twoFactor, 'totp');
});

test('refuses a code that was already used (replay)', async () => {
  const { app, secret } = await enrolled('bob');
  const code = authenticator(app, secret);
  const first = await login(app, { username: 'bob', password: PASSWORD });
  assert.equal((await completeLogin(app, { challenge: first.challenge, code })).status, 'ok');
  const second = await login(app, { username: 'bob', password: PASSWORD });
  assert.equal((await completeLogin(app, { challenge: second.challenge, code })).status, 'invalid_code');
});

test('accepts each backup code once', async () => {
  const { app, backupCodes } = await enrolled('carol');
  const [code] = backupCodes;
  const first = await login(app, { username: 'carol', password: PASSWORD });
  assert.equal(
    (await completeLogin(app, { challenge: first.challenge, backupCode: code.toLowerCase() })).status,
    'ok',
  );
  assert.equal(app.users.get(3).backup_codes.length, 9);
  const second = await login(app, { username: 'carol', password: PASSWORD });
  assert.equal(
    (await completeLogin(app, { challenge: second.challenge, backupCode: code })).status,
    'invalid_code',
  );
});

test('makes two-factor authentication mandatory for admins', async () => {
  const { app } = twoFactorApp();
  const result = await login(app, { username: 'alice', password: PASSWORD });
  assert.equal(result.status, 'enrollment_required');
  assert.throws(() => requireAuth(app, result.session.token), { status: 403 });
  assert.equal((await setup(app, result.session.token)).status, 200);
});

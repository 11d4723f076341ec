// Integration tests of the enrollment endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enable, setup, verify } from '../src/enrollment.mjs';
import { login } from '../src/login.mjs';
import { PASSWORD } from './fixture-app.mjs';
import { authenticator, twoFactorApp } from './two-factor-app.mjs';

async function signIn(app, username) {
  return (await login(app, { username, password: PASSWORD })).session.token;
}

test('enrolls a user: setup, verify the first code, enable', async () => {
  const { app, clock } = twoFactorApp();
  const token = await signIn(app, 'bob');
  const started = await setup(app, token);
  assert.equal(started.status, 200);
  assert.match(started.body.otpauthUrl, /^otpauth:\/\/totp\/Login%20App%3Abob\?secret=/);
  assert.equal((await verify(app, token, { code: authenticator(app, started.body.secret) })).status, 200);
  clock.now += 30_000;
  const enabled = await enable(app, token);
  assert.equal(enabled.status, 200);
  assert.equal(enabled.body.backupCodes.length, 10);
  assert.equal(app.users.get(2).two_factor_enabled, true);
});

test('refuses a wrong code and an enable before a verified code', async () => {
  const { app } = twoFactorApp();
  const token = await signIn(app, 'carol');
  await setup(app, token);
  assert.equal((await verify(app, token, { code: '000000' })).body.error.code, 'invalid_code');
  assert.equal((await enable(app, token)).body.error.code, 'not_verified');
  assert.equal(app.users.get(3).two_factor_enabled, false);
});

test('stores the secret encrypted and the backup codes hashed', async () => {
  const { app } = twoFactorApp();
  const token = await signIn(app, 'bob');
  const { body } = await setup(app, token);
  await verify(app, token, { code: authenticator(app, body.secret) });
  const { body: done } = await enable(app, token);
  const stored = JSON.stringify(app.users.get(2));
  assert.ok(!stored.includes(body.secret), 'the secret is not stored in plain text');
  assert.match(app.users.get(2).two_factor_secret, /^v1\./);
  for (const code of done.backupCodes)
    assert.ok(!stored.includes(code), 'no backup code is stored in plain text');
});

test('needs a signed-in user', async () => {
  const { app } = twoFactorApp();
  assert.equal((await setup(app, 'no-such-session')).status, 401);
});

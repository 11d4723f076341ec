// The login flow as it was before two-factor authentication; these must keep passing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login } from '../src/login.mjs';
import { requireAuth } from '../src/session.mjs';
import { fixtureApp, PASSWORD } from './fixture-app.mjs';

test('signs a member in with the right password', async () => {
  const app = fixtureApp();
  const result = await login(app, { username: 'bob', password: PASSWORD });
  assert.equal(result.status, 'ok');
  assert.equal(requireAuth(app, result.session.token).userId, 2);
});

test('refuses a wrong password', async () => {
  const result = await login(fixtureApp(), { username: 'bob', password: 'wrong' });
  assert.deepEqual(result, { status: 'invalid_credentials' });
});

test('refuses an unknown user with the same answer as a wrong password', async () => {
  const result = await login(fixtureApp(), { username: 'mallory', password: PASSWORD });
  assert.deepEqual(result, { status: 'invalid_credentials' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { signToken, verifyToken } from '../src/auth.mjs';

const SECRET = 'test-secret';

test('verifies the claims of a token it signed', () => {
  const claims = verifyToken(signToken({ sub: 'ada' }, SECRET), SECRET);
  assert.equal(claims.sub, 'ada');
  assert.ok(claims.exp > claims.iat);
});

test('rejects a token whose payload was changed', () => {
  const [header, , signature] = signToken({ sub: 'ada' }, SECRET).split('.');
  const forged = Buffer.from(JSON.stringify({ sub: 'root', exp: 9999999999 })).toString('base64url');
  assert.throws(() => verifyToken(`${header}.${forged}.${signature}`, SECRET), { code: 'invalid_token' });
  assert.throws(() => verifyToken(signToken({ sub: 'ada' }, 'another-secret'), SECRET), { status: 401 });
});

test('rejects an expired token', () => {
  const token = signToken({ sub: 'ada' }, SECRET, { expiresInSeconds: 60, now: Date.now() - 120_000 });
  assert.throws(() => verifyToken(token, SECRET), { code: 'token_expired' });
});

test('rejects an unsigned token (alg "none")', () => {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${part({ alg: 'none' })}.${part({ sub: 'ada', exp: 9999999999 })}.`;
  assert.throws(() => verifyToken(token, SECRET), { status: 401 });
});

// JSON Web Tokens (HS256) with node:crypto, and the middleware that requires one on every request.
import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error.mjs';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function signature(input, secret) {
  return createHmac('sha256', secret).update(input).digest();
}

function decodeJson(part) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A signed token carrying `claims`, valid for `expiresInSeconds`. */
export function signToken(claims, secret, { expiresInSeconds = 3600, now = Date.now() } = {}) {
  if (!secret) throw new Error('a token secret is required');
  const iat = Math.floor(now / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + expiresInSeconds })).toString(
    'base64url',
  );
  const input = `${HEADER}.${payload}`;
  return `${input}.${signature(input, secret).toString('base64url')}`;
}

/** The token's claims; throws a 401 HttpError when it is malformed, forged or expired. */
export function verifyToken(token, secret, { now = Date.now() } = {}) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new HttpError(401, 'invalid_token', 'the token is not a JWT');
  const [header, payload, given] = parts;
  if (decodeJson(header)?.alg !== 'HS256') {
    throw new HttpError(401, 'invalid_token', 'the token is not signed with HS256');
  }
  const expected = signature(`${header}.${payload}`, secret);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new HttpError(401, 'invalid_token', 'the token signature does not match');
  }
  const claims = decodeJson(payload);
  if (!claims || typeof claims.exp !== 'number') {
    throw new HttpError(401, 'invalid_token', 'the token has no expiry');
  }
  if (claims.exp * 1000 <= now) throw new HttpError(401, 'token_expired', 'the token has expired');
  return claims;
}

/** Middleware: the claims of the request's bearer token, or a 401 HttpError. */
export function authenticate(request, secret) {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw new HttpError(401, 'unauthorized', 'send an Authorization: Bearer <token> header');
  }
  return verifyToken(match[1], secret);
}

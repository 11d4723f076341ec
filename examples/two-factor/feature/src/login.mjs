// POST /auth/login: username and password. Users with two-factor authentication get a challenge
// and finish with POST /auth/login/2fa (a code from their app, or a backup code). Admins must
// use it: one without it gets a session that can only enroll.
import { randomBytes } from 'node:crypto';
import { verifyPassword } from './passwords.mjs';
import { createSession } from './session.mjs';
import { checkCode, redeemBackupCode } from './two-factor.mjs';

const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const MAX_ATTEMPTS = 5;

export async function login(app, { username, password }) {
  const user = app.users.findByUsername(username ?? '');
  // Check a password even for unknown users, so timing does not reveal which usernames exist.
  const ok = await verifyPassword(String(password ?? ''), user?.password_hash ?? 'scrypt$AAAA$AAAA');
  if (!user || !ok) return { status: 'invalid_credentials' };
  if (user.two_factor_enabled) {
    const challenge = randomBytes(24).toString('base64url');
    app.challenges.set(challenge, { userId: user.id, expiresAt: app.now() + CHALLENGE_TTL_MS, attempts: 0 });
    return { status: 'two_factor_required', challenge };
  }
  if (user.role === 'admin') {
    return { status: 'enrollment_required', session: createSession(app, user, { scope: 'enroll-2fa' }) };
  }
  return { status: 'ok', session: createSession(app, user) };
}

/** POST /auth/login/2fa: `{ challenge, code }` or `{ challenge, backupCode }`. */
export async function completeLogin(app, { challenge, code, backupCode }) {
  const pending = app.challenges.get(challenge);
  if (!pending || pending.expiresAt <= app.now()) return { status: 'invalid_challenge' };
  pending.attempts++;
  if (pending.attempts > MAX_ATTEMPTS) {
    app.challenges.delete(challenge);
    return { status: 'too_many_attempts' };
  }
  const user = app.users.get(pending.userId);
  let method;
  if (backupCode !== undefined) {
    if (await redeemBackupCode(app, user, backupCode)) method = 'backup_code';
  } else {
    const step = checkCode(app, user.two_factor_secret, code, user.two_factor_last_step);
    if (step !== null) {
      app.users.update(user.id, { two_factor_last_step: step });
      method = 'totp';
    }
  }
  if (!method) return { status: 'invalid_code', attemptsLeft: MAX_ATTEMPTS - pending.attempts };
  app.challenges.delete(challenge);
  return { status: 'ok', session: createSession(app, user, { twoFactor: method }) };
}

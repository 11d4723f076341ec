// POST /auth/login: username and password in, a session out.
import { verifyPassword } from './passwords.mjs';
import { createSession } from './session.mjs';

export async function login(app, { username, password }) {
  const user = app.users.findByUsername(username ?? '');
  // Check a password even for unknown users, so timing does not reveal which usernames exist.
  const ok = await verifyPassword(String(password ?? ''), user?.password_hash ?? 'scrypt$AAAA$AAAA');
  if (!user || !ok) return { status: 'invalid_credentials' };
  return { status: 'ok', session: createSession(app, user) };
}

// Sessions: an opaque random token per login, and the middleware that requires one.
import { randomBytes } from 'node:crypto';

const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export function createSession(app, user, extra = {}) {
  const session = {
    token: randomBytes(24).toString('base64url'),
    userId: user.id,
    role: user.role,
    expiresAt: app.now() + SESSION_TTL_MS,
    ...extra,
  };
  app.sessions.set(session.token, session);
  return session;
}

/** Middleware: the session of a request's token, or an error with status 401. */
export function requireAuth(app, token) {
  const session = app.sessions.get(token);
  if (!session || session.expiresAt <= app.now()) {
    throw Object.assign(new Error('sign in first'), { status: 401 });
  }
  return session;
}

// Sessions: an opaque random token per login, and the middleware that requires one. A session
// may carry a scope that limits it (an admin without two-factor authentication may only enroll).
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

/**
 * Middleware: the session of a request's token, or an error with status 401 (no session) or 403
 * (a scoped session on an endpoint that does not allow its scope).
 */
export function requireAuth(app, token, { allowScopes = [] } = {}) {
  const session = app.sessions.get(token);
  if (!session || session.expiresAt <= app.now()) {
    throw Object.assign(new Error('sign in first'), { status: 401 });
  }
  if (session.scope && !allowScopes.includes(session.scope)) {
    throw Object.assign(new Error('set up two-factor authentication first: it is required for admins'), {
      status: 403,
    });
  }
  return session;
}

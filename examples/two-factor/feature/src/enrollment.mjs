// Enrollment, step by step:
//   GET  /auth/2fa/setup   a new secret: the otpauth:// URI for the QR code and the text for manual entry
//   POST /auth/2fa/verify  the first code from the authenticator app proves it was set up
//   POST /auth/2fa/enable  two-factor authentication on; the response carries the backup codes, once
import { requireAuth } from './session.mjs';
import { checkCode, createSecret, issueBackupCodes } from './two-factor.mjs';

const reply = (status, body) => ({ status, body });
const problem = (status, code, message) => reply(status, { error: { code, message } });

/** Runs `handler` for a signed-in user; admins still enrolling (scope enroll-2fa) are let in too. */
function endpoint(handler) {
  return async (app, token, body = {}) => {
    let session;
    try {
      session = requireAuth(app, token, { allowScopes: ['enroll-2fa'] });
    } catch (error) {
      return problem(error.status ?? 401, 'unauthorized', error.message);
    }
    return handler(app, session, app.users.get(session.userId), body);
  };
}

export const setup = endpoint(async (app, session, user) => {
  if (user.two_factor_enabled)
    return problem(409, 'already_enabled', 'two-factor authentication is already on');
  const { secret, sealed, otpauthUrl } = createSecret(app, user);
  app.users.update(user.id, { two_factor_pending_secret: sealed, two_factor_pending_verified: false });
  return reply(200, { otpauthUrl, secret });
});

export const verify = endpoint(async (app, session, user, { code }) => {
  if (!user.two_factor_pending_secret) return problem(409, 'no_setup', 'start with GET /auth/2fa/setup');
  const step = checkCode(app, user.two_factor_pending_secret, code);
  if (step === null)
    return problem(
      400,
      'invalid_code',
      'that code is not valid; check the time on your phone and try the next one',
    );
  app.users.update(user.id, { two_factor_pending_verified: true, two_factor_last_step: step });
  return reply(200, { verified: true });
});

export const enable = endpoint(async (app, session, user) => {
  if (!user.two_factor_pending_verified)
    return problem(409, 'not_verified', 'verify a code from your authenticator app first');
  app.users.update(user.id, {
    two_factor_enabled: true,
    two_factor_secret: user.two_factor_pending_secret,
    two_factor_pending_secret: null,
    two_factor_pending_verified: false,
  });
  const backupCodes = await issueBackupCodes(app, user.id);
  // An admin who signed in only to enroll now has a full session.
  delete session.scope;
  return reply(200, { enabled: true, backupCodes });
});

export const enrollmentRoutes = {
  'GET /auth/2fa/setup': setup,
  'POST /auth/2fa/verify': verify,
  'POST /auth/2fa/enable': enable,
};

// Backup codes after enrollment:
//   GET  /auth/2fa/backup-codes             how many are left (warns when fewer than 3)
//   POST /auth/2fa/backup-codes             ten new ones, replacing the old; needs a current code
//   backupCodesFile(...)                    the text a user downloads and keeps
import { requireAuth } from './session.mjs';
import { BACKUP_CODE_COUNT, checkCode, issueBackupCodes } from './two-factor.mjs';

function signedIn(app, token) {
  try {
    return { session: requireAuth(app, token) };
  } catch (error) {
    return {
      failed: {
        status: error.status ?? 401,
        body: { error: { code: 'unauthorized', message: error.message } },
      },
    };
  }
}

export function remaining(app, token) {
  const { session, failed } = signedIn(app, token);
  if (failed) return failed;
  const left = app.users.get(session.userId).backup_codes.length;
  return { status: 200, body: { remaining: left, of: BACKUP_CODE_COUNT, regenerateSoon: left < 3 } };
}

export async function regenerate(app, token, { code }) {
  const { session, failed } = signedIn(app, token);
  if (failed) return failed;
  const user = app.users.get(session.userId);
  if (!user.two_factor_enabled)
    return {
      status: 409,
      body: { error: { code: 'not_enabled', message: 'enable two-factor authentication first' } },
    };
  const step = checkCode(app, user.two_factor_secret, code, user.two_factor_last_step);
  if (step === null)
    return {
      status: 400,
      body: { error: { code: 'invalid_code', message: 'enter a current code from your authenticator app' } },
    };
  app.users.update(user.id, { two_factor_last_step: step });
  return { status: 200, body: { backupCodes: await issueBackupCodes(app, user.id) } };
}

export function backupCodesFile(username, codes, issuedAt = new Date()) {
  return [
    `Backup codes for ${username} (Login App), issued ${issuedAt.toISOString().slice(0, 10)}`,
    'Each code works once. Keep them somewhere safe, away from your phone.',
    '',
    ...codes.map((code, i) => `${String(i + 1).padStart(2)}. ${code}`),
    '',
  ].join('\n');
}

export const backupCodeRoutes = {
  'GET /auth/2fa/backup-codes': remaining,
  'POST /auth/2fa/backup-codes': regenerate,
};

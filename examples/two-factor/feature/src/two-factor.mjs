// The TOTP service: secrets (created, sealed, opened), code verification with clock drift and
// replay protection, and the backup code functions (generate, hash, redeem once).
import { Buffer } from 'node:buffer';
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { loadKey, open, seal } from './secret-box.mjs';
import { base32Decode, generateSecret, otpauthUri, verifyTotp } from './vendor/totp.mjs';

const derive = promisify(scrypt);
export const ISSUER = 'Login App';
export const BACKUP_CODE_COUNT = 10;
// Backup codes are random (50 bits), so a lighter scrypt than for passwords keeps them safe.
const BACKUP_SCRYPT = { N: 4096, r: 8, p: 1 };
const BACKUP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function key(app) {
  app.twoFactorKey ??= loadKey(app.dataDir);
  return app.twoFactorKey;
}

/** A new secret for `user`: the base32 text for manual entry, its sealed form, and the otpauth URI. */
export function createSecret(app, user) {
  const secret = generateSecret();
  return {
    secret,
    sealed: seal(secret, key(app)),
    otpauthUrl: otpauthUri({ issuer: ISSUER, account: user.username, secret }),
  };
}

/** The time step `code` matches for the sealed secret, or null (wrong, expired, or already used). */
export function checkCode(app, sealed, code, lastStep = null) {
  const secret = base32Decode(open(sealed, key(app)));
  const step = verifyTotp(secret, String(code ?? '').replace(/\s/g, ''), { time: app.now(), window: 1 });
  if (step === null || (lastStep !== null && step <= lastStep)) return null;
  return step;
}

/** Ten fresh codes such as "K7QX2-M9PAT", to show the user once. */
export function generateBackupCodes(count = BACKUP_CODE_COUNT) {
  const code = () =>
    Array.from({ length: 10 }, () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)]).join('');
  return Array.from({ length: count }, () => {
    const text = code();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

const normalize = (code) =>
  String(code ?? '')
    .toUpperCase()
    .replace(/[\s-]/g, '');

export async function hashBackupCode(code) {
  const salt = randomBytes(16);
  const hash = await derive(normalize(code), salt, 32, BACKUP_SCRYPT);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** The index of the stored hash that `code` matches, or -1. */
export async function matchBackupCode(hashes, code) {
  const given = normalize(code);
  if (given.length !== 10) return -1;
  for (const [index, stored] of hashes.entries()) {
    const [, salt, hash] = stored.split('$');
    const expected = Buffer.from(hash, 'base64url');
    const actual = await derive(given, Buffer.from(salt, 'base64url'), expected.length, BACKUP_SCRYPT);
    if (timingSafeEqual(actual, expected)) return index;
  }
  return -1;
}

/** Replaces a user's backup codes with ten new ones; returns them in plain text, the only time they exist so. */
export async function issueBackupCodes(app, userId) {
  const codes = generateBackupCodes();
  app.users.update(userId, { backup_codes: await Promise.all(codes.map(hashBackupCode)) });
  return codes;
}

/** Redeems a backup code of `user`: true once per code; the used hash is removed. */
export async function redeemBackupCode(app, user, code) {
  const index = await matchBackupCode(user.backup_codes, code);
  if (index < 0) return false;
  // Another request may have redeemed the same code while this one was hashing.
  const used = user.backup_codes[index];
  const current = app.users.get(user.id).backup_codes;
  if (!current.includes(used)) return false;
  app.users.update(user.id, { backup_codes: current.filter((hash) => hash !== used) });
  return true;
}

// Vendored one-time passwords, standing in for the speakeasy package (the examples install no
// npm packages): HOTP (RFC 4226) and TOTP (RFC 6238) on node:crypto, base32 (RFC 4648) for the
// secrets, and the otpauth:// URI that authenticator apps read from a QR code.
import { Buffer } from 'node:buffer';
import { createHmac, randomBytes } from 'node:crypto';
import { URLSearchParams } from 'node:url';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`"${char}" is not a base32 character`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new random secret, base32; 20 bytes is the size RFC 4226 recommends for SHA-1. */
export function generateSecret(bytes = 20) {
  return base32Encode(randomBytes(bytes));
}

/** RFC 4226: the one-time password for `counter`. */
export function hotp(secret, counter, { digits = 6, algorithm = 'sha1' } = {}) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

/** RFC 6238: the time step that `time` (ms since the epoch) falls in. */
export function timeStep(time = Date.now(), step = 30) {
  return Math.floor(time / 1000 / step);
}

/** RFC 6238: the one-time password at `time`. */
export function totp(secret, { time = Date.now(), step = 30, digits = 6, algorithm = 'sha1' } = {}) {
  return hotp(secret, timeStep(time, step), { digits, algorithm });
}

/**
 * The time step whose password is `token`, looking `window` steps either side of `time` for clock
 * drift; null when none matches.
 */
export function verifyTotp(
  secret,
  token,
  { time = Date.now(), step = 30, digits = 6, algorithm = 'sha1', window = 1 } = {},
) {
  if (!new RegExp(`^\\d{${digits}}$`).test(String(token))) return null;
  const current = timeStep(time, step);
  for (let delta = -window; delta <= window; delta++) {
    if (hotp(secret, current + delta, { digits, algorithm }) === String(token)) return current + delta;
  }
  return null;
}

/** The otpauth:// URI an authenticator app enrolls from (what the QR code on the setup page encodes). */
export function otpauthUri({ issuer, account, secret, digits = 6, period = 30 }) {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(digits),
    period: String(period),
  });
  return `otpauth://totp/${label}?${params}`;
}

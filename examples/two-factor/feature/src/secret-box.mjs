// Encryption at rest for the TOTP secrets: AES-256-GCM, "v1.<iv>.<tag>.<ciphertext>" in base64url.
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The key: TWO_FACTOR_KEY (base64) or data/two-factor.key. */
export function loadKey(dataDir) {
  const text = process.env.TWO_FACTOR_KEY ?? readFileSync(join(dataDir, 'two-factor.key'), 'utf8');
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error('the two-factor key must be 32 bytes, base64');
  return key;
}

export function seal(plaintext, key) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function open(sealed, key) {
  const [version, iv, tag, data] = String(sealed).split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

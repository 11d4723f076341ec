// Two-factor authentication columns. The TOTP secret is stored encrypted (AES-256-GCM) with a key
// from TWO_FACTOR_KEY or, when that is not set, data/two-factor.key, which this migration creates.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const COLUMNS = {
  two_factor_enabled: false,
  two_factor_secret: null,
  two_factor_pending_secret: null,
  two_factor_pending_verified: false,
  two_factor_last_step: null,
  backup_codes: [],
};

export function up(table, { dataDir } = {}) {
  const clash = Object.keys(COLUMNS).find((column) => table.columns.includes(column));
  if (clash) throw new Error(`column "${clash}" of relation "users" already exists`);
  table.columns.push(...Object.keys(COLUMNS));
  for (const row of table.rows) Object.assign(row, { ...COLUMNS, backup_codes: [] });
  const keyFile = dataDir && join(dataDir, 'two-factor.key');
  if (keyFile && !process.env.TWO_FACTOR_KEY && !existsSync(keyFile)) {
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
}

export function down(table) {
  table.columns = table.columns.filter((column) => !(column in COLUMNS));
  for (const row of table.rows) for (const column of Object.keys(COLUMNS)) delete row[column];
}

// The application's side of the migration: app/config.json says which database it reads, and
// app/maintenance.json, while it exists, puts it in maintenance mode (it refuses requests).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSourceRows } from './source.mjs';
import { readCatalog, readRows } from './target.mjs';

const configFile = (root) => join(root, 'app', 'config.json');
const maintenanceFile = (root) => join(root, 'app', 'maintenance.json');

export const readConfig = (root) => JSON.parse(readFileSync(configFile(root), 'utf8'));
export const writeConfig = (root, config) =>
  writeFileSync(configFile(root), `${JSON.stringify(config, null, 2)}\n`);

export function maintenance(root) {
  return existsSync(maintenanceFile(root)) ? JSON.parse(readFileSync(maintenanceFile(root), 'utf8')) : null;
}

export function enterMaintenance(root, reason) {
  const state = maintenance(root) ?? { since: new Date().toISOString(), reason };
  writeFileSync(maintenanceFile(root), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/** Ends maintenance mode; returns how long it lasted in ms (0 when it was off). */
export function leaveMaintenance(root) {
  const state = maintenance(root);
  rmSync(maintenanceFile(root), { force: true });
  return state ? Date.now() - Date.parse(state.since) : 0;
}

/** A connection as the application makes it: to the database its configuration names. */
export function connect(root, { bypassMaintenance = false, database = readConfig(root).database } = {}) {
  if (maintenance(root) && !bypassMaintenance) throw new Error('the application is in maintenance mode');
  const rows = database === 'postgres' ? readRows(root, 'users') : readSourceRows(root);
  if (database === 'postgres') readCatalog(root);
  // Both servers find emails case-insensitively: MySQL by collation, PostgreSQL by lower(email).
  const byEmail = new Map(rows.map((row) => [row.email.toLowerCase(), row]));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return {
    database,
    count: () => rows.length,
    findByEmail: (email) => byEmail.get(email.toLowerCase()),
    findById: (id) => byId.get(id),
  };
}

// Applies the migrations in db/migrations, in name order, each once. Run directly it migrates the
// configured database: `node src/migrate.mjs`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from './config.mjs';
import { openDatabase } from './db.mjs';

export function loadMigrations(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')));
}

/** Applies the pending migrations; returns the ids it applied. */
export function migrate(db, dir) {
  const done = new Set(db.appliedMigrations().map((m) => m.id));
  const applied = [];
  for (const migration of loadMigrations(dir)) {
    if (done.has(migration.id)) continue;
    const { createTable, columns, indexes } = migration.up;
    db.createTable(createTable, columns, indexes);
    db.recordMigration(migration.id);
    applied.push(migration.id);
  }
  return applied;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadConfig();
  const applied = migrate(openDatabase(config.databaseFile), config.migrationsDir);
  process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'nothing to migrate\n');
}

// Applies the migrations in migrations/ to data/users.json, in name order, each once:
//   node src/migrate.mjs            apply the pending ones
//   node src/migrate.mjs down ID    revert one
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_DATA_DIR } from './app.mjs';
import { openUserStore } from './users.mjs';

const MIGRATIONS = fileURLToPath(new URL('../migrations/', import.meta.url));

async function loadMigrations() {
  const names = readdirSync(MIGRATIONS)
    .filter((n) => n.endsWith('.mjs'))
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      id: name.replace(/\.mjs$/, ''),
      ...(await import(pathToFileURL(join(MIGRATIONS, name)).href)),
    })),
  );
}

export async function migrateUp(store, context) {
  const applied = [];
  for (const migration of await loadMigrations()) {
    if (store.table.migrations.includes(migration.id)) continue;
    await migration.up(store.table, context);
    store.table.migrations.push(migration.id);
    applied.push(migration.id);
  }
  store.save();
  return applied;
}

export async function migrateDown(store, id, context) {
  const migration = (await loadMigrations()).find((m) => m.id === id);
  if (!migration || !store.table.migrations.includes(id)) throw new Error(`migration ${id} is not applied`);
  await migration.down(store.table, context);
  store.table.migrations = store.table.migrations.filter((m) => m !== id);
  store.save();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const store = openUserStore(join(DEFAULT_DATA_DIR, 'users.json'));
  const context = { dataDir: DEFAULT_DATA_DIR };
  if (process.argv[2] === 'down') {
    await migrateDown(store, process.argv[3], context);
    process.stdout.write(`reverted ${process.argv[3]}\n`);
  } else {
    const applied = await migrateUp(store, context);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'nothing to migrate\n');
  }
}

// A tiny JSON-file database standing in for PostgreSQL. Every write replaces the file atomically
// (a temporary file renamed over it), so a crash never leaves half a database behind. With no
// file it lives in memory, which is what the tests use.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export function openDatabase(file = null) {
  const data =
    file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { migrations: [], tables: {} };

  function save() {
    if (!file) return;
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(temporary, file);
  }

  function table(name) {
    const found = data.tables[name];
    if (!found) throw new Error(`relation "${name}" does not exist; run the migrations first`);
    return found;
  }

  return {
    appliedMigrations: () => [...data.migrations],
    schema: (name) => table(name).columns,
    createTable(name, columns, indexes = []) {
      if (data.tables[name]) throw new Error(`relation "${name}" already exists`);
      data.tables[name] = { columns, indexes, rows: [] };
    },
    dropTable(name) {
      table(name);
      delete data.tables[name];
    },
    recordMigration(id) {
      data.migrations.push({ id, applied_at: new Date().toISOString() });
      save();
    },
    forgetMigration(id) {
      data.migrations = data.migrations.filter((m) => m.id !== id);
      save();
    },
    all: (name) => table(name).rows.map((row) => ({ ...row })),
    find(name, id) {
      const row = table(name).rows.find((r) => r.id === id);
      return row ? { ...row } : undefined;
    },
    insert(name, row) {
      table(name).rows.push({ ...row });
      save();
      return { ...row };
    },
    update(name, id, changes) {
      const row = table(name).rows.find((r) => r.id === id);
      if (!row) return undefined;
      Object.assign(row, changes);
      save();
      return { ...row };
    },
    remove(name, id) {
      const rows = table(name).rows;
      const index = rows.findIndex((r) => r.id === id);
      if (index < 0) return false;
      rows.splice(index, 1);
      save();
      return true;
    },
  };
}

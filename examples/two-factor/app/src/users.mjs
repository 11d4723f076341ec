// The users table, kept in data/users.json: the applied migrations, the columns and the rows.
// Writes replace the file atomically. Without a file the table lives in memory (tests).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export function openUserStore(file, table = undefined) {
  const data = table ?? JSON.parse(readFileSync(file, 'utf8'));

  function save() {
    if (!file) return;
    writeFileSync(`${file}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  }

  return {
    table: data,
    save,
    all: () => data.rows.map((row) => ({ ...row })),
    get(id) {
      const row = data.rows.find((r) => r.id === id);
      return row ? { ...row } : undefined;
    },
    findByUsername(username) {
      const row = data.rows.find((r) => r.username === String(username).toLowerCase());
      return row ? { ...row } : undefined;
    },
    update(id, changes) {
      const unknown = Object.keys(changes).filter((column) => !data.columns.includes(column));
      if (unknown.length) throw new Error(`column "${unknown[0]}" of relation "users" does not exist`);
      const row = data.rows.find((r) => r.id === id);
      if (!row) throw new Error(`there is no user ${id}`);
      Object.assign(row, changes);
      save();
      return { ...row };
    },
  };
}

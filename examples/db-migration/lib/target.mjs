// The stand-in for the PostgreSQL server. postgres/catalog.json describes the database; a table's
// rows live in segment files under postgres/base/<table>/. A COPY runs in a transaction that
// checks every constraint and on COMMIT writes its segment atomically (a temporary file renamed
// into place), so a chunk that fails leaves nothing behind.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCopyText } from './schema.mjs';

export const targetDir = (root) => join(root, 'postgres');
const catalogFile = (root) => join(targetDir(root), 'catalog.json');
const tableDir = (root, table) => join(targetDir(root), 'base', table);

function writeJson(file, value) {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function databaseExists(root) {
  return existsSync(catalogFile(root));
}

export function createDatabase(root, name) {
  if (databaseExists(root)) {
    const existing = readCatalog(root).database;
    throw new Error(`database "${existing}" already exists; the plan assumed a fresh target`);
  }
  mkdirSync(join(targetDir(root), 'base'), { recursive: true });
  writeJson(catalogFile(root), { database: name, encoding: 'UTF8', tables: {} });
}

export function dropDatabase(root) {
  rmSync(targetDir(root), { recursive: true, force: true });
}

export function readCatalog(root) {
  if (!databaseExists(root)) throw new Error('the target database does not exist; run "Target setup" first');
  return JSON.parse(readFileSync(catalogFile(root), 'utf8'));
}

export function createTable(root, definition) {
  const catalog = readCatalog(root);
  if (catalog.tables[definition.table]) throw new Error(`relation "${definition.table}" already exists`);
  catalog.tables[definition.table] = { ...definition, sequence: 0 };
  mkdirSync(tableDir(root, definition.table), { recursive: true });
  writeJson(catalogFile(root), catalog);
}

/** Sets the identity sequence, as `SELECT setval(…)` does after a bulk load. */
export function setSequence(root, table, value) {
  const catalog = readCatalog(root);
  catalog.tables[table].sequence = value;
  writeJson(catalogFile(root), catalog);
}

export function truncate(root, table) {
  const dir = tableDir(root, table);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  setSequence(root, table, 0);
}

const segments = (root, table) =>
  readdirSync(tableDir(root, table))
    .filter((name) => name.endsWith('.jsonl'))
    .sort();

export function readRows(root, table) {
  const rows = [];
  for (const segment of segments(root, table)) {
    for (const line of readFileSync(join(tableDir(root, table), segment), 'utf8').split('\n')) {
      if (line) rows.push(JSON.parse(line));
    }
  }
  return rows;
}

function uniqueKeys(definition) {
  const keys = [{ name: `${definition.table}_pkey`, of: (row) => row[definition.primaryKey[0]] }];
  for (const index of definition.indexes.filter((i) => i.unique)) {
    const lower = /^lower\((\w+)\)$/.exec(index.expression);
    keys.push({
      name: index.name,
      of: lower ? (row) => row[lower[1]].toLowerCase() : (row) => row[index.expression],
    });
  }
  return keys;
}

/** A session on one table: COPY transactions that see what earlier ones committed. */
export function openTable(root, table) {
  const definition = readCatalog(root).tables[table];
  if (!definition) throw new Error(`relation "${table}" does not exist`);
  const keys = uniqueKeys(definition);
  const committed = keys.map((key) => new Set(readRows(root, table).map(key.of)));
  const fk = definition.foreignKeys[0];

  return {
    definition,
    begin() {
      const rows = [];
      const pending = keys.map(() => new Set());
      return {
        /** One CSV record, in the table's column order. */
        insert(fields) {
          if (fields.length !== definition.columns.length) {
            throw new Error(
              `extra or missing data: ${fields.length} fields for ${definition.columns.length} columns`,
            );
          }
          const row = Object.fromEntries(
            definition.columns.map((c, i) => [c.name, fromCopyText(c, fields[i])]),
          );
          keys.forEach((key, k) => {
            const value = key.of(row);
            if (committed[k].has(value) || pending[k].has(value)) {
              throw new Error(`duplicate key value violates unique constraint "${key.name}": (${value})`);
            }
            pending[k].add(value);
          });
          rows.push(row);
        },
        get size() {
          return rows.length;
        },
        commit() {
          // The foreign key is DEFERRABLE INITIALLY DEFERRED: checked at COMMIT.
          if (fk) {
            const dangling = rows.find(
              (r) =>
                r[fk.column] !== null && !committed[0].has(r[fk.column]) && !pending[0].has(r[fk.column]),
            );
            if (dangling)
              throw new Error(
                `insert violates foreign key constraint "${fk.name}": ${fk.column}=${dangling[fk.column]} is not present`,
              );
          }
          const dir = tableDir(root, table);
          const name = `segment-${String(segments(root, table).length + 1).padStart(4, '0')}.jsonl`;
          writeFileSync(join(dir, `${name}.tmp`), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
          renameSync(join(dir, `${name}.tmp`), join(dir, name));
          pending.forEach((set, k) => set.forEach((value) => committed[k].add(value)));
          return rows.length;
        },
        rollback() {
          rows.length = 0;
          pending.forEach((set) => set.clear());
        },
      };
    },
  };
}

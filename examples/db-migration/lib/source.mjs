// The stand-in for the MySQL server: the users table as JSON Lines (one row per line, values as
// MySQL returns them), plus its schema as information_schema would describe it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOURCE_SCHEMA = {
  engine: 'InnoDB',
  charset: 'utf8mb4',
  collation: 'utf8mb4_0900_ai_ci',
  table: 'users',
  columns: [
    { name: 'id', type: 'INT UNSIGNED', nullable: false, autoIncrement: true },
    { name: 'email', type: 'VARCHAR(255)', nullable: false },
    { name: 'name', type: 'VARCHAR(120)', nullable: false },
    { name: 'is_active', type: 'TINYINT(1)', nullable: false, default: '1' },
    { name: 'manager_id', type: 'INT UNSIGNED', nullable: true },
    { name: 'profile', type: 'JSON', nullable: true },
    { name: 'created_at', type: 'DATETIME', nullable: false },
    { name: 'updated_at', type: 'TIMESTAMP', nullable: false, onUpdate: 'CURRENT_TIMESTAMP' },
    { name: 'last_login_at', type: 'DATETIME', nullable: true },
  ],
  primaryKey: ['id'],
  indexes: [
    { name: 'email_unique', columns: ['email'], unique: true },
    { name: 'idx_manager', columns: ['manager_id'], unique: false },
    { name: 'idx_created', columns: ['created_at'], unique: false },
  ],
  foreignKeys: [
    { name: 'fk_manager', columns: ['manager_id'], references: 'users(id)', onDelete: 'SET NULL' },
  ],
};

export const sourceFile = (root) => join(root, 'mysql', 'users.jsonl');

export function readSourceRows(root) {
  const text = readFileSync(sourceFile(root), 'utf8');
  const rows = [];
  for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line));
  return rows;
}

/** Replaces the table's rows (an UPDATE of the whole table, atomically). */
export function writeSourceRows(root, rows) {
  const file = sourceFile(root);
  writeFileSync(`${file}.tmp`, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  renameSync(`${file}.tmp`, file);
}

/** The table's DDL, as `SHOW CREATE TABLE users` prints it. */
export function showCreateTable(schema = SOURCE_SCHEMA) {
  const columns = schema.columns.map((c) => {
    let line = `  \`${c.name}\` ${c.type} ${c.nullable ? 'NULL' : 'NOT NULL'}`;
    if (c.autoIncrement) line += ' AUTO_INCREMENT';
    if (c.default !== undefined) line += ` DEFAULT '${c.default}'`;
    if (c.onUpdate) line += ` DEFAULT CURRENT_TIMESTAMP ON UPDATE ${c.onUpdate}`;
    return line;
  });
  const keys = [
    `  PRIMARY KEY (${schema.primaryKey.map((k) => `\`${k}\``).join(', ')})`,
    ...schema.indexes.map(
      (i) =>
        `  ${i.unique ? 'UNIQUE KEY' : 'KEY'} \`${i.name}\` (${i.columns.map((k) => `\`${k}\``).join(', ')})`,
    ),
    ...schema.foreignKeys.map(
      (f) =>
        `  CONSTRAINT \`${f.name}\` FOREIGN KEY (\`${f.columns[0]}\`) REFERENCES ${f.references} ON DELETE ${f.onDelete}`,
    ),
  ];
  return `CREATE TABLE \`${schema.table}\` (\n${[...columns, ...keys].join(',\n')}\n) ENGINE=${schema.engine} DEFAULT CHARSET=${schema.charset} COLLATE=${schema.collation};\n`;
}

// Fills the stand-in MySQL users table with 50,003 deterministic rows: a seeded PRNG, names that
// exercise CSV quoting (commas, quotes, accents), a manager hierarchy, JSON profiles, NULLs where
// the schema allows them, and exactly three malformed emails for the data validation to find.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sourceFile, writeSourceRows } from './source.mjs';

export const SOURCE_ROWS = 50_003;

/** The rows whose emails are broken on purpose, and how. */
export const MALFORMED = {
  1234: (email) => `  ${email} `,
  22222: (email) => email.replace('@example.com', '@example..com'),
  45678: (email) => email.replace('@', '(at)'),
};

const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'José',
  'Zoë',
  'Chloé',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  "O'Brien",
  'Núñez',
  'Smith, Jr.',
];
const PLANS = ['free', 'team', 'enterprise'];

function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n) => String(n).padStart(2, '0');
const datetime = (ms) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

export function generateRows(count = SOURCE_ROWS, seed = 20240601) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const start = Date.UTC(2015, 0, 1);
  const span = Date.UTC(2024, 0, 1) - start;
  const rows = [];
  for (let id = 1; id <= count; id++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const local = `${first}.${last}`
      .normalize('NFKD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    const created = start + Math.floor(random() * span);
    const nickname = id % 1009 === 0 ? ' "Ace"' : '';
    const email = `${local}${id}@example.com`;
    rows.push({
      id,
      email: MALFORMED[id]?.(email) ?? email,
      name: `${first}${nickname} ${last}`,
      is_active: random() < 0.9 ? 1 : 0,
      manager_id: id <= 100 ? null : 1 + Math.floor(random() * (id - 1)),
      profile:
        random() < 0.2
          ? null
          : JSON.stringify({
              plan: pick(PLANS),
              newsletter: random() < 0.5,
              bio: id % 997 === 0 ? 'Line one\nline "two", with a comma' : undefined,
            }),
      created_at: datetime(created),
      updated_at: datetime(created + Math.floor(random() * 86_400_000 * 90)),
      last_login_at: random() < 0.15 ? null : datetime(created + Math.floor(random() * 86_400_000 * 365)),
    });
  }
  return rows;
}

export function seedSource(root) {
  mkdirSync(dirname(sourceFile(root)), { recursive: true });
  const rows = generateRows();
  writeSourceRows(root, rows);
  return rows.length;
}

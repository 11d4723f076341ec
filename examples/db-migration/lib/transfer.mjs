// Export (MySQL rows → CSV chunks) and import (CSV chunk → one COPY transaction), shared by the
// strategy steps, which try them on one chunk, and the migration, which runs them on all.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { encodeRecord, parseCsv } from './csv.mjs';
import { toCopyText } from './schema.mjs';

/** Chunks of `size` rows in id order: what each export worker takes. */
export function planChunks(rows, size) {
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  const chunks = [];
  for (let start = 0; start < ids.length; start += size) {
    const slice = ids.slice(start, start + size);
    chunks.push({ number: chunks.length + 1, firstId: slice[0], lastId: slice.at(-1), rows: slice.length });
  }
  return chunks;
}

/** Writes one chunk as COPY-ready CSV with a header; resolves to the number of records. */
export async function exportChunk(rows, chunk, columns, file) {
  const selected = rows.filter((r) => r.id >= chunk.firstId && r.id <= chunk.lastId);
  const body = selected.map((row) => encodeRecord(columns.map((c) => toCopyText(c, row[c.name]))));
  await writeFile(file, encodeRecord(columns.map((c) => c.name)) + body.join(''));
  return selected.length;
}

/** COPY users FROM file WITH (FORMAT csv, HEADER true) inside one transaction. */
export function importChunk(session, file, { commit = true } = {}) {
  const [header, ...records] = parseCsv(readFileSync(file, 'utf8'));
  const expected = session.definition.columns.map((c) => c.name);
  if (header?.join() !== expected.join())
    throw new Error(`${file}: header ${header?.join()} does not match the columns ${expected.join()}`);
  const tx = session.begin();
  try {
    for (const [i, record] of records.entries()) {
      try {
        tx.insert(record);
      } catch (error) {
        throw new Error(`${file} line ${i + 2}: ${error.message}`);
      }
    }
    if (!commit) {
      const size = tx.size;
      tx.rollback();
      return size;
    }
    return tx.commit();
  } catch (error) {
    tx.rollback();
    throw error;
  }
}

/** Runs `task` on every item with at most `workers` at a time. */
export async function inParallel(items, workers, task) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  return results;
}

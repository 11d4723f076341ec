import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../test/support/fake-github/faults.js';

/** What every row of the reliability table is: a measurement, its figure, and the bar it must meet. */

export interface RowResult {
  row: string;
  /** What was measured, with the numbers. */
  figure: string;
  bar: string;
  ok: boolean;
  /** Why a bar was missed, or what else the measurement saw; one line each. */
  detail?: string[];
  /** A file holding the failing inputs in full (see `saveFailures`), for the terminal, not the report. */
  saved?: string;
}

export interface RowContext {
  /** The short form: the same checks at smaller sizes, for `npm test`. */
  short: boolean;
  /** Seed for every random choice, so a failure can be replayed with `--seed`. */
  seed: number;
  /** Progress for the terminal (stderr); not part of the result. */
  progress: (line: string) => void;
}

export interface Row {
  /** The attack or fault, as the table names it. */
  name: string;
  bar: string;
  /** How it is measured, for docs/reliability.md. */
  how: string;
  run(ctx: RowContext): Promise<RowResult>;
}

/** Writes what failed, in full, to a temporary file, so a failure can be replayed; returns its path. */
export function saveFailures(row: string, failures: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'proceed-rel-failures-')), `${row.replace(/\W+/g, '-')}.json`);
  writeFileSync(path, JSON.stringify(failures, null, 2));
  return path;
}

/** Seeded random numbers (the fake's mulberry32): the same seed picks the same cases. */
export const seededRandom = mulberry32;

/** Runs `work` over `items` with at most `limit` at a time, results in input order. */
export async function inPool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `1 crash`, `2 crashes`: the count and the word for it. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The first few of a list of problems, with how many more there were. */
export function firstOf(problems: string[], shown = 5): string[] {
  return problems.length <= shown
    ? problems
    : [...problems.slice(0, shown), `… and ${problems.length - shown} more`];
}

/** A row's result with how long it took: what the report prints. */
export interface Measured extends RowResult {
  seconds: number;
}

/** Statistics and the shape of one row of the benchmark table. */

export interface Row {
  /** What is measured. */
  what: string;
  measured: string;
  comparedWith: string;
  /** Measured against the comparison, e.g. `1.12×`; `—` when there is none. */
  ratio: string;
  target: string;
  /** Undefined: not measured (the reason is in `notes`). */
  holds: boolean | undefined;
  /** Sentences for the report: how it was measured, and why a target does not hold. */
  notes: string[];
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function ms(value: number): string {
  if (Math.abs(value) < 1) return `${Math.round(value * 1000)} µs`;
  return Math.abs(value) >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

export function bytes(value: number): string {
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(2)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** A signed change in bytes, e.g. `+4.6 MiB`. */
export function change(value: number): string {
  return `${value < 0 ? '−' : '+'}${bytes(Math.abs(value))}`;
}

/** What the reliability rows read about processes from /proc, and waiting on conditions. */
export { processGroupAlive } from '../../src/execute/process.js';
import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (VmRSS), or undefined once it has gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Kills a process group, ignoring one that has already gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* gone */
  }
}

export async function until(
  condition: () => boolean,
  timeoutMs = 30_000,
  what = 'a condition',
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

import { readFileSync } from 'node:fs';

/**
 * Whether a process is running. A zombie is not: where PID 1 does not reap orphans (containers
 * without an init), a killed grandchild stays a zombie that `kill(pid, 0)` still finds.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Finds and stops every process an execution's steps started, when the execution ends, including
 * those that left the step's process group (`setsid`) or ignore hang-ups (`nohup`). Each command of
 * an execution carries a mark in its environment, which every descendant inherits wherever it is
 * reparented (the way Jenkins finds a build's leftover processes by BUILD_ID); the children of a
 * marked process count too, so a descendant that emptied its environment while its parent lives is
 * found through the /proc parent chain. A process that both clears its environment and detaches
 * escapes this sweep: the app's inline executor adds a PID namespace, which nothing escapes.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The variable that marks an execution's processes; the executor sets it last, so no plan overrides it. */
export const EXECUTION_MARK = 'PROCEED_EXECUTION_ID';

const POLL_MS = 25;
/** A process that forks as fast as it is killed is swept again, this many times at most. */
const ROUNDS = 5;

export function newExecutionId(): string {
  return randomBytes(12).toString('hex');
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  zombie: boolean;
}

function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return []; // no /proc (macOS): process groups are all there is
  }
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const line = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ')'.
      const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
      entries.push({ pid: Number(name), ppid: Number(fields[1]), zombie: fields[0] === 'Z' });
    } catch {
      // it ended while we looked
    }
  }
  return entries;
}

/** The live children of `pid`. */
export function childrenOf(pid: number): number[] {
  return listProcesses()
    .filter((p) => p.ppid === pid && !p.zombie)
    .map((p) => p.pid);
}

function carriesMark(pid: number, needle: Buffer): boolean {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`);
    return (
      environ.indexOf(needle) !== -1 || environ.subarray(0, needle.length - 1).equals(needle.subarray(1))
    );
  } catch {
    return false; // ended, or not ours to read (another user's process is not one of our steps)
  }
}

/** The live processes of execution `id`: those carrying its mark and all their descendants. */
export function executionProcesses(id: string): number[] {
  const needle = Buffer.from(`\0${EXECUTION_MARK}=${id}\0`);
  const live = listProcesses().filter((p) => !p.zombie && p.pid !== process.pid);
  const found = new Set(live.filter((p) => carriesMark(p.pid, needle)).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of live) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/**
 * SIGTERM to every process of execution `id`, SIGKILL to whatever is left after `graceMs`;
 * resolves when none is left (or after a few rounds against one that keeps forking). Returns how
 * many processes it found.
 */
export async function sweepExecution(id: string, graceMs: number): Promise<number> {
  let found = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const pids = executionProcesses(id);
    if (pids.length === 0) break;
    found += pids.length;
    signal(pids, 'SIGTERM');
    const deadline = Date.now() + (round === 0 ? graceMs : 0);
    let left = pids;
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      left = executionProcesses(id);
    }
    signal(executionProcesses(id), 'SIGKILL');
    for (let i = 0; i < 40 && executionProcesses(id).length > 0; i++) await sleep(POLL_MS);
  }
  return found;
}

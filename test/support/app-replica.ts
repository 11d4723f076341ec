/**
 * Replicas of the Probot app, each in a process of its own (app-process.ts, run with tsx): started
 * with the deliveries it will receive, told when to receive them all at once, and killable at any
 * moment like a crashed server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { APP } from './app.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** The app's bot, as the fake names the installation tokens of `APP`. */
export const APP_BOT = `${APP.slug}[bot]`;
export { APP };

export interface AppProcessInput {
  apiUrl: string;
  gitUrl: string;
  stepEnv: Record<string, string>;
  deliveries: { id: string; name: string; payload: unknown }[];
  /** One delivery after another (default: all at once, as simultaneous webhooks). */
  sequential?: boolean;
  /** How often an executing replica renews its lock (the app's PROCEED_LOCK_HEARTBEAT_MS). */
  lockHeartbeatMs?: number;
}

export interface Replica {
  child: ChildProcess;
  /** Settles when the replica has loaded the app and waits for "go". */
  ready: Promise<void>;
  /** Why deliveries failed (empty when all were handled), once it has handled them all or ended. */
  done: Promise<string[]>;
  go(): void;
}

export function startReplica(input: AppProcessInput): Replica {
  // One process (tsx as a loader, not its CLI, which would run the app in a child of its own), so a kill reaches the app.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/app-process.ts')], {
    cwd: ROOT,
    env: { ...process.env, RELIABILITY_APP: JSON.stringify(input) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<string[]>((resolveDone) => {
    lines.on('line', (line) => {
      if (line === 'ready') markReady();
      else if (line.startsWith('{')) resolveDone((JSON.parse(line) as { errors: string[] }).errors);
    });
    child.on('close', (code, signal) => {
      markReady();
      resolveDone(code === 0 ? [] : [`app replica ended (${signal ?? code}): ${stderr.slice(-400)}`]);
    });
  });
  return { child, ready, done, go: () => child.stdin!.write('go\n') };
}

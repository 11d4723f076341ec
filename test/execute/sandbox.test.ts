/**
 * One execution's namespaces (src/execute/sandbox.ts) with real processes: a command in the
 * execution directory runs as the step user, sees only its execution's processes, and nothing it
 * starts survives the execution, not even a process that emptied its environment and detached.
 * Needs root, as the sandbox does; it fails, saying so, elsewhere.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCommand } from '../../src/execute/process.js';
import {
  handOver,
  makeExecutionDirectory,
  prepareWorkspaceBase,
  probeIsolation,
  sandboxFor,
  StepSandbox,
  type StepUser,
} from '../../src/execute/sandbox.js';
import { childrenOf } from '../../src/execute/sweep.js';
import { isRunning } from './running.js';

const STEP_USER = 'proceed-test-step';
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
const CRASH_HOST = join(ROOT, 'test/execute/sandbox-crash.host.ts');
/** The `sleep 1000` processes among the descendants of `pid`, as the host sees them. */
function sleepersUnder(pid: number): number[] {
  const found: number[] = [];
  for (const queue = [pid]; queue.length > 0;) {
    for (const child of childrenOf(queue.shift()!)) {
      queue.push(child);
      const args = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      if (args[0] === 'sleep' && args[1] === '1000') found.push(child);
    }
  }
  return found;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('an execution sandbox', () => {
  let user: StepUser;
  let base: string;

  beforeAll(() => {
    if (process.getuid?.() !== 0)
      throw new Error('the sandbox needs root to switch users and make namespaces; run as root (CI does)');
    try {
      execFileSync('getent', ['passwd', STEP_USER], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', STEP_USER]);
    }
    const probe = probeIsolation(STEP_USER);
    if (!probe.available) throw new Error(probe.reason);
    user = probe.user;
    const tmp = mkdtempSync(join(tmpdir(), 'proceed-sandbox-'));
    chmodSync(tmp, 0o711);
    dirs.push(tmp);
    base = join(tmp, 'proceed-inline');
  });

  async function open(): Promise<{ root: string; sandbox: StepSandbox }> {
    await prepareWorkspaceBase(base);
    const root = await makeExecutionDirectory(base);
    await handOver(root, user);
    return { root, sandbox: await StepSandbox.open({ root, base, user, hide: [] }) };
  }

  it('runs a command in its directory as the step user, in a PID namespace of its own', async () => {
    const { root, sandbox } = await open();
    try {
      expect(sandboxFor(join(root, 'home'))).toBe(sandbox);
      const outcome = await runCommand({
        command: 'id -un; pwd; echo "$HOME"; ls -d /proc/[0-9]* | wc -l',
        shell: 'bash',
        cwd: join(root, 'home'),
        env: { PATH: process.env.PATH },
      });
      const [who, where, home, count] = outcome.tail.trim().split('\n');
      expect(outcome.exitCode, outcome.tail).toBe(0);
      expect(who).toBe(STEP_USER);
      expect(where).toBe(join(root, 'home'));
      expect(home).toBe(join(root, 'home'));
      // Its namespace's first process, its own bash, ls, wc and the init's sleep: nothing of the host.
      expect(Number(count)).toBeLessThan(10);
    } finally {
      await sandbox.close();
    }
    expect(sandboxFor(root)).toBeUndefined();
  });

  it('leaves nothing running once closed, even a process that emptied its environment and detached', async () => {
    const { root, sandbox } = await open();
    const pids = join(root, 'tmp', 'pids');
    try {
      const outcome = await runCommand({
        command: `env -i setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $! > ${pids}; nohup sleep 1000 > /dev/null 2>&1 & echo $! >> ${pids}`,
        shell: 'bash',
        cwd: root,
        env: { PATH: process.env.PATH },
      });
      expect(outcome.exitCode, outcome.tail).toBe(0);
    } catch (err) {
      await sandbox.close();
      throw err;
    }
    // The PIDs the step saw are its namespace's; the host's are found below this process.
    expect(readFileSync(pids, 'utf8').trim().split('\n')).toHaveLength(2);
    // A background child may not have exec'd `sleep` yet (still `env` or `setsid`) on a loaded machine.
    let sleeping = sleepersUnder(process.pid);
    for (let tries = 0; sleeping.length < 2 && tries < 200; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      sleeping = sleepersUnder(process.pid);
    }
    expect(sleeping).toHaveLength(2);
    await sandbox.close();
    for (const pid of sleeping) expect(isRunning(pid), String(pid)).toBe(false);
  });

  it('leaves nothing running when the app itself is killed outright mid-execution', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'proceed-sandbox-'));
    chmodSync(tmp, 0o711);
    dirs.push(tmp);
    const app = spawn(process.execPath, ['--import', TSX, CRASH_HOST, tmp, STEP_USER], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    app.stdout.on('data', (c: Buffer) => (out += c.toString()));
    app.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<void>((done) => app.on('exit', () => done()));
    onTestFinished(() => {
      if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
    });
    for (const started = Date.now(); !out.includes('\n');) {
      if (app.exitCode !== null || Date.now() - started > 60_000)
        throw new Error(`the app did not start its step: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const step = sleepersUnder(app.pid!);
    expect(step).toHaveLength(1);
    for (const pid of step) expect(isRunning(pid)).toBe(true);
    app.kill('SIGKILL');
    await exited;
    for (const pid of step) {
      for (const started = Date.now(); isRunning(pid) && Date.now() - started < 20_000;)
        await new Promise((r) => setTimeout(r, 50));
      expect(isRunning(pid), `step process ${pid}`).toBe(false);
    }
  });

  it("refuses a base directory that is not root's, which anyone could have made in /tmp", async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'proceed-sandbox-'));
    dirs.push(tmp);
    const planted = join(tmp, 'proceed-inline');
    execFileSync('mkdir', [planted]);
    execFileSync('chown', [`${user.uid}`, planted]);
    await expect(prepareWorkspaceBase(planted)).rejects.toThrow(
      /is not a directory owned by root .* remove it or set TMPDIR/,
    );
  });
});

/**
 * One execution's namespaces (src/execute/sandbox.ts) with real processes: a command in the
 * execution directory runs as the step user, sees only its execution's processes, and nothing it
 * starts survives the execution, not even a process that emptied its environment and detached.
 * Needs root, as the sandbox does; it fails, saying so, elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { isRunning } from './running.js';

const STEP_USER = 'proceed-test-step';
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
    // The PIDs the step saw are its namespace's; find the host's by their parent, the namespace's init.
    const inNamespace = readFileSync(pids, 'utf8').trim().split('\n');
    expect(inNamespace).toHaveLength(2);
    const sleeping = execFileSync('ps', ['-o', 'pid=', '-u', STEP_USER], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number)
      .filter((pid) => /sleep 1000/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')));
    expect(sleeping.length).toBeGreaterThanOrEqual(2);
    await sandbox.close();
    for (const pid of sleeping) expect(isRunning(pid), String(pid)).toBe(false);
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

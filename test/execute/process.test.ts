import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputFifos, runCommand, shellInvocation, stopProcessGroup } from '../../src/execute/process.js';
import type { RunSpec } from '../../src/execute/process.js';
import { isRunning } from './running.js';

const scratchDirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'proceed-process-'));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});
const run = (command: string, extra: Partial<RunSpec> = {}) =>
  runCommand({ command, shell: 'bash', cwd: scratch(), env: process.env, killGraceMs: 200, ...extra });
const pidIn = (file: string) => Number(readFileSync(file, 'utf8').trim());

describe('commands run with the shells of GitHub Actions', () => {
  it('bash stops at the first failing command (-e)', async () => {
    const out = await run('echo before; false; echo after');
    expect(out.exitCode).toBe(1);
    expect(out.tail).toBe('before\n');
  });

  it('bash fails a pipeline when any part fails (pipefail)', async () => {
    expect((await run('false | true')).exitCode).toBe(1);
  });

  it("bash reports the command's own exit code", async () => {
    expect((await run('exit 3')).exitCode).toBe(3);
  });

  it('sh stops at the first failing command (-e)', async () => {
    const out = await run('echo before; false; echo after', { shell: 'sh' });
    expect(out.exitCode).toBe(1);
    expect(out.tail).toBe('before\n');
  });

  it('python runs the command as a script', async () => {
    const out = await run('import sys\nprint("from python")\nsys.exit(4)', { shell: 'python' });
    expect(out).toMatchObject({ exitCode: 4, tail: 'from python\n' });
  });

  it('pwsh runs non-interactively, stops on errors and passes on a native exit code', () => {
    const { file, args } = shellInvocation('pwsh', 'Write-Output hi');
    expect(file).toBe('pwsh');
    expect(args.slice(0, 4)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-Command']);
    expect(args[4]).toContain("$ErrorActionPreference = 'Stop'");
    expect(args[4]).toContain('Write-Output hi');
    expect(args[4]).toContain('exit $LASTEXITCODE');
  });

  it('runs in the given directory with the given environment and stdin closed', async () => {
    const cwd = scratch();
    const out = await runCommand({
      command: 'pwd; echo "$GREETING"; cat; echo end',
      shell: 'bash',
      cwd,
      env: { ...process.env, GREETING: 'hello' },
    });
    expect(out.exitCode).toBe(0);
    expect(out.tail).toBe(`${cwd}\nhello\nend\n`);
  });
});

describe('output is kept as a bounded tail of stdout and stderr interleaved', () => {
  it('interleaves stdout and stderr in the order they were written', async () => {
    const out = await run('echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three');
    expect(out.tail).toBe('one\ntwo\nthree\n');
  });

  it('keeps only the last tailBytes bytes and counts the dropped ones', async () => {
    const out = await run("printf '0123456789abcdef'", { tailBytes: 10 });
    expect(out.tail).toBe('6789abcdef');
    expect(out.droppedBytes).toBe(6);
  });

  it('gives each command its own FIFO from a shared OutputFifos, making more when they run out', async () => {
    const fifos = new OutputFifos(1, 1);
    try {
      const outs = await Promise.all(
        ['a', 'b', 'c'].map((word) => run(`for i in 1 2 3; do echo ${word}$i; sleep 0.02; done`, { fifos })),
      );
      expect(outs.map((o) => o.tail)).toEqual(['a1\na2\na3\n', 'b1\nb2\nb3\n', 'c1\nc2\nc3\n']);
    } finally {
      await fifos.dispose();
    }
  });

  it('passes live output to onOutput, whole', async () => {
    const chunks: string[] = [];
    const out = await run('for i in 1 2 3; do echo "line $i"; sleep 0.02; done; printf "é"', {
      onOutput: (c) => chunks.push(c),
    });
    expect(chunks.join('')).toBe('line 1\nline 2\nline 3\né');
    expect(out.tail).toBe('line 1\nline 2\nline 3\né');
  });

  it('masks secrets in the tail and in live output', async () => {
    const chunks: string[] = [];
    const out = await run(
      'echo "token=$TOKEN"; printf "half-%s" "${TOKEN:0:5}"; sleep 0.05; echo "${TOKEN:5}"',
      {
        env: { ...process.env, TOKEN: 's3cr3t-value' },
        secrets: ['s3cr3t-value'],
        onOutput: (c) => chunks.push(c),
      },
    );
    expect(out.tail).toBe('token=***\nhalf-***\n');
    expect(chunks.join('')).toBe('token=***\nhalf-***\n');
  });
});

describe('a command that cannot start is reported with what to fix, never thrown', () => {
  it('names the missing interpreter and how to get it', async () => {
    const out = await run('echo hi', { env: { PATH: scratch() } });
    expect(out.exitCode).toBeNull();
    expect(out.spawnError).toMatch(/^bash was not found on PATH, and shell: bash needs it; install bash/);
  });

  it('names the missing working directory', async () => {
    const cwd = join(scratch(), 'nowhere');
    const out = await run('echo hi', { cwd });
    expect(out.spawnError).toBe(
      `working directory ${cwd} does not exist; create it in an earlier step or fix working-directory`,
    );
  });
});

describe('a timeout stops the whole process group', () => {
  it('kills the command and the grandchild it left in the background', async () => {
    const dir = scratch();
    const out = await run('sleep 1000 & echo $! > grandchild; sleep 1000', { cwd: dir, timeoutMs: 300 });
    expect(out.timedOut).toBe(true);
    expect(out.exitCode).toBeNull();
    expect(out.signal).toBe('SIGTERM');
    expect(out.durationMs).toBeGreaterThanOrEqual(300);
    expect(isRunning(pidIn(join(dir, 'grandchild')))).toBe(false);
  });

  it('sends SIGKILL after the grace period to processes that ignore SIGTERM', async () => {
    const dir = scratch();
    const started = Date.now();
    const out = await run('trap "" TERM; sleep 1000 & echo $! > grandchild; wait', {
      cwd: dir,
      timeoutMs: 300,
      killGraceMs: 400,
    });
    expect(out.timedOut).toBe(true);
    expect(out.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(isRunning(pidIn(join(dir, 'grandchild')))).toBe(false);
  });
});

describe('aborting stops the whole process group', () => {
  it('kills the command and its grandchild and says it was aborted', async () => {
    const dir = scratch();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const out = await run('sleep 1000 & echo $! > grandchild; sleep 1000', {
      cwd: dir,
      signal: abort.signal,
    });
    expect(out).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    expect(isRunning(pidIn(join(dir, 'grandchild')))).toBe(false);
  });

  it('does not start a command when already aborted', async () => {
    const dir = scratch();
    const abort = new AbortController();
    abort.abort();
    const out = await run('touch ran', { cwd: dir, signal: abort.signal });
    expect(out.aborted).toBe(true);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});

describe('a command that exits while a background process holds its output', () => {
  it('ends when its shell ends, leaving the background process to stopProcessGroup', async () => {
    const dir = scratch();
    const started = Date.now();
    const out = await run('sleep 1000 & echo $! > background; echo started', { cwd: dir });
    // Far below the background sleep (1,000 s), far above a loaded machine's spawn time.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(out).toMatchObject({ exitCode: 0, tail: 'started\n' });
    const background = pidIn(join(dir, 'background'));
    expect(isRunning(background)).toBe(true);
    await stopProcessGroup(out.pid!, 200);
    expect(isRunning(background)).toBe(false);
  });
});

describe('1 GB of output', () => {
  it('keeps memory flat and counts the dropped bytes', async () => {
    let peak = process.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const out = await run("head -c 1073741824 /dev/zero | tr '\\0' 'x'");
      expect(out.exitCode).toBe(0);
      expect(out.droppedBytes).toBe(1073741824 - 64 * 1024);
      expect(out.tail).toBe('x'.repeat(64 * 1024));
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  });
});

describe('without mkfifo, ordinary pipes carry the output', () => {
  const withoutMkfifo = async <T>(body: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> => {
    const env = { ...process.env };
    process.env.PATH = scratch(); // where runCommand looks for mkfifo; the command gets `env`
    try {
      return await body(env);
    } finally {
      process.env.PATH = env.PATH;
    }
  };

  it('captures stdout and stderr and live output', async () => {
    const chunks: string[] = [];
    const out = await withoutMkfifo((env) =>
      run('echo one; sleep 0.05; echo two >&2', { env, onOutput: (c) => chunks.push(c) }),
    );
    expect(out).toMatchObject({ exitCode: 0, tail: 'one\ntwo\n' });
    expect(chunks.join('')).toBe('one\ntwo\n');
  });

  it('ends when the shell ends although a background process holds the pipes', async () => {
    const dir = scratch();
    const out = await withoutMkfifo((env) =>
      run('sleep 1000 & echo $! > background; echo started', { env, cwd: dir }),
    );
    expect(out).toMatchObject({ exitCode: 0, tail: 'started\n' });
    await stopProcessGroup(out.pid!, 200);
    expect(isRunning(pidIn(join(dir, 'background')))).toBe(false);
  });

  it('a shared OutputFifos falls back to them for every command', async () => {
    const fifos = new OutputFifos(2);
    try {
      const outs = await withoutMkfifo((env) =>
        Promise.all([run('echo one >&2', { env, fifos }), run('echo two', { env, fifos })]),
      );
      expect(outs.map((o) => o.tail)).toEqual(['one\n', 'two\n']);
    } finally {
      await fifos.dispose();
    }
  });

  it('still stops the whole group on timeout', async () => {
    const dir = scratch();
    const out = await withoutMkfifo((env) =>
      run('sleep 1000 & echo $! > grandchild; sleep 1000', { env, cwd: dir, timeoutMs: 300 }),
    );
    expect(out.timedOut).toBe(true);
    expect(isRunning(pidIn(join(dir, 'grandchild')))).toBe(false);
  });
});

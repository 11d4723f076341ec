/**
 * The `proceed` CLI as a user runs it: the committed bundle through bin/proceed.js, as a child
 * process; a pseudo-terminal (util-linux `script`) where a person answers questions.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/proceed.js');
let dir: string;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function workdir(): string {
  dir = mkdtempSync(join(tmpdir(), 'proceed-cli-'));
  return dir;
}

/** A plan whose steps append to log.txt in the working directory. */
function writePlan(cwd: string, steps: string, extra = ''): string {
  const path = join(cwd, 'test.plan.yml');
  writeFileSync(
    path,
    `version: 1\ntitle: CLI test\n${extra}steps:\n${steps}verify:\n  ok: test -f log.txt\n`,
  );
  return path;
}

const step = (id: string, run: string, more = '') =>
  `  - id: ${id}\n    name: Step ${id}\n    run: ${run}\n    estimate: 1s\n${more}`;
const logged = (id: string) => `echo ${id} >> log.txt`;

function cli(args: string[], cwd: string, input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    input: input ?? '',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** What a person types for Ctrl-D: end of input, at the start of a line. */
const CTRL_D = '\\004';

/** Runs the CLI on a pseudo-terminal, typing `answers` one by one (each then Enter, but Ctrl-D alone) after a pause each. */
function onTerminal(args: string[], cwd: string, answers: string[]) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const typing = answers.map((a) => `sleep 0.8; printf '${a === CTRL_D ? a : `${a}\\n`}'`).join('; ');
  const r = spawnSync(
    'bash',
    ['-c', `(${typing || 'true'}; sleep 1) | script -qfec "${command}" /dev/null`],
    {
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return { code: r.status, out: r.stdout };
}

function log(cwd: string): string[] {
  const path = join(cwd, 'log.txt');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
}

describe('proceed validate', () => {
  it('prints FILE:LINE:COL errors and exits 1 for a broken plan', () => {
    const cwd = workdir();
    writeFileSync(
      join(cwd, 'bad.plan.yml'),
      'version: 1\ntitle: Broken\nsteps:\n  - name: One\n    run: ls\n    timout: 10m\n',
    );
    const r = cli(['validate', 'bad.plan.yml'], cwd);
    expect(r.code).toBe(1);
    expect(r.out).toContain('bad.plan.yml:6:5: steps[0].timout:');
    expect(r.out).toContain('did you mean');
  });

  it('exits 0 and says so for a valid plan', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', 'npm --version'));
    const r = cli(['validate', plan], cwd);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid, 1 step/);
  });
});

describe('usage errors', () => {
  it.each([
    [[], 'no command'],
    [['deploy'], 'unknown command'],
    [['run'], 'exactly one plan file'],
    [['validate'], 'at least one plan file'],
    [['run', 'x.plan.yml', '--bogus'], 'Unknown option'],
  ])('exits 2 with the usage for %j', (args, message) => {
    const r = cli(args as string[], workdir());
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).toContain('Usage: proceed');
  });

  it('exits 2 naming the steps for --from with an unknown step', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = cli(['run', plan, '--yes', '--from', 'nine'], cwd);
    expect(r.code).toBe(2);
    expect(r.err).toContain('1 (one)');
  });
});

describe('proceed render', () => {
  it('prints the review Markdown', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = cli(['render', plan], cwd);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CLI test');
    expect(r.out).toContain('```mermaid');
  });
});

describe('proceed run', () => {
  it('refuses without a terminal and without --yes, running nothing', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = cli(['run', plan], cwd);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--yes');
    expect(log(cwd)).toEqual([]);
  });

  it('runs every step in order, verifies and exits 0 with --yes', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')) + step('two', logged('two')));
    const r = cli(['run', plan, '--yes'], cwd);
    expect(r.code, r.out + r.err).toBe(0);
    expect(log(cwd)).toEqual(['one', 'two']);
    expect(r.out).toContain('Proceed with execution?');
    expect(r.out).toMatch(/verified/);
  });

  it('stops at a failing step, exits 1 and never runs the next step', () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', logged('one')) + step('two', 'exit 3') + step('three', logged('three')),
    );
    const r = cli(['run', plan, '--yes'], cwd);
    expect(r.code).toBe(1);
    expect(log(cwd)).toEqual(['one']);
    expect(r.out).toContain('STOP: step 2');
    expect(r.out).toContain('--from two');
  });

  it('starts at --from and reports the earlier steps as not run, not as passed', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')) + step('two', logged('two')));
    const r = cli(['run', plan, '--yes', '--from', '2'], cwd);
    expect(r.code, r.out).toBe(0);
    expect(log(cwd)).toEqual(['two']);
    expect(r.out).toMatch(/· 1\. Step one\s+not run \(--from 2\)/);
    expect(r.out).not.toMatch(/✔ 1\./);
    expect(r.out).toContain('Result: verified from step 2 on; step 1 was not run (--from)');
    expect(r.out).not.toContain('every step and every check passed');
  });

  it('refuses a --cwd that does not exist as a usage error (exit 2), running nothing', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = cli(['run', plan, '--yes', '--cwd', join(cwd, 'nonexistent')], cwd);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--cwd ${join(cwd, 'nonexistent')}: no such directory`);
    expect(r.out).not.toMatch(/exit \?|exit null/);
    expect(log(cwd)).toEqual([]);
  });

  it('says a failure once, in words: the exit code, no "exited with code", no doubled full stops', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')) + step('two', 'exit 2'));
    const r = cli(['run', plan, '--yes'], cwd);
    expect(r.code).toBe(1);
    expect(r.out).toContain('STOP: step 2 "Step two" failed (exit code 2).');
    expect(r.out).toMatch(/✘ 2\. Step two\s+\S+ · failed, exit code 2\n/);
    expect(r.out).not.toContain('exit code 2: exited with code 2');
    expect(r.out).not.toMatch(/\.\./);
  });

  it('says "none" when no step has an estimate, not "0 of N steps have estimates"', () => {
    const cwd = workdir();
    const plain = (id: string) => `  - id: ${id}\n    name: Step ${id}\n    run: ${logged(id)}\n`;
    const plan = writePlan(cwd, plain('one') + plain('two'));
    const r = cli(['run', plan, '--yes'], cwd);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Estimated time: none (no step has an estimate)');
    expect(r.out).toMatch(/Total: \S+ \(no estimate\)/);
    expect(r.out).not.toMatch(/0 of \d steps|estimated not estimated/);
  });

  it('stops when the plan file is edited during execution', () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', `${logged('one')} && echo '# edited' >> test.plan.yml`) + step('two', logged('two')),
    );
    const r = cli(['run', plan, '--yes'], cwd);
    expect(r.code).toBe(1);
    expect(log(cwd)).toEqual(['one']);
    expect(r.out + r.err).toMatch(/changed during execution/);
    // Resuming the edited plan with --from would run part of a plan nobody approved.
    expect(r.out).not.toContain('--from');
    expect(r.out).toContain(`run it from the start: proceed run ${plan}`);
    expect(r.out).not.toMatch(/\.\./);
  });

  it('kills the running step and everything it started on Ctrl-C, and exits 1', async () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', `(sleep 300 & echo $! > child.pid; wait)`) + step('two', logged('two')),
    );
    const child = spawn(process.execPath, [BIN, 'run', plan, '--yes'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const pidFile = join(cwd, 'child.pid');
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 100));
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(out).toContain('Interrupted');
    expect(log(cwd)).toEqual([]);
    expect(alive(grandchild)).toBe(false);
  });
});

describe('proceed run on a terminal', () => {
  it('asks "Proceed with execution?" and runs on yes', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = onTerminal(['run', plan], cwd, ['y']);
    expect(r.out).toContain('Proceed with execution? [y/N]');
    expect(r.code, r.out).toBe(0);
    expect(log(cwd)).toEqual(['one']);
  });

  it('runs nothing and exits 1 when the answer is no', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = onTerminal(['run', plan], cwd, ['n']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Not approved');
    expect(log(cwd)).toEqual([]);
  });

  it('pauses at a checkpoint and continues when confirmed', () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', logged('one')) + step('two', logged('two'), '    checkpoint: true\n'),
    );
    const r = onTerminal(['run', plan], cwd, ['y', 'y']);
    expect(r.out).toContain('CHECKPOINT before step 2/2');
    expect(r.code, r.out).toBe(0);
    expect(log(cwd)).toEqual(['one', 'two']);
  });

  it('takes Ctrl-D at the approval question as no, with a message and no internal error', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', logged('one')));
    const r = onTerminal(['run', plan], cwd, [CTRL_D]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('No answer (Ctrl-D): taken as no.');
    expect(r.out).toContain('Not approved');
    expect(r.out).not.toMatch(/internal error|Please report/);
    expect(log(cwd)).toEqual([]);
  });

  it('takes Ctrl-D at a checkpoint as cancel', () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', logged('one')) + step('two', logged('two'), '    checkpoint: true\n'),
    );
    const r = onTerminal(['run', plan], cwd, ['y', CTRL_D]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('No answer (Ctrl-D): taken as "cancel the rest".');
    expect(r.out).not.toMatch(/internal error/);
    expect(log(cwd)).toEqual(['one']);
  });

  it('offers no skip when the plan does not allow it, and says why', () => {
    const cwd = workdir();
    const plan = writePlan(cwd, step('one', 'exit 1') + step('two', logged('two')));
    const r = onTerminal(['run', plan], cwd, ['y', 'c']);
    expect(r.out).toContain('Skipping is off for this plan (config.allow_skip is false).');
    expect(r.out).toContain('Retry or cancel? [r] retry it  [c] cancel the rest');
    expect(r.out).not.toContain('skip it');
    expect(r.code, r.out).toBe(1);
    expect(log(cwd)).toEqual([]);
  });

  it('offers skip when the plan allows it, and skips on "s"', () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', 'exit 1') + step('two', logged('two')),
      'config:\n  allow_skip: true\n',
    );
    const r = onTerminal(['run', plan], cwd, ['y', 's']);
    expect(r.out).toContain('Retry, skip or cancel? [r] retry it  [s] skip it  [c] cancel the rest');
    expect(r.code, r.out).toBe(0);
    expect(log(cwd)).toEqual(['two']);
  });

  it('says why an answer is not one of the choices before asking again', () => {
    const cwd = workdir();
    const plan = writePlan(
      cwd,
      step('one', logged('one')) + step('two', logged('two'), '    checkpoint: true\n'),
    );
    const r = onTerminal(['run', plan], cwd, ['y', 'maybe', 'y']);
    expect(r.out).toContain('"maybe" is not one of the answers; type one of y, p, c.');
    expect(r.code, r.out).toBe(0);
    expect(log(cwd)).toEqual(['one', 'two']);
  });

  it('escalates a failure and retries the step on "r"', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'fail-once'), '');
    const flaky = `${logged('two')}; if [ -e fail-once ]; then rm fail-once; exit 1; fi`;
    const plan = writePlan(cwd, step('one', logged('one')) + step('two', `'${flaky}'`));
    const r = onTerminal(['run', plan], cwd, ['y', 'r']);
    expect(r.out).toContain('STOP: step 2');
    expect(r.code, r.out).toBe(0);
    expect(log(cwd)).toEqual(['one', 'two', 'two']);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signals: look at its state.
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) Z /.test(stat);
}

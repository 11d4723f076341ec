import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecEvent, StepResult } from '../../src/execute/events.js';
import type { ExecuteOptions } from '../../src/execute/executor.js';
import { ALREADY_SUCCEEDED, PlanChangedError, executePlan } from '../../src/execute/executor.js';
import { planHash } from '../../src/plan/hash.js';
import type { PlanInput } from '../../src/plan/schema.js';
import { planSchema } from '../../src/plan/schema.js';
import { isRunning } from './running.js';

type StepInput = PlanInput['steps'][number];

interface Run {
  dir: string;
  events: ExecEvent[];
  /** What the steps appended to $LOG, one word a line. */
  log: () => string[];
}

const scratchDirs: string[] = [];
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

function setup(): Run & { opts: (input: Omit<PlanInput, 'version' | 'title'>) => ExecuteOptions } {
  const dir = scratch('proceed-exec-');
  const events: ExecEvent[] = [];
  const logFile = join(dir, 'log');
  return {
    dir,
    events,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []),
    opts: (input) => {
      const source = JSON.stringify(input);
      return {
        plan: planSchema.parse({ version: 1, title: 'Test plan', ...input }),
        source,
        approvedHash: planHash(source),
        planPath: join(dir, 'test.plan.yml'),
        cwd: dir,
        env: { ...process.env, LOG: logFile },
        killGraceMs: 200,
        onEvent: (e) => void events.push(e),
      };
    },
  };
}

const append = (id: string, extra: Partial<StepInput> = {}): StepInput => ({
  id,
  name: `Step ${id}`,
  run: `echo ${id} >> "$LOG"`,
  ...extra,
});

/** The events without live output, as `type:id`. */
const timeline = (events: ExecEvent[]) =>
  events
    .filter((e) => e.type !== 'step-output')
    .map((e) => {
      if ('step' in e) return `${e.type}:${e.step.id}`;
      if (e.type === 'verify-check-finished') return `${e.type}:${e.result.id}`;
      return e.type;
    });

const statuses = (results: StepResult[]) => results.map((r) => `${r.id}:${r.status}`);
const pidIn = (file: string) => Number(readFileSync(file, 'utf8').trim());

describe('steps run strictly in order', () => {
  it('runs every step once, in order, then verifies', async () => {
    const t = setup();
    const report = await executePlan(t.opts({ steps: [append('one'), append('two'), append('three')] }));
    expect(t.log()).toEqual(['one', 'two', 'three']);
    expect(report.outcome).toBe('verified');
    expect(statuses(report.results)).toEqual(['one:success', 'two:success', 'three:success']);
    expect(timeline(t.events)).toEqual([
      'step-started:one',
      'step-finished:one',
      'step-started:two',
      'step-finished:two',
      'step-started:three',
      'step-finished:three',
      'verify-started',
      'verify-finished',
    ]);
  });

  it('reports each result with its exit code, duration and estimate', async () => {
    const t = setup();
    const report = await executePlan(t.opts({ steps: [append('one', { estimate: '2m' })] }));
    expect(report.results[0]).toMatchObject({
      id: 'one',
      exitCode: 0,
      signal: null,
      estimateMs: 120_000,
      droppedBytes: 0,
    });
    expect(report.results[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('succeeds at once for a step without a command', async () => {
    const t = setup();
    const report = await executePlan(t.opts({ steps: [{ name: 'Think' }, append('two')] }));
    expect(report.results[0]).toMatchObject({ id: 'think', status: 'success', reason: 'no command' });
    expect(t.log()).toEqual(['two']);
  });
});

describe('the environment of a step', () => {
  it('is the base environment, the step env, PROCEED_PLAN, PROCEED_STEP and extraEnv', async () => {
    const t = setup();
    const opts = t.opts({
      steps: [
        {
          id: 'show',
          name: 'Show',
          run: 'echo "$BASE|$NUM|$FLAG|$WORD|$PROCEED_PLAN|$PROCEED_STEP|$PROCEED_PR|$PROCEED_SHA"',
          env: { NUM: 42, FLAG: true, WORD: 'from-step', PROCEED_SHA: 'overridden' },
        },
      ],
    });
    const report = await executePlan({
      ...opts,
      env: { ...opts.env, BASE: 'inherited' },
      extraEnv: { PROCEED_PR: '7', PROCEED_SHA: 'abc123' },
    });
    expect(report.results[0]!.tail).toBe(`inherited|42|true|from-step|${opts.planPath}|show|7|abc123\n`);
  });

  it('has PROCEED_VERIFY and not PROCEED_STEP in the verify phase', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({
        steps: [append('one')],
        verify: { env: 'echo "${PROCEED_STEP:-none} $PROCEED_VERIFY $PROCEED_PLAN"' },
      }),
    );
    expect(report.verify!.checks[0]!.tail).toBe(`none env ${join(t.dir, 'test.plan.yml')}\n`);
  });
});

describe('working-directory', () => {
  it('runs the step in that directory of the repository', async () => {
    const t = setup();
    mkdirSync(join(t.dir, 'db'));
    const report = await executePlan(
      t.opts({ steps: [{ name: 'Where', run: 'pwd', 'working-directory': 'db' }] }),
    );
    expect(report.results[0]!.tail).toBe(`${join(t.dir, 'db')}\n`);
  });

  it('refuses a directory outside the repository without running anything, even in a plan that skipped validation', async () => {
    const t = setup();
    const opts = t.opts({
      steps: [{ name: 'Escape', run: 'echo ran >> "$LOG"', 'working-directory': 'db' }],
    });
    // The plan schema refuses `..` (test/plan/working-directory.test.ts); the executor checks again.
    opts.plan.steps[0]!['working-directory'] = '..';
    const report = await executePlan(opts);
    expect(report.outcome).toBe('failed');
    expect(report.results[0]).toMatchObject({
      status: 'failure',
      reason: 'working-directory ".." leads outside the repository; use a path inside it',
    });
    expect(t.log()).toEqual([]);
  });

  it('refuses a symlink that leads outside the repository', async () => {
    const t = setup();
    symlinkSync(tmpdir(), join(t.dir, 'out'));
    const report = await executePlan(
      t.opts({ steps: [{ name: 'Escape', run: 'echo ran >> "$LOG"', 'working-directory': 'out' }] }),
    );
    expect(report.results[0]!.reason).toMatch(/leads outside the repository/);
    expect(t.log()).toEqual([]);
  });

  it('names a directory that does not exist', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({ steps: [{ name: 'Missing', run: 'true', 'working-directory': 'nope' }] }),
    );
    expect(report.results[0]!.reason).toBe(
      `working directory ${join(t.dir, 'nope')} does not exist; create it in an earlier step or fix working-directory`,
    );
  });
});

describe('a failing step stops the run (stop_on_error)', () => {
  it('never runs the later steps and says where to resume', async () => {
    const t = setup();
    const asked: string[] = [];
    const report = await executePlan({
      ...t.opts({
        steps: [append('one'), append('two', { run: 'echo two >> "$LOG"; exit 7' }), append('three')],
      }),
      onFailure: async (step, result, index) => {
        asked.push(`${step.id}:${result.exitCode}:${index}`);
        return 'stop';
      },
    });
    expect(t.log()).toEqual(['one', 'two']);
    expect(asked).toEqual(['two:7:1']);
    expect(report).toMatchObject({
      outcome: 'failed',
      next: { stepId: 'two', index: 1 },
      reason: 'step "two" failed: exited with code 7',
    });
    expect(report.verify).toBeUndefined();
    expect(timeline(t.events)).toEqual([
      'step-started:one',
      'step-finished:one',
      'step-started:two',
      'step-finished:two',
      'paused:two',
    ]);
  });

  it('stops by default when nobody answers', async () => {
    const t = setup();
    const report = await executePlan(t.opts({ steps: [append('one', { run: 'false' }), append('two')] }));
    expect(report.outcome).toBe('failed');
    expect(t.log()).toEqual([]);
  });

  it('runs a step again on retry and continues after it succeeds', async () => {
    const t = setup();
    const flaky = 'if [ -f attempted ]; then echo flaky >> "$LOG"; else touch attempted; exit 1; fi';
    const report = await executePlan({
      ...t.opts({ steps: [append('flaky', { run: flaky }), append('after')] }),
      onFailure: async () => 'retry',
    });
    expect(report.outcome).toBe('verified');
    expect(statuses(report.results)).toEqual(['flaky:failure', 'flaky:success', 'after:success']);
    expect(t.log()).toEqual(['flaky', 'after']);
    expect(timeline(t.events).slice(0, 4)).toEqual([
      'step-started:flaky',
      'step-finished:flaky',
      'step-started:flaky',
      'step-finished:flaky',
    ]);
  });

  it('skips the step and goes on when the plan allows skipping', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({
        steps: [append('one', { run: 'exit 1' }), append('two')],
        verify: { check: 'echo verified >> "$LOG"' },
        config: { allow_skip: true },
      }),
      onFailure: async () => 'skip',
    });
    expect(report.outcome).toBe('verified');
    expect(statuses(report.results)).toEqual(['one:failure', 'one:skipped', 'two:success']);
    expect(report.results[1]!.reason).toBe('skipped by /skip after it failed');
    expect(t.log()).toEqual(['two', 'verified']);
  });

  it('refuses to skip when the plan does not allow it, and stops', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({ steps: [append('one', { run: 'exit 1' }), append('two')] }),
      onFailure: async () => 'skip',
    });
    expect(report.outcome).toBe('failed');
    expect(report.next).toEqual({ stepId: 'one', index: 0 });
    expect(report.reason).toBe(
      'step "one" failed: exited with code 1; it cannot be skipped: this plan does not allow skipping (config.allow_skip is false)',
    );
    expect(t.log()).toEqual([]);
  });

  it('marks the rest cancelled on cancel', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({ steps: [append('one', { run: 'exit 1' }), append('two'), append('three')] }),
      onFailure: async () => 'cancel',
    });
    expect(report.outcome).toBe('cancelled');
    expect(statuses(report.results)).toEqual(['one:failure', 'two:cancelled', 'three:cancelled']);
    expect(timeline(t.events)).toContain('step-finished:three');
    expect(t.log()).toEqual([]);
  });
});

describe('without stop_on_error', () => {
  it('runs the later steps but never verifies', async () => {
    const t = setup();
    let asked = false;
    const report = await executePlan({
      ...t.opts({
        steps: [append('one', { run: 'exit 2' }), append('two')],
        verify: { check: 'echo verified >> "$LOG"' },
        config: { stop_on_error: false },
      }),
      onFailure: async () => {
        asked = true;
        return 'retry';
      },
    });
    expect(asked).toBe(false);
    expect(t.log()).toEqual(['two']);
    expect(report.outcome).toBe('failed');
    expect(report.verify).toBeUndefined();
    expect(report.next).toEqual({ stepId: 'one', index: 0 });
    expect(report.reason).toMatch(/^step "one" failed: exited with code 2; .*never verified$/);
  });
});

describe('checkpoints', () => {
  const plan = { steps: [append('one'), append('two', { checkpoint: true }), append('three')] };

  it('pause before the step by default and say where to resume', async () => {
    const t = setup();
    const report = await executePlan(t.opts(plan));
    expect(report).toMatchObject({ outcome: 'paused', next: { stepId: 'two', index: 1 } });
    expect(t.log()).toEqual(['one']);
    expect(timeline(t.events)).toEqual(['step-started:one', 'step-finished:one', 'paused:two']);
  });

  it('resume with done and confirmed without running succeeded steps again', async () => {
    const t = setup();
    await executePlan(t.opts(plan));
    t.events.length = 0;
    const report = await executePlan({
      ...t.opts(plan),
      done: new Set(['one']),
      confirmed: new Set(['two']),
      onCheckpoint: () => Promise.reject(new Error('a confirmed checkpoint must not ask again')),
    });
    expect(report.outcome).toBe('verified');
    expect(t.log()).toEqual(['one', 'two', 'three']);
    expect(report.results[0]).toMatchObject({
      id: 'one',
      status: 'success',
      reason: ALREADY_SUCCEEDED,
      durationMs: 0,
    });
    expect(timeline(t.events).filter((e) => e.startsWith('step-'))).toEqual([
      'step-started:two',
      'step-finished:two',
      'step-started:three',
      'step-finished:three',
    ]);
  });

  it('report the earlier result of a done step when given one', async () => {
    const t = setup();
    const earlier: StepResult = {
      id: 'one',
      status: 'success',
      exitCode: 0,
      signal: null,
      startedAt: '2024-01-01T00:00:00.000Z',
      durationMs: 1234,
      tail: 'one\n',
      droppedBytes: 0,
    };
    const report = await executePlan({
      ...t.opts(plan),
      done: new Map([['one', earlier]]),
      confirmed: new Set(['two']),
    });
    expect(report.results[0]).toBe(earlier);
    expect(t.log()).toEqual(['two', 'three']);
  });

  it('run the step when confirmed', async () => {
    const t = setup();
    const asked: string[] = [];
    const report = await executePlan({
      ...t.opts(plan),
      onCheckpoint: async (step, index) => {
        asked.push(`${step.id}:${index}`);
        return 'proceed';
      },
    });
    expect(asked).toEqual(['two:1']);
    expect(report.outcome).toBe('verified');
    expect(t.log()).toEqual(['one', 'two', 'three']);
  });

  it('cancel the step and the rest when cancelled', async () => {
    const t = setup();
    const report = await executePlan({ ...t.opts(plan), onCheckpoint: async () => 'cancel' });
    expect(report).toMatchObject({ outcome: 'cancelled', next: { stepId: 'two', index: 1 } });
    expect(statuses(report.results)).toEqual(['one:success', 'two:cancelled', 'three:cancelled']);
    expect(t.log()).toEqual(['one']);
  });

  it('stop before every step after the first with checkpoint_between_steps', async () => {
    const t = setup();
    const asked: number[] = [];
    await executePlan({
      ...t.opts({
        steps: [append('one'), append('two'), append('three')],
        config: { checkpoint_between_steps: true },
      }),
      onCheckpoint: async (_step, index) => {
        asked.push(index);
        return 'proceed';
      },
    });
    expect(asked).toEqual([1, 2]);
    expect(t.log()).toEqual(['one', 'two', 'three']);
  });
});

describe('a /skip carried into a resume', () => {
  it('skips the step without running it when the plan allows skipping', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({ steps: [append('one'), append('two')], config: { allow_skip: true } }),
      skip: new Set(['one']),
    });
    expect(statuses(report.results)).toEqual(['one:skipped', 'two:success']);
    expect(t.log()).toEqual(['two']);
    expect(report.outcome).toBe('verified');
  });

  it('is refused when the plan does not allow skipping', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({ steps: [append('one'), append('two')] }),
      skip: new Set(['one']),
    });
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/does not allow skipping/);
    expect(t.log()).toEqual([]);
  });
});

describe('a step timeout', () => {
  it('stops the whole process group and reports the step timed out', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({
        steps: [
          append('slow', { run: 'sleep 1000 & echo $! > grandchild; sleep 1000', timeout: '1s' }),
          append('after'),
        ],
      }),
    );
    expect(report.results[0]).toMatchObject({
      status: 'timed-out',
      reason: 'timed out after 1s; its processes were stopped',
    });
    expect(report.outcome).toBe('failed');
    expect(isRunning(pidIn(join(t.dir, 'grandchild')))).toBe(false);
    expect(t.log()).toEqual([]);
  });
});

describe('aborting the execution', () => {
  it('stops the running step with its process group and cancels it and the rest', async () => {
    const t = setup();
    const abort = new AbortController();
    const opts = t.opts({
      steps: [
        append('one'),
        append('two', { run: 'sleep 1000 & echo $! > grandchild; sleep 1000' }),
        append('three'),
      ],
    });
    const report = await executePlan({
      ...opts,
      signal: abort.signal,
      onEvent: (e) => {
        t.events.push(e);
        if (e.type === 'step-started' && e.step.id === 'two') setTimeout(() => abort.abort('PR closed'), 200);
      },
    });
    expect(report).toMatchObject({
      outcome: 'cancelled',
      reason: 'PR closed',
      next: { stepId: 'two', index: 1 },
    });
    expect(statuses(report.results)).toEqual(['one:success', 'two:cancelled', 'three:cancelled']);
    expect(isRunning(pidIn(join(t.dir, 'grandchild')))).toBe(false);
    expect(t.log()).toEqual(['one']);
  });

  it('cancels while waiting at a checkpoint', async () => {
    const t = setup();
    const abort = new AbortController();
    const report = await executePlan({
      ...t.opts({ steps: [append('one', { checkpoint: true })] }),
      signal: abort.signal,
      onCheckpoint: () => {
        setTimeout(() => abort.abort(), 50);
        return new Promise(() => undefined); // nobody ever answers
      },
    });
    expect(report.outcome).toBe('cancelled');
    expect(statuses(report.results)).toEqual(['one:cancelled']);
  });

  it('cancels the verify phase', async () => {
    const t = setup();
    const abort = new AbortController();
    const report = await executePlan({
      ...t.opts({ steps: [append('one')], verify: { slow: 'sleep 1000', after: 'echo after >> "$LOG"' } }),
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'verify-started') setTimeout(() => abort.abort(), 100);
      },
    });
    expect(report.outcome).toBe('cancelled');
    expect(report.verify).toMatchObject({ status: 'cancelled' });
    expect(statuses(report.verify!.checks)).toEqual(['slow:cancelled', 'after:cancelled']);
    expect(t.log()).toEqual(['one']);
  });
});

describe('a missing interpreter', () => {
  it('fails the step with what to install', async () => {
    const t = setup();
    const opts = t.opts({ steps: [append('one')] });
    const report = await executePlan({
      ...opts,
      env: { PATH: scratch('proceed-empty-') },
    });
    expect(report.outcome).toBe('failed');
    expect(report.results[0]!.reason).toMatch(
      /^bash was not found on PATH, and shell: bash needs it; install bash/,
    );
  });
});

describe('a plan that is not the approved one', () => {
  it('is refused before anything runs', async () => {
    const t = setup();
    const opts = t.opts({ steps: [append('one')] });
    const run = executePlan({ ...opts, source: `${opts.source}\n# edited` });
    await expect(run).rejects.toBeInstanceOf(PlanChangedError);
    await expect(run).rejects.toThrow(/is not the plan that was approved .* nothing was run/);
    expect(t.log()).toEqual([]);
    expect(t.events).toEqual([]);
  });
});

describe('the guard', () => {
  it('stops the run before the next step with its reason', async () => {
    const t = setup();
    let calls = 0;
    const report = await executePlan({
      ...t.opts({ steps: [append('one'), append('two'), append('three')] }),
      guard: async () => (++calls > 1 ? 'the head moved to def456 during execution' : undefined),
    });
    expect(report).toMatchObject({
      outcome: 'failed',
      reason: 'the head moved to def456 during execution',
      next: { stepId: 'two', index: 1 },
    });
    expect(t.log()).toEqual(['one']);
  });

  it('stops the run when it cannot answer', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({ steps: [append('one')] }),
      guard: () => Promise.reject(new Error('API unreachable')),
    });
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(
      /could not confirm that the plan and head are unchanged \(API unreachable\)/,
    );
    expect(t.log()).toEqual([]);
  });

  it('is asked before the verify phase', async () => {
    const t = setup();
    let calls = 0;
    const report = await executePlan({
      ...t.opts({ steps: [append('one')], verify: { check: 'echo verified >> "$LOG"' } }),
      guard: async () => (++calls === 2 ? 'plan changed' : undefined),
    });
    expect(report).toMatchObject({ outcome: 'failed', reason: 'plan changed' });
    expect(t.log()).toEqual(['one']);
  });
});

describe('the verify phase', () => {
  it('runs every verification even after one fails, and fails the run', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({
        steps: [append('one')],
        verify: {
          first: 'echo first >> "$LOG"; exit 1',
          second: { run: 'echo second >> "$LOG"' },
          third: { run: 'sleep 1000', timeout: '1s' },
        },
      }),
    );
    expect(report.outcome).toBe('verify-failed');
    expect(report.reason).toBe('verification failed: first, third');
    expect(report.verify!.status).toBe('failure');
    expect(statuses(report.verify!.checks)).toEqual(['first:failure', 'second:success', 'third:timed-out']);
    expect(t.log()).toEqual(['one', 'first', 'second']);
    expect(timeline(t.events).slice(2)).toEqual([
      'verify-started',
      'verify-check-finished:first',
      'verify-check-finished:second',
      'verify-check-finished:third',
      'verify-finished',
    ]);
  });

  it('verifies when every verification passes, using the given verify phase over the plan’s', async () => {
    const t = setup();
    const report = await executePlan({
      ...t.opts({ steps: [append('one')], verify: { plan: 'exit 1' } }),
      verify: { policy: 'echo policy >> "$LOG"', plan: 'echo plan >> "$LOG"' },
    });
    expect(report.outcome).toBe('verified');
    expect(t.log()).toEqual(['one', 'policy', 'plan']);
    expect(t.events.find((e) => e.type === 'verify-started')).toEqual({
      type: 'verify-started',
      names: ['policy', 'plan'],
    });
  });
});

describe('secrets', () => {
  it('are masked in the tail and in live output', async () => {
    const t = setup();
    const opts = t.opts({ steps: [{ name: 'Leak', run: 'echo "token: $TOKEN"' }] });
    const report = await executePlan({
      ...opts,
      env: { ...opts.env, TOKEN: 'ghp_abcdef123456' },
      secrets: ['ghp_abcdef123456'],
    });
    expect(report.results[0]!.tail).toBe('token: ***\n');
    const live = t.events.flatMap((e) => (e.type === 'step-output' ? [e.chunk] : [])).join('');
    expect(live).toBe('token: ***\n');
  });
});

describe('events', () => {
  it('are awaited in order, with all of a step’s output before its step-finished', async () => {
    const t = setup();
    const seen: string[] = [];
    let busy = false;
    const report = await executePlan({
      ...t.opts({
        steps: [{ id: 'talk', name: 'Talk', run: 'for i in 1 2 3 4 5; do echo "line $i"; sleep 0.02; done' }],
      }),
      onEvent: async (e) => {
        expect(busy).toBe(false); // never called while a previous call is still pending
        busy = true;
        seen.push(e.type === 'step-output' ? `output:${e.chunk}` : e.type);
        await new Promise((r) => setTimeout(r, 30));
        busy = false;
      },
    });
    expect(report.outcome).toBe('verified');
    const output = seen.filter((s) => s.startsWith('output:'));
    expect(output.map((s) => s.slice('output:'.length)).join('')).toBe(
      'line 1\nline 2\nline 3\nline 4\nline 5\n',
    );
    expect(seen[0]).toBe('step-started');
    expect(seen.indexOf('step-finished')).toBe(1 + output.length);
  });
});

describe('background processes a step leaves running', () => {
  it('serve later steps and are stopped when the execution ends', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({
        steps: [
          append('start', { run: 'sleep 1000 > /dev/null 2>&1 & echo $! > server' }),
          append('use', { run: 'kill -0 "$(cat server)" && echo alive >> "$LOG"' }),
        ],
      }),
    );
    expect(report.outcome).toBe('verified');
    expect(t.log()).toEqual(['alive']);
    expect(isRunning(pidIn(join(t.dir, 'server')))).toBe(false);
  });
});

describe('the output FIFOs of an execution', () => {
  it('are made by one mkfifo for every command expected, again only for a retry, leaving no files behind', async () => {
    const t = setup();
    const bin = scratch('proceed-mkfifo-');
    const calls = join(bin, 'calls');
    const real = execFileSync('sh', ['-c', 'command -v mkfifo'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'mkfifo'), `#!/bin/sh\necho "$*" >> '${calls}'\nexec '${real}' "$@"\n`, {
      mode: 0o755,
    });
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    let report;
    try {
      report = await executePlan({
        ...t.opts({
          steps: [
            append('one'),
            append('flaky', { run: 'test -e tried || { touch tried; exit 1; }' }),
            append('three'),
          ],
          verify: { check: 'true' },
        }),
        onFailure: async () => 'retry',
      });
    } finally {
      process.env.PATH = path;
    }
    expect(report.outcome).toBe('verified');
    const made = readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').slice(2));
    // 3 steps and 1 verification up front; the retry's command needed one more.
    expect(made.map((paths) => paths.length)).toEqual([4, expect.any(Number)]);
    expect(existsSync(dirname(made[0]![0]!))).toBe(false);
  });

  it.runIf(process.platform === 'linux')('are not open in any other command', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({
        steps: [append('one'), append('lists', { run: 'ls -l /proc/$$/fd | grep -c proceed-output-' })],
      }),
    );
    // stdout and stderr, its own FIFO, and no other one.
    expect(report.results[1]?.tail).toBe('2\n');
  });

  it('are one per command: a background process of a step does not write into the next step', async () => {
    const t = setup();
    const report = await executePlan(
      t.opts({
        steps: [
          append('leaves', { run: '(sleep 0.3; touch wrote; echo late; echo later >&2) & echo early' }),
          append('next', { run: 'until [ -e wrote ]; do sleep 0.02; done; sleep 0.2; echo own' }),
        ],
      }),
    );
    expect(report.results.map((r) => r.tail)).toEqual(['early\n', 'own\n']);
  });
});

describe('processes that leave the step behind', () => {
  it.runIf(process.platform === 'linux')(
    'are gone when the execution ends, whether started with setsid, nohup or a double fork',
    async () => {
      const t = setup();
      const report = await executePlan(
        t.opts({
          steps: [
            append('detach', {
              run: [
                'setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo $! > setsid.pid',
                'nohup sleep 1000 > /dev/null 2>&1 & echo $! > nohup.pid',
                "( setsid sh -c 'sleep 1000 & echo $! > daemon.pid' & ) > /dev/null 2>&1",
                'until [ -s daemon.pid ]; do sleep 0.02; done',
              ].join('\n'),
            }),
            append('check', {
              run: 'for f in setsid nohup daemon; do kill -0 "$(cat $f.pid)" && echo "$f" >> "$LOG"; done',
            }),
          ],
        }),
      );
      expect(report.outcome).toBe('verified');
      // They ran for the next step, as a server would …
      expect(t.log()).toEqual(['setsid', 'nohup', 'daemon']);
      // … and none outlives the execution, though two left the step's process group.
      for (const f of ['setsid', 'nohup', 'daemon']) {
        expect(isRunning(pidIn(join(t.dir, `${f}.pid`))), f).toBe(false);
      }
    },
  );
});

/**
 * The publisher beside the work (src/gate/publisher.ts) and the step check runs it carries
 * (src/gate/run-checks.ts). GitHub is a port whose every write waits until the test lets it answer,
 * so what is in flight, what coalesces and in which order writes go out is decided by the test,
 * never by timing: no sleeps, no clock.
 */
import { describe, expect, it } from 'vitest';
import type { ExecEvent, StepResult } from '../../src/execute/events.js';
import type { Step } from '../../src/plan/schema.js';
import type { ValidView } from '../../src/gate/decide.js';
import type { CheckRunInput, GitHubPort } from '../../src/gate/port.js';
import { createPublisher, flushed, until } from '../../src/gate/publisher.js';
import { publishEvent } from '../../src/gate/run-checks.js';
import type { GateEnv } from '../../src/gate/view.js';

/** Writes that wait for `answer()`: each is recorded when sent, and answered in order. */
function heldWrites() {
  const sent: string[] = [];
  const waiting: (() => void)[] = [];
  let failNext: Error | undefined;
  const write = (what: string) => async () => {
    sent.push(what);
    await new Promise<void>((resolve) => waiting.push(resolve));
    if (failNext) {
      const err = failNext;
      failNext = undefined;
      throw err;
    }
  };
  /** Lets the oldest write in flight answer, once it has been sent. */
  const answer = async () => {
    for (let i = 0; !waiting.length; i++) {
      if (i > 1_000) throw new Error(`nothing in flight to answer (sent so far: ${sent.join(', ')})`);
      await Promise.resolve();
    }
    waiting.shift()!();
    // Let the publisher see the answer and send what comes next.
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { sent, write, answer, fail: (err: Error) => (failNext = err), inFlight: () => waiting.length };
}

/** Lets queued microtasks run (the publisher starts on one). */
async function turn(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('the publisher', () => {
  it('sends only the newest wanted state of an object that has not gone out yet', async () => {
    const gh = heldWrites();
    const p = createPublisher();
    p.want('step', gh.write('in_progress'));
    p.want('step', gh.write('completed'));
    const flushing = p.flush();
    await gh.answer();
    await flushing;
    expect(gh.sent).toEqual(['completed']);
  });

  it('never sends two states of one object at once, nor out of order; the newest replaces those waiting', async () => {
    const gh = heldWrites();
    const p = createPublisher();
    p.want('gate', gh.write('queued'));
    await turn();
    expect(gh.sent).toEqual(['queued']);
    p.want('gate', gh.write('in_progress'));
    p.want('gate', gh.write('success'));
    await turn();
    expect(gh.inFlight()).toBe(1);
    await gh.answer();
    expect(gh.sent).toEqual(['queued', 'success']);
    await gh.answer();
    await p.flush();
    expect(gh.sent).toEqual(['queued', 'success']);
  });

  it('sends one write at a time, objects in the order they were wanted, the one settled for first', async () => {
    const gh = heldWrites();
    const p = createPublisher();
    p.want('review', gh.write('review'));
    p.want('reaction', gh.write('reaction'));
    p.want('step-1', gh.write('step-1'));
    await turn();
    expect(gh.sent).toEqual(['review']);
    const settled = p.settle('step-1');
    let done = false;
    void settled.then(() => (done = true));
    await gh.answer();
    expect(gh.sent).toEqual(['review', 'step-1']);
    expect(done).toBe(false);
    await gh.answer();
    await settled;
    expect(gh.sent).toEqual(['review', 'step-1', 'reaction']);
    await gh.answer();
    await p.flush();
  });

  it('settles an object whose write is in flight once that write is answered', async () => {
    const gh = heldWrites();
    const p = createPublisher();
    p.want('step', gh.write('in_progress'));
    await turn();
    p.want('step', gh.write('completed'));
    const settled = p.settle('step');
    await gh.answer();
    expect(gh.sent).toEqual(['in_progress', 'completed']);
    await gh.answer();
    await settled;
    await expect(p.settle('nothing wanted')).resolves.toBeUndefined();
  });

  it('tells a failed write when it is settled for or flushed, and forgets it once a newer state of the object went out', async () => {
    const gh = heldWrites();
    const p = createPublisher();
    gh.fail(new Error('Server Error (HTTP 500)'));
    p.want('step', gh.write('in_progress'));
    const settled = p.settle('step');
    await gh.answer();
    await expect(settled).rejects.toThrow('Server Error (HTTP 500)');
    await expect(p.flush()).rejects.toThrow('Server Error (HTTP 500)');
    p.want('step', gh.write('completed'));
    const again = p.flush();
    await gh.answer();
    await expect(again).resolves.toBeUndefined();
  });

  it('flushes on the failure path too, and throws the error that stopped the work', async () => {
    const gh = heldWrites();
    const p = createPublisher();
    const work = flushed(p, async () => {
      p.want('review', gh.write('review'));
      throw new Error('the step runner broke');
    });
    await gh.answer();
    await expect(work).rejects.toThrow('the step runner broke');
    expect(gh.sent).toEqual(['review']);
    expect(gh.inFlight()).toBe(0);
  });

  it('holds what nobody waits for until the budget has room, so a state that became stale meanwhile is never sent', async () => {
    const gh = heldWrites();
    let room!: () => void;
    const p = createPublisher({ room: () => new Promise<void>((resolve) => (room = resolve)) });
    p.want('step-1', gh.write('step-1 in_progress'));
    await turn();
    expect(gh.sent).toEqual([]);
    // The step finishes before the budget has room: its result goes at once, and only it.
    p.want('step-1', gh.write('step-1 completed'));
    const settled = p.settle('step-1');
    await gh.answer();
    await settled;
    expect(gh.sent).toEqual(['step-1 completed']);
    // A write nobody waits for goes once there is room…
    p.want('review', gh.write('review'));
    await turn();
    expect(gh.sent).toEqual(['step-1 completed']);
    room();
    await gh.answer();
    expect(gh.sent).toEqual(['step-1 completed', 'review']);
    // …or when the job ends: a flush sends everything without waiting for room.
    p.want('gate', gh.write('gate'));
    const flushing = p.flush();
    await gh.answer();
    await flushing;
    expect(gh.sent).toEqual(['step-1 completed', 'review', 'gate']);
  });

  it('drops what is not sent yet once the lock is lost', async () => {
    const gh = heldWrites();
    let lost = false;
    const p = until(createPublisher(), () => lost);
    p.want('review', gh.write('review'));
    p.want('gate', gh.write('gate'));
    await turn();
    lost = true;
    await gh.answer();
    await p.flush();
    expect(gh.sent).toEqual(['review']);
  });
});

// --- the step check runs -------------------------------------------------------------------------

const SHA = 'a'.repeat(40);
const step = (id: string): Step => ({ id, name: `Step ${id}`, run: 'true' }) as unknown as Step;
const view = {
  pr: { number: 7, headSha: SHA },
  plan: { hash: 'h'.repeat(64), plan: { steps: [step('one'), step('two')] } },
} as unknown as ValidView;

function result(id: string, status: StepResult['status'] = 'success'): StepResult {
  return {
    id,
    status,
    exitCode: status === 'success' ? 0 : 1,
    signal: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 5,
    tail: '',
    droppedBytes: 0,
  };
}

/** A port whose check-run writes are recorded and held like `heldWrites`. */
function checkPort() {
  const gh = heldWrites();
  const calls: { op: 'create' | 'update'; id?: number; input: Partial<CheckRunInput> }[] = [];
  let next = 100;
  const port = {
    createCheckRun: async (input: CheckRunInput) => {
      calls.push({ op: 'create', input });
      await gh.write(`create ${input.status}`)();
      return { id: next++, url: '' };
    },
    updateCheckRun: async (id: number, input: Partial<CheckRunInput>) => {
      calls.push({ op: 'update', id, input });
      await gh.write(`update ${id} ${input.status}`)();
    },
  } as unknown as GitHubPort;
  const env: GateEnv = {
    port,
    botLogin: 'github-actions[bot]',
    planGlobs: [],
    policyPath: '',
    log: () => undefined,
    now: () => new Date('2026-01-01T00:00:01.000Z'),
  };
  return { gh, calls, env };
}

const started = (id: string, index: number): ExecEvent => ({
  type: 'step-started',
  step: step(id),
  index,
  startedAt: '2026-01-01T00:00:00.000Z',
});
const finished = (id: string, index: number): ExecEvent => ({
  type: 'step-finished',
  step: step(id),
  index,
  result: result(id),
});

describe('step check runs through the publisher', () => {
  it('creates a step that finished before its in_progress create went out once, completed', async () => {
    const { gh, calls, env } = checkPort();
    const p = createPublisher();
    const runs = new Map<string, number>();
    // The review's "executing" is in flight when the step starts, so its check run waits behind it.
    p.want('review', gh.write('review'));
    await turn();
    await publishEvent(env, view, [], runs, started('one', 0), p);
    const result = publishEvent(env, view, [], runs, finished('one', 0), p);
    await gh.answer();
    await gh.answer();
    await result;
    expect(gh.sent).toEqual(['review', 'create completed']);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.input).toMatchObject({
      name: 'proceed/one',
      status: 'completed',
      conclusion: 'success',
      startedAt: '2026-01-01T00:00:00.000Z',
      externalId: expect.stringContaining('one'),
    });
  });

  it('does not wait for a step’s in_progress check run, but waits for its result before the next step', async () => {
    const { gh, env } = checkPort();
    const p = createPublisher();
    const runs = new Map<string, number>();
    // Returns with the create still in flight: the step starts at once.
    await publishEvent(env, view, [], runs, started('one', 0), p);
    await turn();
    expect(gh.sent).toEqual(['create in_progress']);
    let resultWritten = false;
    const result = publishEvent(env, view, [], runs, finished('one', 0), p).then(
      () => (resultWritten = true),
    );
    await gh.answer();
    expect(gh.sent).toEqual(['create in_progress', 'update 100 completed']);
    expect(resultWritten).toBe(false);
    await gh.answer();
    await result;
    // The next step's in_progress goes out as a check run of its own.
    await publishEvent(env, view, [], runs, started('two', 1), p);
    const flushing = p.flush();
    await gh.answer();
    await flushing;
    expect(gh.sent).toEqual(['create in_progress', 'update 100 completed', 'create in_progress']);
    expect(runs.get('two')).toBe(101);
    expect(runs.has('one')).toBe(false);
  });

  it('edits the in-progress check run with the result only, not its name, commit or start', async () => {
    const { gh, calls, env } = checkPort();
    const p = createPublisher();
    const runs = new Map<string, number>();
    await publishEvent(env, view, [], runs, started('one', 0), p);
    await gh.answer();
    const result = publishEvent(env, view, [], runs, finished('one', 0), p);
    await gh.answer();
    await result;
    const edit = calls.find((c) => c.op === 'update')!;
    expect(edit.id).toBe(100);
    expect(Object.keys(edit.input).sort()).toEqual(
      ['completedAt', 'conclusion', 'status', 'summary', 'text', 'title'].sort(),
    );
  });
});

/**
 * PR closed mid-run: while step two of three runs, the pull request is closed and its `closed` event
 * handled by another Action run, as GitHub would start it. The running step's processes must stop,
 * the steps after it be marked cancelled without running, and the pull request's lock be released.
 */
import { count, firstOf, seededRandom, type Row, type RowContext, type RowResult } from '../row.js';
import { ActionScene } from '../../test/support/action-scene.js';
import { tracedPlan } from '../../test/support/traced-plans.js';
import { processGroupAlive, sleep, until } from '../../test/support/processes.js';

/** Step two runs until the test removes $HOLD_FLAG (or for a minute), printing as it goes. */
const HOLD =
  'touch "$HOLD_FLAG"; for i in $(seq 1 1200); do [ -e "$HOLD_FLAG" ] || break; echo "tick $i"; sleep 0.05; done';

interface Outcome {
  problems: string[];
  stopMs: number;
}

async function closeDuringStepTwo(delayMs: number): Promise<Outcome> {
  const s = await ActionScene.create({
    plan: tracedPlan({ steps: [{ id: 'one' }, { id: 'two', body: HOLD }, { id: 'three' }] }),
  });
  try {
    await s.pullRequest('opened');
    const run = s.startComment('bob', '/proceed');
    await until(() => s.trace().some((e) => e.id === 'two'), 30_000, 'step two to start');
    await sleep(delayMs);
    const pgid = s.trace().find((e) => e.id === 'two')!.pid!;
    const closedAt = performance.now();
    s.fake.setPullRequestState(s.number, 'closed');
    const closing = s.pullRequest('closed');
    await until(() => !processGroupAlive(pgid), 60_000, "step two's processes to stop");
    const stopMs = performance.now() - closedAt;
    const [running, closed] = await Promise.all([run.exit, closing]);
    const problems: string[] = [];
    const started = s
      .trace()
      .filter((e) => e.kind === 'start')
      .map((e) => e.id);
    if (started.includes('three') || started.includes('verify'))
      problems.push(`ran after the close: ${started.join(', ')}`);
    const newest = (name: string) => s.checks(name).at(-1);
    if (newest('proceed/two')?.conclusion !== 'cancelled')
      problems.push(
        `proceed/two is ${newest('proceed/two')?.status}/${newest('proceed/two')?.conclusion}, not cancelled`,
      );
    if (newest('proceed/three')?.conclusion !== 'cancelled')
      problems.push(`proceed/three is ${newest('proceed/three')?.conclusion ?? 'absent'}, not cancelled`);
    if (newest('proceed/verify')?.conclusion === 'success') problems.push('proceed/verify passed');
    const locks = s.fake.refs().filter((r) => r.ref.includes('proceed/locks'));
    if (locks.length) problems.push(`lock not released: ${locks.map((l) => l.ref).join(', ')}`);
    if (s.state()?.state !== 'cancelled') problems.push(`the review says ${s.state()?.state}, not cancelled`);
    if (running.code !== 0 || closed.code !== 0)
      problems.push(
        `Action exit codes ${running.code} (running) and ${closed.code} (closed): ${running.tail.slice(-200)}`,
      );
    problems.push(...s.violations());
    return { problems, stopMs };
  } finally {
    await s.dispose();
  }
}

export const closedMidRun: Row = {
  name: 'PR closed mid-run',
  bar: 'current step stopped, rest cancelled, lock released',
  how:
    'The Action bundle runs a three-step plan against the fake GitHub; step two prints a line every 50 ms until told to stop (at most a ' +
    'minute). At a random moment in step two the pull request is closed and its `closed` event handled by a second Action process. ' +
    "Measured: the time until no process of step two's process group is left (the running execution polls every 100 ms here, " +
    '`PROCEED_POLL_INTERVAL_MS`; 10 s by default), whether steps three and verify ever started, the conclusions of the step check ' +
    'runs, and whether the lock ref `refs/proceed/locks/pr-N` is gone.',
  async run(ctx: RowContext): Promise<RowResult> {
    const random = seededRandom(ctx.seed);
    const runs = ctx.short ? 1 : 5;
    const outcomes: Outcome[] = [];
    for (let i = 0; i < runs; i++) outcomes.push(await closeDuringStepTwo(Math.round(random() * 500)));
    const failed = outcomes.filter((o) => o.problems.length);
    const worst = Math.max(...outcomes.map((o) => o.stopMs));
    return {
      row: this.name,
      figure: `${count(runs - failed.length)} of ${count(runs)} closes: step stopped (within ${Math.round(worst)} ms), rest cancelled, lock released`,
      bar: this.bar,
      ok: failed.length === 0,
      detail: firstOf(failed.flatMap((o) => o.problems)),
    };
  },
};

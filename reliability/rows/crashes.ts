/**
 * Crashes: the runner dies (SIGKILL of the Action process and of the running step's process group,
 * as when a machine goes) at a random point in each step, then someone allowed comments `/proceed`
 * again. What GitHub showed as succeeded when the runner died must never run again, and the resumed
 * run must bring every step to success: none lost.
 */
import { count, firstOf, inPool, seededRandom, type Row, type RowContext, type RowResult } from '../row.js';
import { ActionScene } from '../support/action-scene.js';
import { tracedPlan } from '../support/plans.js';
import { killGroup, sleep, until } from '../support/processes.js';

const STEPS = ['one', 'two', 'three'];
/** Each step works for this long, so a kill lands inside it or in the API calls just after it. */
const STEP_MS = 300;

interface Outcome {
  target: string;
  delayMs: number;
  problems: string[];
  /** Steps GitHub showed as succeeded at the kill. */
  succeededAtKill: number;
}

async function crashIn(target: string, delayMs: number): Promise<Outcome> {
  const s = await ActionScene.create({
    plan: tracedPlan({ steps: STEPS.map((id) => ({ id, body: `sleep ${STEP_MS / 1000}` })) }),
  });
  try {
    const run = s.startComment('bob', '/proceed');
    await until(() => s.trace().some((e) => e.id === target), 30_000, `${target} to start`);
    await sleep(delayMs);
    // The machine goes: the Action and whatever step is running.
    run.child.kill('SIGKILL');
    for (const e of s.trace()) if (e.kind === 'start' && e.pid) killGroup(e.pid);
    await run.exit;
    const killedAt = s.trace().length;
    const succeeded = STEPS.filter((id) => s.checks(`proceed/${id}`).some((c) => c.conclusion === 'success'));
    const problems: string[] = [];
    const resumed = await s.comment('bob', '/proceed');
    const after = s.trace().slice(killedAt);
    for (const id of succeeded) {
      const again = after.filter((e) => e.kind === 'start' && e.id === id).length;
      if (again) problems.push(`killed at +${delayMs} ms into ${target}: ${id} had succeeded and ran ${again} more time(s)`);
    }
    for (const id of STEPS) {
      if (s.checks(`proceed/${id}`).at(-1)?.conclusion !== 'success')
        problems.push(`killed at +${delayMs} ms into ${target}: ${id} did not end in success (${s.checks(`proceed/${id}`).at(-1)?.conclusion ?? 'no check run'})`);
    }
    if (s.state()?.state !== 'verified')
      problems.push(`killed at +${delayMs} ms into ${target}: the resumed plan ended ${s.state()?.state} — ${resumed.tail.slice(-240).replace(/\s+/g, ' ')}`);
    problems.push(...s.violations());
    return { target, delayMs, problems, succeededAtKill: succeeded.length };
  } finally {
    await s.dispose();
  }
}

export const crashes: Row = {
  name: 'crashes',
  bar: 'no succeeded step runs again; no step lost',
  how:
    `The Action bundle runs a plan of three steps (each works ${STEP_MS} ms) and a verification. For each step, and for the verify ` +
    `phase, the Action process and the running step's process group are killed with SIGKILL at a random moment from the step's start ` +
    `to ${STEP_MS + 200} ms later (inside the step, or in the API calls after it); its workflow run is then completed, as GitHub ` +
    'would show it, and `/proceed` is commented again. Measured from the steps\' own trace: whether any step whose check run showed ' +
    'success at the kill started again, and whether every step ended in success with the plan verified. Only the Action is killed: ' +
    'the app holds the lock as an app instance, which a later run may take over only after the plan\'s time limit, so a crashed app ' +
    'replica is not resumed by `/proceed` within this suite.',
  async run(ctx: RowContext): Promise<RowResult> {
    const random = seededRandom(ctx.seed);
    const points = ctx.short ? 1 : 3;
    const cases = [...STEPS, 'verify'].flatMap((target) =>
      Array.from({ length: points }, () => ({ target, delayMs: Math.round(random() * (STEP_MS + 200)) })),
    );
    const outcomes = await inPool(cases, 2, (c) => crashIn(c.target, c.delayMs));
    const failed = outcomes.filter((o) => o.problems.length);
    const reruns = outcomes.flatMap((o) => o.problems).filter((p) => /ran \d+ more/.test(p)).length;
    const lost = outcomes.flatMap((o) => o.problems).filter((p) => /did not end in success/.test(p)).length;
    return {
      row: this.name,
      figure:
        `${count(cases.length)} kills (${points} per step and verify): ${reruns} succeeded steps ran again, ${lost} steps lost; ` +
        `${count(outcomes.length - failed.length)} of ${count(outcomes.length)} resumed to verified`,
      bar: this.bar,
      ok: failed.length === 0,
      detail: firstOf(failed.flatMap((o) => o.problems)),
    };
  },
};

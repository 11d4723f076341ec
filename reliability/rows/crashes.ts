/**
 * Crashes: the runner dies (SIGKILL of the Action process and of the running step's process group,
 * as when a machine goes) at a random point in each step, then someone allowed comments `/proceed`
 * again. What GitHub showed as succeeded when the runner died must never run again, and the resumed
 * run must bring every step to success: none lost.
 */
import { randomUUID } from 'node:crypto';
import { pullRequestEvent } from '../../test/support/payloads.js';
import { count, firstOf, inPool, seededRandom, type Row, type RowContext, type RowResult } from '../row.js';
import { ActionScene } from '../../test/support/action-scene.js';
import { MISSED_BEATS } from '../../src/gate/lock.js';
import {
  APP,
  APP_BOT,
  startReplica,
  type AppProcessInput,
  type Replica,
} from '../../test/support/app-replica.js';
import { tracedPlan } from '../../test/support/traced-plans.js';
import { killGroup, sleep, until } from '../../test/support/processes.js';

const STEPS = ['one', 'two', 'three'];
/** Each step works for this long, so a kill lands inside it or in the API calls just after it. */
const STEP_MS = 300;

type Door = 'Action' | 'app';

interface Outcome {
  door: Door;
  target: string;
  delayMs: number;
  problems: string[];
  /** Steps GitHub showed as succeeded at the kill. */
  succeededAtKill: number;
}

/** A runner of one `/proceed`: the Action in its own process, or a replica of the app given the comment's webhook. */
interface Runner {
  pid: number;
  kill(): void;
  exit: Promise<unknown>;
}

/** The app replicas' heartbeat: a killed replica's lock is free after `MISSED_BEATS` of them. */
const HEARTBEAT_MS = 200;

function appReplica(s: ActionScene, deliveries: AppProcessInput['deliveries']): Replica {
  return startReplica({
    apiUrl: s.fake.url,
    gitUrl: s.remote.serverUrl,
    stepEnv: { RUN_LOG: s.tracePath },
    deliveries,
    sequential: true,
    lockHeartbeatMs: HEARTBEAT_MS,
  });
}

/** The plan rendered by a replica of the app, as when the pull request opened. */
async function renderByApp(s: ActionScene): Promise<void> {
  const replica = appReplica(s, [
    {
      id: randomUUID(),
      name: 'pull_request',
      payload: pullRequestEvent('opened', {
        number: s.number,
        user: s.author,
        headSha: s.head,
        baseSha: s.remote.baseSha,
      }),
    },
  ]);
  await replica.ready;
  replica.go();
  const errors = await replica.done;
  if (errors.length) throw new Error(`the app could not render the plan: ${errors.join('; ')}`);
}

async function proceedBy(door: Door, s: ActionScene): Promise<Runner> {
  if (door === 'Action') {
    const run = s.startComment('bob', '/proceed');
    return { pid: run.pid, kill: () => run.child.kill('SIGKILL'), exit: run.exit };
  }
  const c = s.fake.addComment(s.number, { user: 'bob', body: '/proceed' });
  const replica = appReplica(s, [s.commentDelivery(c)]);
  await replica.ready;
  replica.go();
  return { pid: replica.child.pid!, kill: () => replica.child.kill('SIGKILL'), exit: replica.done };
}

async function crashIn(door: Door, target: string, delayMs: number): Promise<Outcome> {
  const s = await ActionScene.create({
    plan: tracedPlan({ steps: STEPS.map((id) => ({ id, body: `sleep ${STEP_MS / 1000}` })) }),
    ...(door === 'app' ? { fake: { app: APP }, botLogin: APP_BOT } : {}),
  });
  const where = `${door} killed at +${delayMs} ms into ${target}`;
  try {
    // The plan is rendered first, as on any pull request: a command about a plan the bot never showed is refused.
    if (door === 'Action') await s.pullRequest('opened');
    else await renderByApp(s);
    const run = await proceedBy(door, s);
    await until(() => s.trace().some((e) => e.id === target), 30_000, `${target} to start`);
    await sleep(delayMs);
    // The machine goes: the runner and whatever step is running.
    run.kill();
    for (const e of s.trace()) if (e.kind === 'start' && e.pid) killGroup(e.pid);
    await run.exit;
    const killedAt = s.trace().length;
    const succeeded = STEPS.filter((id) => s.checks(`proceed/${id}`).some((c) => c.conclusion === 'success'));
    const problems: string[] = [];
    // A killed replica sends no more heartbeats; its lock is free once MISSED_BEATS are missed (a
    // /proceed before then is refused, naming when it was last seen). The Action's is free at once:
    // GitHub shows its workflow run completed.
    if (door === 'app') await sleep(MISSED_BEATS * HEARTBEAT_MS + 100);
    // Someone allowed says /proceed again: to a fresh Action run, or to another replica of the app.
    const resume = await proceedBy(door, s);
    await resume.exit;
    const after = s.trace().slice(killedAt);
    for (const id of succeeded) {
      const again = after.filter((e) => e.kind === 'start' && e.id === id).length;
      if (again) problems.push(`${where}: ${id} had succeeded and ran ${again} more time(s)`);
    }
    const lost = STEPS.filter((id) => s.checks(`proceed/${id}`).at(-1)?.conclusion !== 'success');
    if (lost.length) {
      const answer =
        s.fake
          .comments(s.number)
          .filter((c) => c.user === s.botLogin)
          .at(-1)?.body ?? '';
      const why = /already being executed by (.*?);/.exec(answer)?.[1];
      problems.push(
        `${where}: ${lost.length} step(s) did not end in success after /proceed (${lost.join(', ')})` +
          (why ? `: refused, the lock is still held by the killed ${why}` : ''),
      );
    }
    if (s.state()?.state !== 'verified' && !lost.length)
      problems.push(`${where}: the resumed plan ended ${s.state()?.state}`);
    problems.push(...s.violations());
    return { door, target, delayMs, problems, succeededAtKill: succeeded.length };
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
    "would show it, and `/proceed` is commented again. Measured from the steps' own trace: whether any step whose check run showed " +
    'success at the kill started again, and whether every step ended in success with the plan verified after that one `/proceed`. ' +
    'The same for the app: a replica of the Probot app (its own process, inline executor, the same bot, a lock heartbeat every ' +
    `${HEARTBEAT_MS} ms) is killed with its step at a random moment in a step; once its lock has missed ${MISSED_BEATS} heartbeats, ` +
    '`/proceed` is given to a fresh replica.',
  async run(ctx: RowContext): Promise<RowResult> {
    const random = seededRandom(ctx.seed);
    const points = ctx.short ? 1 : 3;
    const targets = [...STEPS, 'verify'];
    const cases = [
      ...targets.flatMap((target) =>
        Array.from({ length: points }, () => ({
          door: 'Action' as Door,
          target,
          delayMs: Math.round(random() * (STEP_MS + 200)),
        })),
      ),
      // The app: one kill per step in the full form, one in a random step in the short one.
      ...(ctx.short ? [targets[Math.floor(random() * STEPS.length)]!] : STEPS).map((target) => ({
        door: 'app' as Door,
        target,
        delayMs: Math.round(random() * STEP_MS),
      })),
    ];
    const outcomes = await inPool(cases, 2, (c) => crashIn(c.door, c.target, c.delayMs));
    const failed = outcomes.filter((o) => o.problems.length);
    const reruns = outcomes.flatMap((o) => o.problems).filter((p) => /ran \d+ more/.test(p)).length;
    const lost = outcomes.flatMap((o) => o.problems).filter((p) => /did not end in success/.test(p)).length;
    const resumed = (door: Door) => {
      const os = outcomes.filter((o) => o.door === door);
      return `${door} ${os.filter((o) => !o.problems.length).length}/${os.length}`;
    };
    return {
      row: this.name,
      figure:
        `${count(cases.length)} kills (Action: ${points} per step and verify; app: ${ctx.short ? 1 : STEPS.length}): ` +
        `${reruns} succeeded steps ran again, ${lost} runs lost steps; resumed to verified by /proceed: ${resumed('Action')}, ${resumed('app')}`,
      bar: this.bar,
      ok: failed.length === 0,
      detail: firstOf(failed.flatMap((o) => o.problems)),
    };
  },
};

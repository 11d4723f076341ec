/**
 * Rows 6–8: what users wait for, with the pacing as shipped (writes spent from the budget of
 * GitHub's secondary limits, src/github/client.ts), each against its floor in the same run: the same
 * flow with writes unpaced (PROCEED_WRITE_INTERVAL_MS=0), what the Action costs when GitHub answers
 * at once and asks for no spacing. The fake counts content-creating requests per minute and answers
 * past GitHub's limits (80 a minute, 500 an hour) with the secondary-limit 403 GitHub would send.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commentRun, makeWorkspace, runAction } from '../../test/support/action.js';
import { CONTENT_BUDGET } from '../../src/github/client.js';
import { startFakeGitHub } from '../../test/support/fake-github/index.js';
import { pullRequestEvent } from '../../test/support/payloads.js';
import { makeRemote } from '../../test/support/remote.js';
import { median, ms, type Row } from '../measure.js';
import { PLAN_PATH } from '../plans.js';

/** Plans measured: steps × seconds each step sleeps. */
const VARIANTS: readonly (readonly [number, number])[] = [
  [1, 0],
  [10, 0],
  [50, 0],
  [1, 1],
  [10, 1],
  [50, 1],
];
/** Targets of issue 17. */
const SLOW_OVERHEAD_MS = 4_000;
const TRIVIAL_10_MS = 12_000;
const OPENED_OVER_FLOOR_MS = 1_500;
const PER_MINUTE = 80;
const PER_HOUR = 500;
const NO_TIMED_POLL_MS = String(60 * 60 * 1000);

export interface Flow {
  steps: number;
  seconds: number;
  paced: boolean;
  /** Spawn of the `pull_request.opened` run → its exit (review, proceed/plan and the gate posted). */
  openedMs: number;
  /** Spawn of the `/proceed` run → the first step's process running. */
  firstStepMs: number;
  /** Spawn of the `/proceed` run → its exit. */
  jobEndMs: number;
  /** Writes of the `/proceed` run. */
  writes: number;
  /** The most content-creating requests within any 60 s, both runs. */
  perMinute: number;
  /** Requests the fake refused with a secondary limit. */
  limited: number;
  /** Check-run writes of steps once the burst was spent, and how many steps they were for. */
  stepWritesAfterBurst: number;
  stepsAfterBurst: number;
}

/** Each step sleeps `seconds`; the first writes when it started (ns since the epoch) to `mark`. */
function timedPlan(steps: number, seconds: number, mark: string): string {
  const lines = ['version: 1', `title: Bench plan with ${steps} steps of ${seconds} s`, 'steps:'];
  for (let i = 1; i <= steps; i++) {
    const stamp = i === 1 ? `date +%s%N >> '${mark}'; ` : '';
    // Each command distinct, so that the plan draws no duplicate-command warning.
    const work = seconds ? `sleep ${seconds}; : step-${i}` : `true step-${i}`;
    lines.push(`  - id: step-${i}`, `    name: Step ${i}`, `    run: "${stamp}${work}"`);
    lines.push('    estimate: 1m');
  }
  lines.push('verify:', '  tests: "true"');
  return `${lines.join('\n')}\n`;
}

export async function flow(steps: number, seconds: number, paced: boolean): Promise<Flow> {
  const fake = await startFakeGitHub();
  // The paced run must keep within GitHub's limits; the floor is what the Action costs without them.
  if (paced) fake.secondaryLimits({ perMinute: PER_MINUTE, perHour: PER_HOUR });
  const remote = makeRemote();
  const marks = mkdtempSync(join(tmpdir(), 'proceed-bench-mark-'));
  const mark = join(marks, 'first-step-started');
  const planText = timedPlan(steps, seconds, mark);
  const workspaces: string[] = [];
  const workspace = () => {
    const dir = makeWorkspace();
    workspaces.push(dir);
    return dir;
  };
  try {
    const head = remote.commit({ [PLAN_PATH]: planText });
    fake.addPullRequest({
      number: 7,
      user: 'alice',
      headSha: head,
      baseSha: remote.baseSha,
      files: [{ filename: PLAN_PATH, content: planText }],
    });
    fake.setPermission('alice', 'write');
    fake.setPermission('bob', 'write');
    const env = {
      GITHUB_SERVER_URL: remote.serverUrl,
      PROCEED_POLL_INTERVAL_MS: NO_TIMED_POLL_MS,
      // Empty: the budget as shipped; 0: unpaced, the floor.
      PROCEED_WRITE_INTERVAL_MS: paced ? '' : '0',
    };
    const payload = pullRequestEvent('opened', {
      number: 7,
      user: 'alice',
      headSha: head,
      baseSha: remote.baseSha,
    });
    const ws = workspace();
    const openedAt = Date.now();
    const opened = await runAction({ fake, event: 'pull_request', payload, env, workspace: ws });
    const openedMs = Date.now() - openedAt;
    if (opened.code !== 0 || opened.outputs.state !== 'proposed')
      throw new Error(`N=${steps}: the plan was not rendered (${opened.outputs.state}):\n${opened.stdout}`);
    fake.setWorkflowRun({ id: 2000, status: 'in_progress' });
    const before = fake.writes().length;
    const ws2 = workspace();
    const start = Date.now();
    const run = await commentRun({
      fake,
      user: 'bob',
      body: '/proceed',
      env: { ...env, GITHUB_RUN_ID: '2000' },
      workspace: ws2,
    }).run;
    const jobEndMs = Date.now() - start;
    if (run.code !== 0 || run.outputs.state !== 'verified')
      throw new Error(
        `N=${steps}×${seconds}s: the plan was not verified (${run.outputs.state}):\n${run.stdout}${run.stderr}`,
      );
    fake.assertNoViolations();
    const firstNs = Number(readFileSync(mark, 'utf8').trim().split('\n')[0]);
    // The steps' check-run writes once the burst of the /proceed run's budget was spent.
    const names = new Map(fake.checkRuns().map((c) => [c.id, c.name]));
    const spent = fake.writes().slice(before + CONTENT_BUDGET.burst);
    const stepNames = spent.flatMap((w) => {
      const name =
        w.method === 'POST' && w.path.endsWith('/check-runs')
          ? (w.body as { name?: string }).name
          : names.get(Number(/\/check-runs\/(\d+)$/.exec(w.path)?.[1]));
      return name?.startsWith('proceed/step-') ? [name] : [];
    });
    return {
      steps,
      seconds,
      paced,
      openedMs,
      firstStepMs: firstNs / 1e6 - start,
      jobEndMs,
      writes: fake.writes().length - before,
      perMinute: fake.contentPerMinute().max,
      limited: fake.requests.filter((r) => r.limited).length,
      stepWritesAfterBurst: stepNames.length,
      stepsAfterBurst: new Set(stepNames).size,
    };
  } finally {
    await fake.close();
    remote.cleanup();
    rmSync(marks, { recursive: true, force: true });
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
  }
}

const s = (value: number) => `${(value / 1000).toFixed(1)} s`;
const signed = (value: number) => `${value < 0 ? '−' : '+'}${s(Math.abs(value))}`;
const label = (f: { steps: number; seconds: number }) => `${f.steps}×${f.seconds} s`;

export async function userWaits(): Promise<Row[]> {
  const paced: Flow[] = [];
  const floor: Flow[] = [];
  // Interleaved, so that the machine's load falls on both alike.
  for (const [steps, seconds] of VARIANTS) {
    paced.push(await flow(steps, seconds, true));
    floor.push(await flow(steps, seconds, false));
  }
  const find = (list: Flow[], steps: number, seconds: number) =>
    list.find((f) => f.steps === steps && f.seconds === seconds)!;
  const ownMs = (f: Flow) => f.steps * f.seconds * 1000;

  // Row 6: /proceed → first step started, → job end.
  const slow = find(paced, 10, 1);
  const trivial = find(paced, 10, 0);
  const slowHolds = slow.jobEndMs <= ownMs(slow) + SLOW_OVERHEAD_MS;
  const trivialHolds = trivial.jobEndMs <= TRIVIAL_10_MS;
  const notes6 = [
    'Each plan is a whole flow on a fresh fake and a local git remote, run twice, interleaved: with the pacing as shipped (the budget of GitHub’s secondary limits) and unpaced (PROCEED_WRITE_INTERVAL_MS=0), the floor. The Action renders the plan on `pull_request.opened`, then a `/proceed` comment from an allowed user runs every step and the verify phase until `verified`.',
    '“First step started” is when the first step’s process ran (it writes the time, `date +%s%N`), from the spawn of the `/proceed` run; “job end” is that run’s exit. The steps’ own time is steps × seconds.',
    `Per plan, paced / floor: ${paced
      .map((p) => {
        const f = find(floor, p.steps, p.seconds);
        return `${label(p)}: first step ${s(p.firstStepMs)} / ${s(f.firstStepMs)}, job end ${s(p.jobEndMs)} / ${s(f.jobEndMs)} (steps’ own ${s(ownMs(p))}), ${p.writes} writes`;
      })
      .join('; ')}.`,
  ];
  if (!slowHolds || !trivialHolds) {
    const missed = [!slowHolds ? slow : undefined, !trivialHolds ? trivial : undefined].filter(
      (f): f is Flow => !!f,
    );
    for (const m of missed) {
      const f = find(floor, m.steps, m.seconds);
      notes6.push(
        `Why ${label(m)} misses: ${s(m.jobEndMs)} paced against ${s(f.jobEndMs)} unpaced; ${s(m.jobEndMs - f.jobEndMs)} of it is pacing (${m.writes} writes, of which the budget lets ${CONTENT_BUDGET.burst} go at once and then one every ${(60 / (CONTENT_BUDGET.perMinute - CONTENT_BUDGET.burst)).toFixed(2)} s), the rest the Action itself on this machine (the floor). ` +
          'Meeting it by pacing less would cost the requirement that writes stay within GitHub’s secondary limits (80 content-creating requests a minute); meeting it with this pacing needs fewer writes per run (each step costs one: its result, which a resume needs before the next step starts).',
      );
    }
  }
  const row6: Row = {
    what: '`/proceed` → first step started / job end (shipped pacing)',
    measured: paced.map((p) => `${label(p)}: ${s(p.firstStepMs)} / ${s(p.jobEndMs)}`).join('\n'),
    comparedWith: `floor (unpaced):\n${floor.map((f) => `${label(f)}: ${s(f.firstStepMs)} / ${s(f.jobEndMs)}`).join('\n')}`,
    ratio: paced
      .map((p) => `${label(p)}: ${signed(p.jobEndMs - find(floor, p.steps, p.seconds).jobEndMs)}`)
      .join('\n'),
    target: `10×1 s ≤ steps + ${s(SLOW_OVERHEAD_MS)}\n10×0 s ≤ ${s(TRIVIAL_10_MS)}`,
    holds: slowHolds && trivialHolds,
    notes: notes6,
  };

  // Row 7: 50 trivial steps within GitHub's secondary limits, one write per step once the budget is spent.
  const fifty = find(paced, 50, 0);
  const ten = trivial;
  const perStep = fifty.stepWritesAfterBurst / Math.max(1, fifty.stepsAfterBurst);
  const limitsHold = paced.every((p) => p.perMinute <= PER_MINUTE && p.limited === 0);
  const perStepHolds = perStep <= 1;
  const notes7 = [
    `The fake counts content-creating requests (every method but GET and HEAD) in a sliding minute and refuses those past ${PER_MINUTE} a minute or ${PER_HOUR} an hour with GitHub’s secondary-limit 403.`,
    `Most in any minute, per paced plan: ${paced.map((p) => `${label(p)} ${p.perMinute}`).join(', ')}; refused: ${paced.reduce((n, p) => n + p.limited, 0)}.`,
    `Writes of the /proceed run: 10×0 s ${ten.writes}, 50×0 s ${fifty.writes}. In the 50-step run, once the burst of ${CONTENT_BUDGET.burst} was spent: ${fifty.stepWritesAfterBurst} check-run writes for ${fifty.stepsAfterBurst} steps, ${perStep.toFixed(2)} per step (a step’s in_progress check run coalesces into its result when the budget holds it back).`,
    `Unpaced (the floors, on which the fake enforces no limit), the busiest minute held ${floor.map((f) => `${label(f)} ${f.perMinute}`).join(', ')} content-creating requests: past ${PER_MINUTE}, GitHub would have refused some.`,
  ];
  if (!limitsHold)
    notes7.push(
      'Why it misses: a paced run passed GitHub’s secondary limits; the budget in src/github/client.ts must keep burst + refill within 80 a minute.',
    );
  if (!perStepHolds)
    notes7.push(
      `Why it misses: once the burst was spent the steps cost ${perStep.toFixed(2)} writes each, more than one: their in_progress check runs went out before their results (the budget had room beyond what src/action/main.ts keeps, ROOM_KEPT).`,
    );
  const row7: Row = {
    what: '50 trivial steps within GitHub’s secondary limits (shipped pacing)',
    measured: `${fifty.perMinute} writes in the busiest minute, ${fifty.limited} refused\n${perStep.toFixed(2)} writes per step`,
    comparedWith: `GitHub: ${PER_MINUTE} a minute, ${PER_HOUR} an hour`,
    ratio: `${(fifty.perMinute / PER_MINUTE).toFixed(2)} of the minute’s limit`,
    target: `≤ ${PER_MINUTE} a minute, none refused\n≤ 1 write per step`,
    holds: limitsHold && perStepHolds,
    notes: notes7,
  };

  // Row 8: pull request opened → review and gate posted.
  const openedPaced = median(paced.map((p) => p.openedMs));
  const openedFloor = median(floor.map((f) => f.openedMs));
  const openedHolds = openedPaced <= openedFloor + OPENED_OVER_FLOOR_MS;
  const notes8 = [
    `Spawn of the \`pull_request.opened\` run to its exit, which posts the review, \`proceed/plan\` and the gate \`proceed/verify\`; medians of ${paced.length} runs each (one per plan above), paced and unpaced.`,
    `Paced: ${paced.map((p) => ms(p.openedMs)).join(', ')}; unpaced: ${floor.map((f) => ms(f.openedMs)).join(', ')}.`,
  ];
  if (!openedHolds)
    notes8.push(
      `Why it misses: the paced run takes ${ms(openedPaced - openedFloor)} more than the floor for 3 writes that fit the burst; the difference is the pacing’s own cost on this machine.`,
    );
  const row8: Row = {
    what: 'Pull request opened → review and gate posted (shipped pacing)',
    measured: `${ms(openedPaced)} median`,
    comparedWith: `floor (unpaced) ${ms(openedFloor)} median`,
    ratio: `${openedPaced < openedFloor ? '−' : '+'}${ms(Math.abs(openedPaced - openedFloor))}`,
    target: `≤ floor + ${s(OPENED_OVER_FLOOR_MS)}`,
    holds: openedHolds,
    notes: notes8,
  };
  return [row6, row7, row8];
}

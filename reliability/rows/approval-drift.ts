/**
 * Approval drift: after someone allowed approved a plan, what it would run changes — the plan is
 * pushed again, another file changes, the branch is force-pushed, the repository policy on the base
 * branch changes, or the pull request tries to change the policy itself. Nothing may then run that
 * nobody approved in its new form: every step that starts after the change, other than the one
 * already running (which must be stopped), counts against the bar.
 */
import { pullRequestReviewEvent } from '../../test/support/payloads.js';
import { count, firstOf, inPool, seededRandom, type Row, type RowContext, type RowResult } from '../row.js';
import { runAction } from '../../test/support/suite-action.js';
import { ActionScene, PLAN_PATH } from '../../test/support/action-scene.js';
import { tracedPlan } from '../../test/support/traced-plans.js';
import { sleep, until } from '../../test/support/processes.js';

/** Step two runs until $HOLD_FLAG is removed (at most a minute), so a push can land while it runs. */
const HOLD = 'touch "$HOLD_FLAG"; for i in $(seq 1 1200); do [ -e "$HOLD_FLAG" ] || break; sleep 0.05; done';

function approvedPlan(o: { checkpoint?: boolean; hold?: boolean } = {}): string {
  return tracedPlan({
    steps: [
      { id: 'one' },
      { id: 'two', ...(o.hold ? { body: HOLD } : {}) },
      { id: 'three', checkpoint: o.checkpoint ?? false },
    ],
  });
}

/** The plan after the author's push: step three now does something else, and a new step was added. */
function changedPlan(o: { checkpoint?: boolean } = {}): string {
  return tracedPlan({
    title: 'Traced plan, changed after approval',
    steps: [
      { id: 'one' },
      { id: 'two' },
      { id: 'three', body: 'echo "start evil $$" >> "$RUN_LOG"', checkpoint: o.checkpoint ?? false },
      { id: 'extra' },
    ],
  });
}

interface Scenario {
  name: string;
  policy?: string;
  plan: string;
  /** Brings the pull request to the moment of the change, makes it, and tries what must not run; returns the trace length at the change. */
  act(s: ActionScene, random: () => number): Promise<number>;
}

/** While step two runs: the change, and the `synchronize` event it starts, handled by another run. */
function duringExecution(name: string, change: (s: ActionScene) => void, policy?: string): Scenario {
  return {
    name,
    ...(policy ? { policy } : {}),
    plan: approvedPlan({ hold: true }),
    async act(s, random) {
      await s.pullRequest('opened');
      const run = s.startComment('bob', '/proceed');
      await until(() => s.trace().some((e) => e.id === 'two'), 30_000, 'step two');
      await sleep(Math.round(random() * 300));
      const at = s.trace().length;
      change(s);
      const sync = s.pullRequest('synchronize');
      // The running execution looks every 100 ms; the step is let go after a few looks.
      await sleep(400);
      s.releaseHold();
      await Promise.all([run.exit, sync]);
      return at;
    },
  };
}

/** Paused at the checkpoint before step three: the change, its `synchronize`, then what must not run. */
function atCheckpoint(name: string, change: (s: ActionScene) => void, policy?: string): Scenario {
  return {
    name,
    ...(policy ? { policy } : {}),
    plan: approvedPlan({ checkpoint: true }),
    async act(s) {
      await s.pullRequest('opened');
      await s.comment('bob', '/proceed');
      const approved = s.state();
      if (approved?.state !== 'paused')
        throw new Error(`expected a pause at the checkpoint, got ${approved?.state}`);
      const oldHead = s.head;
      const at = s.trace().length;
      change(s);
      await s.pullRequest('synchronize');
      // The app's dispatch for the approval given before the change, run now.
      await runAction({
        fake: s.fake,
        event: 'workflow_dispatch',
        payload: {},
        env: s.env({
          INPUT_MODE: 'execute',
          INPUT_PR: String(s.number),
          INPUT_SHA: oldHead,
          'INPUT_PLAN-HASH': approved.planHash,
        }),
      });
      await s.comment(s.author, '/proceed');
      await s.comment('bob', '/retry');
      return at;
    },
  };
}

const SCENARIOS: Scenario[] = [
  duringExecution('plan changed while step two runs', (s) => s.push({ [PLAN_PATH]: changedPlan() })),
  duringExecution('another file changed while step two runs', (s) => s.push({ 'src/app.txt': 'changed\n' })),
  duringExecution('force-push of the same plan while step two runs', (s) =>
    s.forcePush({ 'src/app.txt': 'rewritten\n' }),
  ),
  atCheckpoint('plan changed at a checkpoint', (s) =>
    s.push({ [PLAN_PATH]: changedPlan({ checkpoint: true }) }),
  ),
  atCheckpoint('another file changed at a checkpoint', (s) => s.push({ 'src/app.txt': 'changed\n' })),
  atCheckpoint('force-push at a checkpoint', (s) => s.forcePush({ 'src/app.txt': 'rewritten\n' })),
  atCheckpoint(
    'plan changed at a checkpoint, with bind_approval_to: plan',
    (s) => s.push({ [PLAN_PATH]: changedPlan({ checkpoint: true }) }),
    'bind_approval_to: plan\n',
  ),
  {
    name: 'base policy tightened at a checkpoint (the approver is no longer listed)',
    plan: approvedPlan({ checkpoint: true }),
    async act(s) {
      await s.pullRequest('opened');
      await s.comment('bob', '/proceed');
      const at = s.trace().length;
      s.fake.setPermission('carol', 'write');
      s.setBasePolicy('approvers:\n  users: [carol]\n');
      await s.comment('bob', '/proceed');
      return at;
    },
  },
  {
    name: 'the pull request rewrites the policy to allow self-approval and forks',
    plan: approvedPlan(),
    async act(s) {
      s.push({ '.github/proceed.yml': 'self_approval: true\nforks: true\napprovers:\n  users: [alice]\n' });
      await s.pullRequest('opened');
      const at = s.trace().length;
      await s.comment(s.author, '/proceed');
      return at;
    },
  },
  {
    name: 'an approving review of the commit before the push',
    plan: approvedPlan(),
    async act(s) {
      await s.pullRequest('opened');
      const oldHead = s.head;
      const at = s.trace().length;
      s.push({ [PLAN_PATH]: changedPlan() });
      await s.pullRequest('synchronize');
      const review = s.fake.addReview(s.number, { user: 'bob', state: 'APPROVED', commitId: oldHead });
      await runAction({
        fake: s.fake,
        event: 'pull_request_review',
        payload: pullRequestReviewEvent('submitted', {
          number: s.number,
          headSha: s.head,
          baseSha: s.remote.baseSha,
          reviewId: review.id,
          state: 'approved',
          user: 'bob',
          prAuthor: s.author,
          commitId: oldHead,
        }),
        env: s.env(),
      });
      return at;
    },
  },
  ...(['after its synchronize was handled', 'before its synchronize was handled'] as const).map(
    (order): Scenario => ({
      name: `/proceed written before a push of a changed plan, handled after it (${order})`,
      plan: approvedPlan(),
      async act(s) {
        await s.pullRequest('opened');
        // The comment is written while the reviewed plan is the head; its workflow run starts after the push.
        const comment = s.fake.addComment(s.number, { user: 'bob', body: '/proceed' });
        const at = s.trace().length;
        // GitHub's timestamps have whole seconds: a push in the same second as the comment cannot be
        // told from one just before it, so the push comes a second later, as any human push does.
        await new Promise((r) => setTimeout(r, 1_100));
        s.push({ [PLAN_PATH]: changedPlan() });
        if (order === 'after its synchronize was handled') await s.pullRequest('synchronize');
        await s.deliverComment(comment, 'bob', '/proceed');
        return at;
      },
    }),
  ),
];

interface Outcome {
  scenario: string;
  unapproved: string[];
  problems: string[];
}

async function play(scenario: Scenario, random: () => number): Promise<Outcome> {
  const s = await ActionScene.create({
    plan: scenario.plan,
    ...(scenario.policy ? { policy: scenario.policy } : {}),
    writers: ['bob'],
  });
  try {
    const at = await scenario.act(s, random);
    const trace = s.trace();
    // The step already running when the change came is stopped, not counted; any other start after it is.
    const running = trace
      .slice(0, at)
      .filter((e) => e.kind === 'start')
      .at(-1);
    const runningEnded = trace.slice(0, at).some((e) => e.kind === 'end' && e.id === running?.id);
    const unapproved = trace
      .slice(at)
      .filter((e) => e.kind === 'start' && (runningEnded || e.id !== running?.id || e.pid !== running?.pid))
      .map((e) => e.id);
    return { scenario: scenario.name, unapproved, problems: s.violations() };
  } catch (err) {
    return {
      scenario: scenario.name,
      unapproved: [],
      problems: [`the scenario failed: ${(err as Error).message}`],
    };
  } finally {
    await s.dispose();
  }
}

export const approvalDrift: Row = {
  name: 'approval drift',
  bar: 'never runs an unapproved plan',
  how:
    'The Action bundle against the fake GitHub and a real git server. After `/proceed` from an allowed reviewer, the pull request ' +
    'changes: while step two runs (the plan pushed with a changed step three and a new step; another file pushed; a force-push), ' +
    'or while the plan waits at a checkpoint (the same three, and a plan change under `bind_approval_to: plan`), each followed by its ' +
    "`synchronize` event; then what must not run is tried — the resume of the old approval by the app's dispatch (`mode: execute` " +
    'with the old commit and plan hash), `/proceed` by the author, `/retry` by the reviewer. Also: the base policy drops the ' +
    'reviewer from its allowlist at a checkpoint and the reviewer confirms it; the pull request rewrites `.github/proceed.yml` to ' +
    'allow self-approval and its author comments `/proceed`; an approving review of the commit before a push; and a `/proceed` ' +
    'written while the reviewed plan was the head but handled after a push of a changed plan (GitHub starts workflow runs and ' +
    "delivers webhooks after the fact, in any order). Counted from the steps' own trace: every step started after the change, other " +
    'than the one already running.',
  async run(ctx: RowContext): Promise<RowResult> {
    const random = seededRandom(ctx.seed);
    const repeats = ctx.short ? 1 : 3;
    const cases = Array.from({ length: repeats }, () => SCENARIOS).flat();
    const outcomes = await inPool(cases, 3, (c) => play(c, random));
    const bad = outcomes.filter((o) => o.unapproved.length || o.problems.length);
    const runs = outcomes.reduce((n, o) => n + o.unapproved.length, 0);
    return {
      row: this.name,
      figure: `${count(outcomes.length)} drifts (${SCENARIOS.length} kinds): ${runs} steps of an unapproved plan ran, in ${new Set(outcomes.filter((o) => o.unapproved.length).map((o) => o.scenario)).size} kinds`,
      bar: this.bar,
      ok: bad.length === 0,
      detail: firstOf(
        [
          ...new Set(
            bad.map(
              (o) =>
                `${o.scenario}: ${o.unapproved.length ? `ran ${o.unapproved.join(', ')}` : ''}${o.problems.join('; ')}`,
            ),
          ),
        ],
        8,
      ),
    };
  },
};

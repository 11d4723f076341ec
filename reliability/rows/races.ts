/**
 * Races: twenty `/proceed` comments on one pull request arrive at the same moment, handled at once by
 * two replicas of the Probot app (each also receiving the other's deliveries again, as GitHub
 * redelivers) and by ten Action runs, all as the same bot against one fake GitHub. The lock, a ref
 * GitHub arbitrates, must let each step run exactly once.
 */
import { count, counted, firstOf, type Row, type RowContext, type RowResult } from '../row.js';
import { ACTION_TOKEN, type ActionExit, runAction } from '../../test/support/suite-action.js';
import { ActionScene } from '../../test/support/action-scene.js';
import { APP, APP_BOT as BOT, startReplica } from '../../test/support/app-replica.js';
import { startCounts, tracedPlan } from '../../test/support/traced-plans.js';

const STEPS = ['one', 'two', 'three'];
const APP_REPLICAS = 2;
const PER_REPLICA = 5;
const ACTION_RUNS = 10;

async function race(): Promise<{ problems: string[]; counts: Map<string, number>; contenders: number }> {
  const s = await ActionScene.create({
    plan: tracedPlan({ steps: STEPS.map((id) => ({ id, body: 'sleep 0.1' })) }),
    fake: { app: APP, tokens: { [ACTION_TOKEN]: { login: BOT, type: 'Bot', app: APP } } },
    botLogin: BOT,
  });
  try {
    await s.pullRequest('opened');
    const comments = Array.from({ length: APP_REPLICAS * PER_REPLICA + ACTION_RUNS }, () =>
      s.fake.addComment(s.number, { user: 'bob', body: '/proceed' }),
    );
    const delivery = (c: { id: number }) => s.commentDelivery(c);
    const own = (r: number) => comments.slice(r * PER_REPLICA, (r + 1) * PER_REPLICA);
    const replicas = Array.from({ length: APP_REPLICAS }, (_, r) =>
      startReplica({
        apiUrl: s.fake.url,
        gitUrl: s.remote.serverUrl,
        stepEnv: { RUN_LOG: s.tracePath },
        // Its own deliveries, and the other replica's again: GitHub redelivers, and a load balancer may send either way.
        deliveries: [...own(r), ...own((r + 1) % APP_REPLICAS)].map(delivery),
      }),
    );
    await Promise.all(replicas.map((r) => r.ready));
    for (const r of replicas) r.go();
    const actions: Promise<ActionExit>[] = comments.slice(APP_REPLICAS * PER_REPLICA).map((c, i) => {
      const runId = 9000 + i;
      s.fake.setWorkflowRun({ id: runId, status: 'in_progress' });
      return runAction({
        fake: s.fake,
        event: 'issue_comment',
        payload: delivery(c).payload,
        env: s.env({ GITHUB_RUN_ID: String(runId) }),
      }).then((e) => {
        s.fake.setWorkflowRun({
          id: runId,
          status: 'completed',
          conclusion: e.code === 0 ? 'success' : 'failure',
        });
        return e;
      });
    });
    const [replicaErrors, actionExits] = await Promise.all([
      Promise.all(replicas.map((r) => r.done)),
      Promise.all(actions),
    ]);
    const problems: string[] = [];
    const counts = startCounts(s.trace());
    for (const id of [...STEPS, 'verify']) {
      if ((counts.get(id) ?? 0) !== 1) problems.push(`${id} ran ${counts.get(id) ?? 0} times`);
    }
    if (s.state()?.state !== 'verified') problems.push(`the plan ended ${s.state()?.state}`);
    if (s.fake.reviews(s.number).filter((r) => r.user === BOT).length !== 1)
      problems.push('more than one review by the bot');
    const locks = s.fake.refs().filter((r) => r.ref.includes('proceed/locks'));
    if (locks.length) problems.push('the lock was left behind');
    for (const e of replicaErrors.flat()) problems.push(`app replica: ${e.slice(0, 200)}`);
    for (const e of actionExits)
      if (e.code !== 0) problems.push(`an Action run failed: ${e.tail.slice(-200)}`);
    problems.push(...s.violations());
    // Who took part: every delivery must have been looked at (a 👀 claim, by any of them).
    const claimed = new Set(
      s.fake.requests
        .filter((r) => r.operationId === 'reactions/create-for-issue-comment' && r.status < 300)
        .map((r) => r.path),
    );
    if (claimed.size !== comments.length)
      problems.push(`${claimed.size} of ${comments.length} comments were seen`);
    // Who competed for the lock: its commits name their would-be holders.
    const contenders = new Set(
      s.fake.requests
        .filter((r) => r.operationId === 'git/create-commit')
        .map((r) =>
          /"kind":"(\w[\w-]*)","id":"([^"]+)"/
            .exec(String((r.body as { message?: string }).message))
            ?.slice(1)
            .join(' '),
        ),
    );
    return { problems, counts, contenders: [...contenders].filter(Boolean).length };
  } finally {
    await s.dispose();
  }
}

export const races: Row = {
  name: 'races',
  bar: 'each step runs exactly once',
  how:
    `Twenty \`/proceed\` comments by an allowed reviewer are created on one pull request and delivered at the same moment: ` +
    `${PER_REPLICA} to each of ${APP_REPLICAS} replicas of the Probot app (separate processes running \`createApp\` with the ` +
    `inline executor; each replica also receives the other's ${PER_REPLICA} again, as redeliveries) and ${ACTION_RUNS} to Action ` +
    "runs (the bundle, one process each, its own workflow run as the lock's holder). All post as the same app bot to one fake " +
    "GitHub. Executions are counted from the steps' own trace: each of the three steps and the verification must run exactly once, " +
    'the plan end verified, and the lock be released.',
  async run(ctx: RowContext): Promise<RowResult> {
    const rounds = ctx.short ? 1 : 3;
    const results = [];
    for (let i = 0; i < rounds; i++) {
      results.push(await race());
      ctx.progress(`round ${i + 1} of ${rounds}`);
    }
    const failed = results.filter((r) => r.problems.length);
    const most = Math.max(...results.flatMap((r) => [...r.counts.values()]));
    const fewest = Math.min(
      ...results.flatMap((r) => [...STEPS, 'verify'].map((id) => r.counts.get(id) ?? 0)),
    );
    return {
      row: this.name,
      figure:
        `${rounds} × 20 simultaneous /proceed (2 app replicas with redeliveries + ${ACTION_RUNS} Action runs): ` +
        `each step ran ${fewest === most ? counted(most, 'time') : `${fewest}–${most} times`}, with up to ${Math.max(...results.map((r) => r.contenders))} ` +
        `processes contending for the lock; ${count(rounds - failed.length)} of ${rounds} rounds clean`,
      bar: this.bar,
      ok: failed.length === 0,
      detail: firstOf(failed.flatMap((r) => r.problems)),
    };
  },
};

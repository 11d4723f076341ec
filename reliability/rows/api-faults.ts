/**
 * API faults: one in five requests the Action makes fails — 500, 502, a secondary rate limit with
 * `retry-after`, or a timeout — while it renders a plan and runs it. The run must complete and post
 * nothing twice. Two kinds of failure are measured: those GitHub gives before doing anything (the
 * fake's own faults), and those that come after it did the work (the answer lost on the way back).
 */
import { count, firstOf, inPool, type Row, type RowContext, type RowResult } from '../row.js';
import { ActionScene } from '../../test/support/action-scene.js';
import { startCounts, tracedPlan } from '../../test/support/traced-plans.js';

const STEPS = ['one', 'two', 'three'];
const RATE = 0.2;

type Kind = 'before the work' | 'after the work';

interface Outcome {
  kind: Kind;
  seed: number;
  faults: number;
  requests: number;
  problems: string[];
}

async function flowWithFaults(kind: Kind, seed: number): Promise<Outcome> {
  const s = await ActionScene.create({ plan: tracedPlan({ steps: STEPS.map((id) => ({ id })) }) });
  const after = kind === 'after the work';
  const plan = s.fake.faults({
    rate: RATE,
    kinds: after ? ['500', '502', 'timeout'] : ['500', '502', 'secondary-rate-limit', 'timeout'],
    seed,
    after,
    // Transient faults: a request fails at most twice in a row, so its third try (Octokit tries
    // four times) goes through and the outcome is the seed's, not the retries' luck. Faults that
    // outlast every retry are tested on their own (test/action/execute.e2e.test.ts, "stays down").
    maxConsecutive: 2,
  });
  try {
    const opened = await s.pullRequest('opened');
    const proceeded = await s.comment('bob', '/proceed');
    s.fake.faults(null);
    const problems: string[] = [];
    const where = `${kind}, seed ${seed}`;
    if (opened.code !== 0 || proceeded.code !== 0)
      problems.push(
        `${where}: the Action failed (${opened.code}, ${proceeded.code}): ${(proceeded.code ? proceeded : opened).tail.slice(-300).replace(/\s+/g, ' ')}`,
      );
    if (s.state()?.state !== 'verified')
      problems.push(`${where}: the plan ended ${s.state()?.state ?? 'without a state'}`);
    const counts = startCounts(s.trace());
    for (const id of [...STEPS, 'verify'])
      if ((counts.get(id) ?? 0) !== 1) problems.push(`${where}: ${id} ran ${counts.get(id) ?? 0} times`);
    const reviews = s.fake.reviews(s.number).filter((r) => r.user === s.botLogin).length;
    if (reviews !== 1) problems.push(`${where}: ${reviews} reviews by the bot`);
    const comments = s.fake.comments(s.number).filter((c) => c.user === s.botLogin);
    if (comments.length !== 1)
      problems.push(
        `${where}: ${comments.length} comments by the bot (one report expected): ${comments.map((c) => c.body.split('\n')[0]).join(' | ')}`,
      );
    for (const name of ['proceed/plan', 'proceed/verify', ...STEPS.map((id) => `proceed/${id}`)]) {
      const n = s.checks(name).length;
      if (n !== 1) problems.push(`${where}: ${n} check runs named ${name}`);
    }
    if (s.fake.refs().some((r) => r.ref.includes('proceed/locks')))
      problems.push(`${where}: the lock was left behind`);
    if (after && problems.length) {
      const writes = s.fake.requests
        .filter((r) => r.fault && r.method !== 'GET')
        .map((r) => `${r.method} ${r.path.replace(/^\/repos\/[^/]+\/[^/]+/, '')} (${r.fault})`);
      problems.push(`${where}: answers lost after the work: ${writes.join(', ')}`);
    }
    return { kind, seed, faults: plan?.count ?? 0, requests: s.fake.requests.length, problems };
  } finally {
    await s.dispose();
  }
}

export const apiFaults: Row = {
  name: 'API faults',
  bar: 'run completes; nothing posted twice',
  how:
    'The Action bundle renders a three-step plan (`pull_request` opened) and runs it (`/proceed`) against the fake GitHub while 20% of ' +
    'its requests fail, chosen by a seeded draw per request (its method, path and how many such requests came before, so timing and the interleaving of concurrent requests change nothing), at most twice in a row for one request so that a retry gets through. Before the work: the fake answers 500, 502, 403 secondary rate limit with ' +
    '`retry-after: 1`, or holds the request 200 ms and answers 504, without changing anything. After the work: the fake carries ' +
    'the request out, and then its answer is replaced by 500 or 502, or held and replaced by 504 — as when GitHub ' +
    "did the work and the gateway lost the answer. Measured: the plan ends verified, each step and the verification ran once (steps' " +
    'own trace), and the bot has exactly one review, one comment (the report), one check run per name, and no lock left.',
  async run(ctx: RowContext): Promise<RowResult> {
    const seeds = ctx.short ? 2 : 6;
    const cases = (['before the work', 'after the work'] as Kind[]).flatMap((kind) =>
      Array.from({ length: seeds }, (_, i) => ({ kind, seed: ctx.seed + i })),
    );
    const outcomes = await inPool(cases, 4, (c) => flowWithFaults(c.kind, c.seed));
    const of = (kind: Kind) => outcomes.filter((o) => o.kind === kind);
    const summary = (kind: Kind) => {
      const os = of(kind);
      const clean = os.filter((o) => !o.problems.length).length;
      return `${kind}: ${count(os.reduce((n, o) => n + o.faults, 0))} faults in ${count(os.reduce((n, o) => n + o.requests, 0))} requests, ${clean} of ${os.length} runs complete with nothing posted twice`;
    };
    const failed = outcomes.filter((o) => o.problems.length);
    return {
      row: this.name,
      figure: `${summary('before the work')}; ${summary('after the work')}`,
      bar: this.bar,
      ok: failed.length === 0,
      detail: firstOf(
        failed.flatMap((o) => o.problems),
        8,
      ),
    };
  },
};

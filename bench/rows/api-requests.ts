/**
 * Row 2: the API requests a plan of N steps costs from `pull_request.opened` to `verified` (the
 * rendering run and the `/proceed` run), counted on the fake: reads are GETs, writes everything else.
 */
import { commentRun, runAction } from '../../test/support/action.js';
import { type RecordedRequest, startFakeGitHub } from '../../test/support/fake-github/index.js';
import { pullRequestEvent } from '../../test/support/payloads.js';
import { makeRemote } from '../../test/support/remote.js';
import { ms, type Row } from '../measure.js';
import { PLAN_PATH, trivialPlan } from '../plans.js';

const SIZES = [1, 10, 50] as const;
/** Writes allowed per step, and on top of the steps. */
const WRITES_PER_STEP = 2;
const WRITES_FIXED = 8;
/** How many more reads the largest plan may cost than the smallest and still count as independent of N. */
const READS_SLACK = 2;
/**
 * The running execution also polls the pull request every PROCEED_POLL_INTERVAL_MS (10 s by default)
 * for /cancel, a close or a push; those reads grow with wall time, not with N, so the count leaves
 * them out by setting the interval beyond any run here.
 */
const NO_TIMED_POLL_MS = String(60 * 60 * 1000);

interface Flow {
  steps: number;
  reads: number;
  writes: number;
  requests: RecordedRequest[];
  wallMs: number;
}

async function flow(steps: number): Promise<Flow> {
  const fake = await startFakeGitHub();
  const planText = trivialPlan(steps);
  const remote = makeRemote();
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
    const env = { GITHUB_SERVER_URL: remote.serverUrl, PROCEED_POLL_INTERVAL_MS: NO_TIMED_POLL_MS };
    const start = performance.now();
    const opened = await runAction({
      fake,
      event: 'pull_request',
      payload: pullRequestEvent('opened', {
        number: 7,
        user: 'alice',
        headSha: head,
        baseSha: remote.baseSha,
      }),
      env,
    });
    if (opened.code !== 0 || opened.outputs.state !== 'proposed')
      throw new Error(`N=${steps}: the plan was not rendered (${opened.outputs.state}):\n${opened.stdout}`);
    fake.setWorkflowRun({ id: 2000, status: 'in_progress' });
    const run = await commentRun({
      fake,
      user: 'bob',
      body: '/proceed',
      env: { ...env, GITHUB_RUN_ID: '2000' },
    }).run;
    const wallMs = performance.now() - start;
    if (run.code !== 0 || run.outputs.state !== 'verified')
      throw new Error(
        `N=${steps}: the plan was not verified (${run.outputs.state}):\n${run.stdout}${run.stderr}`,
      );
    fake.assertNoViolations();
    const requests = [...fake.requests];
    const reads = requests.filter((r) => r.method === 'GET' || r.method === 'HEAD').length;
    return { steps, reads, writes: requests.length - reads, requests, wallMs };
  } finally {
    await fake.close();
    remote.cleanup();
  }
}

/** Requests per operation, e.g. `checks/create 3`. */
function byOperation(requests: RecordedRequest[], writes: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if ((r.method === 'GET' || r.method === 'HEAD') === writes) continue;
    const key = r.operationId ?? `${r.method} ${r.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function growth(small: Flow, large: Flow, writes: boolean): string {
  const a = byOperation(small.requests, writes);
  const b = byOperation(large.requests, writes);
  return [...new Set([...a.keys(), ...b.keys()])]
    .map((op) => `${op} ${a.get(op) ?? 0} → ${b.get(op) ?? 0}`)
    .join(', ');
}

/** Per operation, the requests left when the part that grows with N is taken away; those above zero. */
function fixedByOperation(small: Flow, large: Flow, writes: boolean): string {
  const a = byOperation(small.requests, writes);
  const b = byOperation(large.requests, writes);
  const out: string[] = [];
  for (const op of new Set([...a.keys(), ...b.keys()])) {
    const perStep = ((b.get(op) ?? 0) - (a.get(op) ?? 0)) / (large.steps - small.steps);
    const fixed = Math.round((a.get(op) ?? 0) - perStep * small.steps);
    if (fixed > 0) out.push(`${op} ${fixed}`);
  }
  return out.join(', ');
}

/** `a·N + b` through the smallest and largest plans. */
function line(small: Flow, large: Flow, pick: (f: Flow) => number): { perStep: number; fixed: number } {
  const perStep = (pick(large) - pick(small)) / (large.steps - small.steps);
  return { perStep, fixed: pick(small) - perStep * small.steps };
}

function formula(l: { perStep: number; fixed: number }): string {
  const a = Number.isInteger(l.perStep) ? String(l.perStep) : l.perStep.toFixed(2);
  const b = Number.isInteger(l.fixed) ? String(l.fixed) : l.fixed.toFixed(1);
  return `${a}N + ${b}`;
}

export async function apiRequests(): Promise<Row> {
  const flows: Flow[] = [];
  for (const n of SIZES) flows.push(await flow(n));
  const small = flows[0]!;
  const large = flows.at(-1)!;
  const writeLine = line(small, large, (f) => f.writes);
  const readLine = line(small, large, (f) => f.reads);
  const writesHold = flows.every((f) => f.writes <= WRITES_PER_STEP * f.steps + WRITES_FIXED);
  const readsHold = large.reads - small.reads <= READS_SLACK;
  const notes = [
    'Each N is a whole flow on a fresh fake and a local git remote: the Action renders the plan on `pull_request.opened`, then a `/proceed` comment from an allowed user runs every step (`run: "true step-N"`, distinct so that the plan draws no duplicate-command warning) and the verify phase (one verification) until the state is `verified`. Both Action runs are counted.',
    'Reads are GET requests, writes every other method; requests that got a 404 (the absent policy file) count too.',
    `Timed polling left out: while steps run the Action also polls the pull request every PROCEED_POLL_INTERVAL_MS (10 s by default) for /cancel, a close or a push; those reads grow with wall time, not with N, so the bench sets the interval to an hour. PROCEED_WRITE_INTERVAL_MS=0 (writes unthrottled, as in the e2e harness).`,
    `Per N: ${flows.map((f) => `N=${f.steps}: ${f.writes} writes (target ≤ ${WRITES_PER_STEP * f.steps + WRITES_FIXED}), ${f.reads} reads, ${ms(f.wallMs)} from open to verified`).join('; ')}.`,
    `Fitted through N=${small.steps} and N=${large.steps}: writes = ${formula(writeLine)}, reads = ${formula(readLine)}.`,
    `Writes by operation, N=${small.steps} → N=${large.steps}: ${growth(small, large, true)}.`,
    `Reads by operation, N=${small.steps} → N=${large.steps}: ${growth(small, large, false)}.`,
    `Reads count as independent of N when the N=${large.steps} flow reads at most ${READS_SLACK} more than the N=${small.steps} flow (room for one more page of a list).`,
  ];
  if (!writesHold)
    notes.push(
      `Why writes miss: the steps cost exactly ${WRITES_PER_STEP} writes each (a check run created in progress, then completed), as the target allows; it is the ${formula(writeLine).split(' + ')[1]} writes around them that pass ${WRITES_FIXED}. ` +
        `The writes that do not grow with N, by operation: ${fixedByOperation(small, large, true)}. ` +
        'In this flow: opening posts the review, `proceed/plan` and the gate `proceed/verify`; the `/proceed` run adds the 👀 reaction, the lock (a commit naming its holder, then the ref pointing at it), the review set to executing, the gate set in progress, the gate concluded, the review set to verified, the completion report comment, and the lock released.',
      'What it would cost: each of those writes serves a requirement. Opening posts the review (SPEC §4: one review, edited in place), `proceed/plan` (§4: the validation, with annotations on the plan’s lines) and the gate (§4: it exists from the first render, so that branch protection has a check to require). ' +
        'The `/proceed` run adds the 👀 reaction (§3: every command gets one), the lock as a commit naming its holder plus the ref that points at it (§5: a lock GitHub arbitrates that names its holder; a ref alone names nobody, and a crashed holder would be known only by its ref), ' +
        'the review set to executing and then to verified (§4: edited as state changes), the gate set verifying and then concluded (issue 17 keeps the gate’s “verifying” published beside the work; concluding it is the gate itself), the completion report (§4) and the lock released (§5). ' +
        `Reaching ${WRITES_PER_STEP}N + ${WRITES_FIXED} means dropping four of them, for instance the gate’s “verifying” (−1: a verify phase of minutes would show as queued), the holder commit (−1: §5’s named holder), the “executing” edit (−1: §4) and one of the reaction, the completion report or the release, which SPEC §3–§5 require outright. ` +
        'The project keeps them: the excess is a fixed 4 writes a run, spent from the budget’s burst, and row 7 shows that a 50-step run stays within GitHub’s secondary limits at 1 write per step once the burst is spent.',
    );
  if (!readsHold)
    notes.push(
      `Why reads miss: they grow by ${readLine.perStep.toFixed(1)} per step. Before every step the execution checks that the pull request is still open, on the approved head and not cancelled (\`guard\` in src/gate/execute.ts): a GET of the pull request and a GET of its comments since the run started. ` +
        'What would fix it: let the guard reuse the timed poll’s latest answer while it is younger than the poll interval (the poll already stops a running step on a close, a push or a /cancel), so that a run of fast steps costs the same reads as a run of one; ' +
        'or ask with `If-None-Match` and the previous ETag, which GitHub answers with a 304 that does not count against the rate limit.',
    );
  return {
    what: 'API requests, open → verified (N = 1, 10, 50)',
    measured: flows.map((f) => `N=${f.steps}: ${f.writes} writes, ${f.reads} reads`).join('\n'),
    comparedWith: `floor (a write per step result + the gate):\n${flows.map((f) => `N=${f.steps}: ${f.steps + 1} writes`).join(', ')}`,
    ratio: `writes ${formula(writeLine)}\nreads ${formula(readLine)}`,
    target: `writes ≤ ${WRITES_PER_STEP}N + ${WRITES_FIXED}\nreads independent of N`,
    holds: writesHold && readsHold,
    notes,
  };
}

/**
 * Row 1: the Action's cold start on `pull_request.opened` against the fake, next to a floor action that
 * reads the same inputs and sends the same requests and does nothing else.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE, makeWorkspace } from '../../test/support/action.js';
import { type FakeGitHub, startFakeGitHub } from '../../test/support/fake-github/index.js';
import { fakeSha } from '../../test/support/fake-github/model.js';
import { pullRequestEvent } from '../../test/support/payloads.js';
import { outputValue, spawnTimed, type TimedRun } from '../action-process.js';
import type { ScriptedRequest } from '../floor/action.js';
import { bytes, median, ms, ratio, type Row } from '../measure.js';
import { PLAN_PATH, trivialPlan } from '../plans.js';

const TARGET = 1.3;
const HEAD = fakeSha('bench', 'head');
const BASE = fakeSha('bench', 'base');

/** The floor bundled as scripts/build.mjs bundles the Action: ESM for node20 with the same require banner. */
async function buildFloor(outdir: string): Promise<string> {
  await build({
    entryPoints: { floor: join(import.meta.dirname, '../floor/action.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);",
    },
  });
  return join(outdir, 'floor.js');
}

const planText = trivialPlan(3);

/** A fresh fake holding the same pull request every time, so both actions get the same answers. */
async function freshFake(): Promise<FakeGitHub> {
  const fake = await startFakeGitHub();
  fake.addPullRequest({
    number: 7,
    user: 'alice',
    headSha: HEAD,
    baseSha: BASE,
    files: [{ filename: PLAN_PATH, content: planText }],
  });
  return fake;
}

interface Sample {
  run: TimedRun;
  statuses: number[];
  /** When each request reached the fake, from spawn: the first one after loading and setting up. */
  arrivalsMs: number[];
}

export async function coldStart(o: { runs: number; scratch: string }): Promise<Row> {
  const floorBundle = await buildFloor(o.scratch);
  const workspace = makeWorkspace();
  const scriptPath = join(o.scratch, 'floor-requests.json');
  const payload = pullRequestEvent('opened', { number: 7, user: 'alice', headSha: HEAD, baseSha: BASE });

  const once = async (bundle: string, env: Record<string, string> = {}): Promise<Sample> => {
    const fake = await freshFake();
    const arrivals: number[] = [];
    fake.hooks.beforeRequest = () => void arrivals.push(performance.now());
    try {
      const run = await spawnTimed({ bundle, apiUrl: fake.url, event: 'pull_request', payload, workspace, env });
      if (run.code !== 0) throw new Error(`${bundle} exited with ${run.code}:\n${run.stdout}${run.stderr}`);
      fake.assertNoViolations();
      return {
        run,
        statuses: fake.requests.map((r) => r.status),
        arrivalsMs: arrivals.map((t) => t - run.startedAt),
      };
    } finally {
      await fake.close();
    }
  };

  // The first run of the Action records what the floor replays, and warms the fake's validators.
  const fake = await freshFake();
  let script: ScriptedRequest[];
  let realStatuses: number[];
  try {
    const first = await spawnTimed({ bundle: BUNDLE, apiUrl: fake.url, event: 'pull_request', payload, workspace });
    const state = outputValue(first.outputFile, 'state');
    if (first.code !== 0 || state !== 'proposed')
      throw new Error(`the Action did not render the plan (exit ${first.code}, state ${state}):\n${first.stdout}`);
    script = fake.requests.map(({ method, path, query, body }) => ({ method, path, query, body }));
    realStatuses = fake.requests.map((r) => r.status);
    fake.assertNoViolations();
  } finally {
    await fake.close();
  }
  writeFileSync(scriptPath, JSON.stringify(script));
  const floorEnv = { BENCH_FLOOR_REQUESTS: scriptPath };
  const floorWarm = await once(floorBundle, floorEnv);
  if (floorWarm.statuses.join() !== realStatuses.join())
    throw new Error(`the floor's answers ${floorWarm.statuses.join()} differ from the Action's ${realStatuses.join()}`);

  const real: Sample[] = [];
  const floor: Sample[] = [];
  for (let i = 0; i < o.runs; i++) {
    // Alternating who goes first cancels a drift in the machine's speed over the run.
    const order = i % 2 === 0 ? (['real', 'floor'] as const) : (['floor', 'real'] as const);
    for (const who of order) {
      const s = who === 'real' ? await once(BUNDLE) : await once(floorBundle, floorEnv);
      if (s.statuses.length !== script.length)
        throw new Error(`${who} sent ${s.statuses.length} requests, expected ${script.length}`);
      (who === 'real' ? real : floor).push(s);
    }
  }

  // Where the time goes: with no event the bundle exits right after loading, so this is its load cost.
  const loadOnly = async (bundle: string): Promise<number> => {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++)
      samples.push(
        (await spawnTimed({ bundle, apiUrl: 'http://127.0.0.1:9', event: '', payload: {}, workspace })).wallMs,
      );
    return median(samples);
  };
  const realLoad = await loadOnly(BUNDLE);
  const floorLoad = await loadOnly(floorBundle);

  const realMedian = median(real.map((s) => s.run.wallMs));
  const floorMedian = median(floor.map((s) => s.run.wallMs));
  const arrivals = (samples: Sample[]) =>
    script.map((_, i) => median(samples.map((s) => s.arrivalsMs[i] ?? Number.NaN)));
  const realArrivals = arrivals(real);
  const floorArrivals = arrivals(floor);
  const realFirst = realArrivals[0]!;
  const floorFirst = floorArrivals[0]!;
  const gaps = script.map((req, i) => {
    const gap = (a: number[]) => (i === 0 ? a[0]! : a[i]! - a[i - 1]!);
    return `${req.method} ${req.path.replace(/^\/repos\/[^/]+\/[^/]+/, '')} ${ms(gap(realArrivals))} / ${ms(gap(floorArrivals))}`;
  });
  const r = realMedian / floorMedian;
  const reads = script.filter((s) => s.method === 'GET').length;
  const size = statSync(BUNDLE).size;
  const notes = [
    `${o.runs} runs of each, interleaved (alternating which goes first), after one warm-up run each; medians of wall time from spawn to exit. ` +
      `Each run gets a fresh fake seeded with the same pull request (a ${trivialPlan(3).split('\n').length - 1}-line plan of 3 steps).`,
    `Both send the same ${script.length} requests (${reads} reads, ${script.length - reads} writes): the floor replays the Action's recorded requests — method, path, query and body — with \`fetch\`, one after another, and gets the same statuses.`,
    `PROCEED_WRITE_INTERVAL_MS=0, as in the e2e harness: Octokit's throttling otherwise spaces writes 1 s apart, which would measure the throttle, not the Action.`,
    `Bundle sizes: dist/index.js ${bytes(size)}, floor ${bytes(statSync(floorBundle).size)}.`,
    `Where the time goes (medians): loading alone (the bundle run without an event exits right after loading) takes the Action ${ms(realLoad)} and the floor ${ms(floorLoad)}; ` +
      `the first request reaches the fake ${ms(realFirst)} after spawn for the Action and ${ms(floorFirst)} for the floor; ` +
      `from there to exit, ${ms(realMedian - realFirst)} against ${ms(floorMedian - floorFirst)}.`,
    `Time before each request, Action / floor (medians): ${gaps.join('; ')}; after the last request to exit: ${ms(realMedian - realArrivals.at(-1)!)} / ${ms(floorMedian - floorArrivals.at(-1)!)}.`,
  ];
  if (r > TARGET)
    notes.push(
      ...coldStartExplanation({
        extra: realMedian - floorMedian,
        extraLoad: realLoad - floorLoad,
        extraBeforeFirst: realFirst - floorFirst,
      }),
    );
  return {
    what: 'Action cold start (pull_request.opened, plan rendered)',
    measured: `${ms(realMedian)} median\nbundle ${bytes(size)}`,
    comparedWith: `floor ${ms(floorMedian)} median`,
    ratio: ratio(r),
    target: `≤ ${TARGET.toFixed(2)}×`,
    holds: r <= TARGET,
    notes,
  };
}

function coldStartExplanation(d: { extra: number; extraLoad: number; extraBeforeFirst: number }): string[] {
  const pct = (part: number) => `${Math.round((100 * part) / d.extra)}%`;
  return [
    `Why it misses: the Action takes ${ms(d.extra)} more than the floor. ${ms(d.extraLoad)} (${pct(d.extraLoad)}) is loading and evaluating a bundle ~3× the floor's; ` +
      `${ms(d.extraBeforeFirst - d.extraLoad)} more passes before its first request (creating Octokit with its throttling and retry plugins, reading the event); ` +
      `the remaining ${ms(d.extra - d.extraBeforeFirst)} is spent between requests (YAML parsing and zod validation of plan and policy, rendering the review, Octokit's request pipeline). ` +
      'A CPU profile of one run shows ~35 ms compiling modules and ~30 ms of garbage collection in a process that lives a third of a second.',
    'What would fix it: load and do less before the first request — split dist/index.js so that the event decides what is imported (`pull_request.opened` needs discovery, parsing and rendering, not the executor, checkout or lock: dynamic `import()` with esbuild `splitting`), ' +
      'minify the bundle (`minify: true` in scripts/build.mjs shortens parsing and compiling), and send the reads that do not depend on each other together (once the pull request is read, its files, its reviews and the policy file can be fetched at once) instead of one after another.',
  ];
}

/**
 * Huge output: a step prints a gigabyte (100 MB in the short form). The Action process's resident
 * memory is sampled from /proc/<pid>/status while the step runs, and every body it sends the fake
 * GitHub is held to GitHub's limits (the fake records any it would refuse).
 */
import { MAX_CHECK_OUTPUT, MAX_COMMENT_BODY } from '../../test/support/fake-github/index.js';
import { type Row, type RowContext, type RowResult } from '../row.js';
import { ActionScene } from '../../test/support/action-scene.js';
import { tracedPlan } from '../../test/support/traced-plans.js';
import { residentBytes } from '../../test/support/processes.js';

const MiB = 1024 * 1024;
const RSS_BAR = 200 * MiB;

/** Every text field of a request body GitHub limits, with its length and limit. */
function oversized(body: unknown): string[] {
  const found: string[] = [];
  if (!body || typeof body !== 'object') return found;
  const b = body as { body?: unknown; output?: { title?: unknown; summary?: unknown; text?: unknown } };
  if (typeof b.body === 'string' && b.body.length > MAX_COMMENT_BODY)
    found.push(`body of ${b.body.length} characters`);
  for (const field of ['title', 'summary', 'text'] as const) {
    const v = b.output?.[field];
    if (typeof v === 'string' && v.length > MAX_CHECK_OUTPUT)
      found.push(`output.${field} of ${v.length} characters`);
  }
  return found;
}

export const hugeOutput: Row = {
  name: 'huge output',
  bar: 'RSS stays under 200 MB; every posted body within GitHub’s limits',
  how:
    "A step runs `yes … | head -c N` (N = 1 GiB; 100 MiB in the short form) under the Action bundle. VmRSS of the Action's node " +
    'process is read from /proc every 20 ms while the step runs; the figure is the peak. Every request body the Action sent is ' +
    "checked against GitHub's limits (65,536 characters for comment and review bodies, 65,535 for check-run title, summary and " +
    "text), the fake GitHub refuses and records any that exceed them, and the step's check run must show the tail of the log.",
  async run(ctx: RowContext): Promise<RowResult> {
    const bytes = ctx.short ? 100 * MiB : 1024 * MiB;
    const s = await ActionScene.create({
      plan: tracedPlan({
        steps: [
          { id: 'one' },
          {
            id: 'flood',
            body: `{ yes 'proceed reliability: a line of output' || true; } | head -c ${bytes}`,
          },
          { id: 'three' },
        ],
      }),
    });
    try {
      await s.pullRequest('opened');
      const run = s.startComment('bob', '/proceed');
      let peak = 0;
      let samples = 0;
      let flooding: { from: number; to?: number } | undefined;
      const sampler = setInterval(() => {
        const rss = residentBytes(run.pid);
        if (rss === undefined) return;
        const trace = s.trace();
        if (!flooding && trace.some((e) => e.id === 'flood')) flooding = { from: performance.now() };
        if (flooding && !flooding.to && trace.some((e) => e.kind === 'end' && e.id === 'flood'))
          flooding.to = performance.now();
        peak = Math.max(peak, rss);
        if (flooding && !flooding.to) samples++;
      }, 20);
      const exit = await run.exit;
      clearInterval(sampler);
      const seconds = flooding?.to ? (flooding.to - flooding.from) / 1000 : NaN;
      const problems: string[] = [];
      for (const r of s.fake.requests)
        for (const o of oversized(r.body)) problems.push(`${r.method} ${r.path}: ${o}`);
      problems.push(...s.violations());
      const flood = s.checks('proceed/flood').at(-1);
      if (flood?.conclusion !== 'success') problems.push(`proceed/flood is ${flood?.conclusion}`);
      if (!/bytes of output are not shown/.test(flood?.output.text ?? ''))
        problems.push("proceed/flood's log does not say output was cut");
      if (s.state()?.state !== 'verified')
        problems.push(`the plan ended ${s.state()?.state}: ${exit.tail.slice(-300)}`);
      if (samples < 3) problems.push(`only ${samples} RSS samples while the step ran`);
      const ok = peak < RSS_BAR && problems.length === 0;
      return {
        row: this.name,
        figure:
          `${Math.round(bytes / MiB)} MiB printed in ${seconds.toFixed(1)} s: peak RSS ${(peak / MiB).toFixed(0)} MiB ` +
          `(${samples} samples); ${s.fake.requests.length} requests, ${problems.length} bodies over GitHub's limits or refused`,
        bar: this.bar,
        ok,
        detail: problems.slice(0, 5),
      };
    } finally {
      await s.dispose();
    }
  },
};

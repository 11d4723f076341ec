/** Plans the benchmarks run: trivial ones for the flows, and the largest valid one for parsing and rendering. */
import { MAX_PLAN_BYTES } from '../src/plan/parse.js';
import { MAX_PLAN_STEPS } from '../src/plan/schema.js';

export const PLAN_PATH = 'deploy/bench.plan.yml';

/** `steps` steps that each run `true`, with estimates and a verify phase so the plan draws no warning. */
export function trivialPlan(steps: number): string {
  const lines = ['version: 1', `title: Bench plan with ${steps} steps`, 'steps:'];
  for (let i = 1; i <= steps; i++)
    lines.push(`  - id: step-${i}`, `    name: Step ${i}`, `    run: "true step-${i}"`, '    estimate: 1m');
  lines.push('verify:', '  tests: "true"');
  return `${lines.join('\n')}\n`;
}

const SENTENCE =
  'Copy the next batch of rows, compare checksums on both sides, and record the high-water mark. ';

/** `count` lines of prose, each indented by `indent` (for a YAML block scalar). */
function prose(count: number, indent: string, label: string): string[] {
  return Array.from({ length: count }, (_, i) => `${indent}${label} line ${i + 1}: ${SENTENCE.trim()}`);
}

/**
 * The largest plan the product accepts: the step cap, every field used, long descriptions and
 * commands, grown until one more line per step would pass `MAX_PLAN_BYTES`.
 */
export function largestPlan(): string {
  const build = (linesPerStep: number): string => {
    const out = [
      'version: 1',
      'title: Move every regional database to the new cluster',
      'description: |',
      ...prose(40, '  ', 'Plan'),
      'requirements:',
      ...Array.from({ length: 20 }, (_, i) => `  - "Requirement ${i + 1}: ${SENTENCE.trim()}"`),
      'risks:',
      ...Array.from({ length: 20 }, (_, i) => `  - "Risk ${i + 1}: ${SENTENCE.trim()}"`),
      'config:',
      '  allow_skip: true',
      'steps:',
    ];
    for (let i = 1; i <= MAX_PLAN_STEPS; i++) {
      out.push(
        `  - id: region-${i}`,
        `    name: Migrate region ${i} of the fleet`,
        '    description: |',
        ...prose(linesPerStep, '      ', `Step ${i}`),
        '    run: |',
        ...Array.from(
          { length: linesPerStep },
          (_, j) => `      ./scripts/migrate.sh --region ${i} --batch ${j + 1} --verify-checksums --resume`,
        ),
        `    rollback: ./scripts/rollback.sh --region ${i}`,
        '    shell: bash',
        '    working-directory: db',
        `    env: { REGION: "region-${i}", BATCH_SIZE: 1000, DRY_RUN: false }`,
        '    timeout: 30m',
        '    estimate: 5m',
        `    checkpoint: ${i % 10 === 0}`,
      );
    }
    out.push(
      'verify:',
      ...Array.from({ length: 10 }, (_, i) => `  check-${i + 1}: ./scripts/check.sh ${i + 1}`),
    );
    return `${out.join('\n')}\n`;
  };
  const size = (lines: number) => Buffer.byteLength(build(lines));
  // Nearly linear in the lines per step (numbers gain digits), so estimate, then step down to fit.
  let lines = 1 + Math.floor((MAX_PLAN_BYTES - size(1)) / (size(2) - size(1)));
  while (size(lines) > MAX_PLAN_BYTES) lines--;
  return build(lines);
}

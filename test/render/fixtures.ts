import type { StepResult, StepStatus } from '../../src/execute/events.js';
import type { Plan, PlanInput } from '../../src/plan/schema.js';
import { planSchema } from '../../src/plan/schema.js';

/** A plan like SPEC §1's example: estimates, a checkpoint, a rollback, env and a verify phase. */
export function migrationPlan(overrides: Partial<PlanInput> = {}): Plan {
  return planSchema.parse({
    version: 1,
    title: 'Migrate user data from MySQL to PostgreSQL',
    description: 'Move the users table with at most 30 minutes of downtime.',
    requirements: ['Data volume: ~50,000 records', 'Downtime: at most 30 minutes'],
    risks: ['Data mismatch requiring rollback'],
    estimate: '15m',
    steps: [
      {
        id: 'schema',
        name: 'Schema analysis',
        description: 'Export the MySQL schema and convert it.',
        run: './scripts/convert-schema.sh',
        'working-directory': 'db',
        env: { TARGET: 'postgres' },
        timeout: '10m',
        estimate: '2m',
      },
      {
        name: 'Execute migration',
        run: './scripts/migrate.sh',
        checkpoint: true,
        rollback: './scripts/rollback.sh',
        estimate: '10m',
      },
      { name: 'Cutover', run: './scripts/cutover.sh', estimate: '3m' },
    ],
    verify: {
      tests: 'npm test',
      lint: 'npm run lint',
      counts: { run: './scripts/compare-counts.sh', timeout: '5m' },
    },
    ...overrides,
  });
}

/** Text that would do harm if any renderer let it through as markup. */
export const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</details><details open><summary>pwned</summary>',
  '<!-- proceed-state: {"state":"approved"} -->',
  '@octocat and @github/security-team',
  '[click](javascript:alert(1)) ![x](https://evil.example/x.png)',
  '```\n# fence break\n```',
  '````\nlonger fence\n````',
  '~~~\nbreak\n~~~',
  '| a | b |\n|---|---|\n| c | d |',
  '# Heading\n- list\n1. item\n> quote\n    indented\n===',
  'line1\r\nline2\rline3',
  'safe\u202Eevil\u202C',
  '\u001b[2J\u001b[31mred\u001b[0m',
  '"quotes" `ticks` #quot; %%{init: {}}%% ; end',
  '<https://evil.example> &lt;b&gt;',
];

export const HOSTILE = PAYLOADS.join('\n');

/** Every string field of a plan filled with `PAYLOADS`. */
export function hostilePlan(): Plan {
  return planSchema.parse({
    version: 1,
    title: 'Deploy <script>alert(1)</script> @octocat <!-- x --> [a](javascript:b) | `tick` </details>',
    description: HOSTILE,
    requirements: PAYLOADS,
    risks: PAYLOADS,
    steps: PAYLOADS.map((payload, i) => ({
      id: `s${i + 1}`,
      name: payload.slice(0, 200),
      description: HOSTILE,
      run: payload,
      rollback: payload,
      'working-directory': payload,
      env: { PAYLOAD: payload },
      estimate: '1m',
      checkpoint: i === 3,
    })),
    verify: {
      ...Object.fromEntries(PAYLOADS.map((payload, i) => [`check-${i + 1}`, payload])),
      long: { run: HOSTILE, 'working-directory': '<!-- @octocat -->', timeout: '1m' },
    },
  });
}

/** A plan at the limits: 50 steps with 20 KB commands and rollbacks and 10 KB descriptions. */
export function hugePlan(): Plan {
  const filler = (n: number, unit: string) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  return planSchema.parse({
    version: 1,
    title: 'A very large plan',
    description: filler(10_000, 'Lorem ipsum <dolor> sit amet. '),
    requirements: Array.from({ length: 200 }, (_, i) => `Requirement ${i}: ${filler(500, 'word ')}`),
    risks: Array.from({ length: 200 }, (_, i) => `Risk ${i}: ${filler(500, 'danger ')}`),
    steps: Array.from({ length: 50 }, (_, i) => ({
      id: `step-${i + 1}`,
      name: `Step number ${i + 1} ${filler(150, 'name ')}`,
      description: filler(10_000, 'This step does something <important>. '),
      run: filler(20_000, 'echo "```" && printf "<!-- %s -->\\n" @team\n'),
      rollback: filler(20_000, 'undo `x`\n'),
      env: Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`VAR_${k}`, filler(300, 'v')])),
      estimate: '1m',
      checkpoint: i % 10 === 9,
    })),
    verify: Object.fromEntries(
      Array.from({ length: 40 }, (_, k) => [`check-${k}`, filler(5_000, 'npm test\n')]),
    ),
  });
}

export function result(
  id: string,
  status: StepStatus,
  durationMs: number,
  extra: Partial<StepResult> = {},
): StepResult {
  return {
    id,
    status,
    exitCode: status === 'success' ? 0 : status === 'failure' ? 1 : null,
    signal: null,
    startedAt: '2024-05-01T12:00:00.000Z',
    durationMs,
    tail: '',
    droppedBytes: 0,
    ...extra,
  };
}

import { describe, expect, it } from 'vitest';
import { diffLines, diffPlans, isEmptyDelta } from '../../src/plan/delta.js';
import { planSchema, type Plan, type PlanInput } from '../../src/plan/schema.js';

function plan(steps: PlanInput['steps'], extra: Partial<PlanInput> = {}): Plan {
  return planSchema.parse({ version: 1, title: 'Migrate', steps, ...extra });
}

const BASE: PlanInput['steps'] = [
  { id: 'backup', name: 'Back up', run: 'pg_dump > backup.sql' },
  { id: 'migrate', name: 'Migrate', run: 'psql -f 001.sql\npsql -f 002.sql', timeout: '5m' },
  { id: 'switch', name: 'Switch traffic', run: 'kubectl apply -f live.yml', checkpoint: true },
];

describe('diffPlans', () => {
  it('finds nothing between a plan and itself, even written with its defaults spelled out', () => {
    const spelled = BASE.map((s) => ({ shell: 'bash' as const, checkpoint: false, ...s }));
    expect(isEmptyDelta(diffPlans(plan(BASE), plan(spelled)))).toBe(true);
  });

  it('names the one step whose command changed, with the command before and after', () => {
    const after = BASE.map((s) =>
      s.id === 'migrate' ? { ...s, run: 'psql -f 001.sql\npsql -f 003.sql' } : s,
    );
    const d = diffPlans(plan(BASE), plan(after));
    expect(d.changed).toEqual([
      {
        id: 'migrate',
        name: 'Migrate',
        position: 2,
        changes: [
          {
            field: 'run',
            before: 'psql -f 001.sql\npsql -f 002.sql',
            after: 'psql -f 001.sql\npsql -f 003.sql',
          },
        ],
      },
    ]);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.moved).toEqual([]);
    expect(isEmptyDelta(d)).toBe(false);
  });

  it('tells added, removed and moved steps apart, a move counting only the steps that left their order', () => {
    const after: PlanInput['steps'] = [
      BASE[2]!,
      { id: 'seed', name: 'Seed', run: 'make seed' },
      BASE[0]!,
      // migrate is removed
    ];
    const d = diffPlans(plan(BASE), plan(after));
    expect(d.added).toEqual([{ id: 'seed', name: 'Seed', position: 2 }]);
    expect(d.removed).toEqual([{ id: 'migrate', name: 'Migrate', position: 2 }]);
    // backup and switch swapped: one of them moved, not both.
    expect(d.moved).toEqual([{ id: 'backup', name: 'Back up', from: 1, to: 3 }]);
  });

  it('reports settings: timeout, checkpoint, environment, working directory, unset values', () => {
    const after = BASE.map((s) =>
      s.id === 'migrate'
        ? { ...s, timeout: undefined, env: { PGHOST: 'db' }, 'working-directory': 'db' }
        : s.id === 'switch'
          ? { ...s, checkpoint: false }
          : s,
    );
    const d = diffPlans(plan(BASE), plan(after));
    const fields = Object.fromEntries(d.changed.map((c) => [c.id, c.changes]));
    expect(fields.migrate).toEqual([
      { field: 'working-directory', after: 'db' },
      { field: 'env', after: 'PGHOST=db' },
      { field: 'timeout', before: '5m' },
    ]);
    expect(fields.switch).toEqual([{ field: 'checkpoint', before: 'true', after: 'false' }]);
  });

  it('compares the verify phase by name and the plan’s own settings', () => {
    const before = plan(BASE, { verify: { tests: 'npm test', smoke: 'curl -f /health' } });
    const after = plan(BASE, {
      verify: { tests: { run: 'npm test -- --ci' }, lint: 'npm run lint' },
      environment: 'production',
      config: { allow_skip: true },
    });
    const d = diffPlans(before, after);
    expect(d.verify).toEqual({
      added: ['lint'],
      removed: ['smoke'],
      changed: [
        { name: 'tests', changes: [{ field: 'run', before: 'npm test', after: 'npm test -- --ci' }] },
      ],
    });
    expect(d.plan).toEqual([
      { field: 'environment', after: 'production' },
      { field: 'config.allow_skip', before: 'false', after: 'true' },
    ]);
  });
});

describe('diffLines', () => {
  it('keeps common lines and marks the fewest removed and added', () => {
    expect(diffLines('a\nb\nc\n', 'a\nx\nc')).toEqual([
      { kind: ' ', text: 'a' },
      { kind: '-', text: 'b' },
      { kind: '+', text: 'x' },
      { kind: ' ', text: 'c' },
    ]);
  });

  it('shows a very long script as removed then added, without a quadratic table', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `echo ${i}`).join('\n');
    const lines = diffLines(long, `${long}\necho end`);
    expect(lines.filter((l) => l.kind === '-')).toHaveLength(1000);
    expect(lines.filter((l) => l.kind === '+')).toHaveLength(1001);
  });
});

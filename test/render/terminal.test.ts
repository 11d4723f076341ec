import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/execute/events.js';
import { renderPlanText, renderReportText } from '../../src/render/terminal.js';
import { hostilePlan, migrationPlan, result } from './fixtures.js';

describe('renderPlanText shows the plan before approval', () => {
  const text = renderPlanText(migrationPlan());

  it('starts with the underlined title and the description', () => {
    expect(text.startsWith('Migrate user data from MySQL to PostgreSQL\n──────')).toBe(true);
    expect(text).toContain('\n\nMove the users table with at most 30 minutes of downtime.\n\n');
  });

  it('lists requirements and risks', () => {
    expect(text).toContain(
      'Requirements\n  • Data volume: ~50,000 records\n  • Downtime: at most 30 minutes',
    );
    expect(text).toContain('Risks\n  ! Data mismatch requiring rollback');
  });

  it('numbers the steps with their estimates, commands indented below', () => {
    expect(text).toContain(
      [
        '  1. Schema analysis  ~2m',
        '       Export the MySQL schema and convert it.',
        '       $ ./scripts/convert-schema.sh',
        '       in db · timeout 10m · TARGET=postgres',
      ].join('\n'),
    );
  });

  it('marks checkpoints and shows rollbacks', () => {
    expect(text).toContain(
      '  2. ⏸ Execute migration  ~10m  [checkpoint: stops before this step until you confirm]',
    );
    expect(text).toContain('       rollback: ./scripts/rollback.sh');
  });

  it('lists the verify phase with aligned names', () => {
    expect(text).toContain(
      'Verify\n  tests   npm test\n  lint    npm run lint\n  counts  ./scripts/compare-counts.sh  (timeout 5m)',
    );
  });

  it('ends with the total estimate', () => {
    expect(text.trimEnd().endsWith('Estimated time: 15m')).toBe(true);
  });

  it('is plain text, not Markdown', () => {
    expect(text).not.toMatch(/^#|\*\*|```|<details>/m);
  });
});

describe('renderPlanText details', () => {
  it('indents every line of a multi-line command under the first', () => {
    const plan = migrationPlan({ steps: [{ name: 'Two lines', run: 'make build\nmake test\n' }] });
    expect(renderPlanText(plan)).toContain('       $ make build\n         make test\n');
  });

  it('says when a step has no command and names a non-default shell', () => {
    const plan = migrationPlan({
      steps: [
        { name: 'Think', description: 'Decide.' },
        { name: 'Py', run: 'print(1)', shell: 'python' },
      ],
    });
    const text = renderPlanText(plan);
    expect(text).toContain('       (no command)');
    expect(text).toContain('shell python');
  });

  it('hides estimates when show_estimated_time is false', () => {
    const text = renderPlanText(migrationPlan({ config: { show_estimated_time: false } }));
    expect(text).not.toContain('~2m');
    expect(text).not.toContain('Estimated time');
  });

  it('says how many steps have estimates when the sum is incomplete', () => {
    const plan = migrationPlan({
      estimate: undefined,
      steps: [
        { name: 'A', run: 'a', estimate: '1m' },
        { name: 'B', run: 'b' },
      ],
    });
    expect(renderPlanText(plan)).toContain('Estimated time: at least 1m (1 of 2 steps has an estimate)');
  });

  it('says when the plan has no verify phase', () => {
    expect(renderPlanText(migrationPlan({ verify: undefined }))).toContain(
      'Verify\n  (no checks in the plan)',
    );
  });
});

describe('renderPlanText cannot drive the terminal', () => {
  const text = renderPlanText(hostilePlan());

  it('shows escape sequences, carriage returns and bidi overrides instead of emitting them', () => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/);
    expect(text).toContain('⟨U+001B⟩[2J');
    expect(text).toContain('⟨U+202E⟩');
    expect(text).toContain('line2⟨U+000D⟩line3');
  });
});

describe('renderReportText at the end of proceed run', () => {
  const plan = migrationPlan();
  const verified: VerifyResult = {
    status: 'success',
    checks: [result('tests', 'success', 12_000), result('lint', 'success', 3_000)],
  };

  it('shows each step’s time against its estimate, the checks, the total and the result', () => {
    const text = renderReportText(
      plan,
      [
        result('schema', 'success', 112_000),
        result('execute-migration', 'success', 630_000),
        result('cutover', 'success', 170_000),
      ],
      verified,
    );
    expect(text.startsWith('Report: Migrate user data from MySQL to PostgreSQL\n')).toBe(true);
    expect(text).toContain('  ✔ 1. Schema analysis    1m52s  (estimated 2m, −8s)');
    expect(text).toContain('  ✔ 2. Execute migration  10m30s  (estimated 10m, +30s)');
    expect(text).toContain('Verify\n  ✔ tests  12s\n  ✔ lint   3s');
    expect(text).toContain('Total: 15m12s (estimated 15m); verify 15s');
    expect(text.trimEnd().endsWith('Result: verified, every step and every check passed')).toBe(true);
  });

  it('names the failed step and marks the rest as not run', () => {
    const text = renderReportText(
      plan,
      [
        result('schema', 'success', 1_000),
        result('execute-migration', 'failure', 3_000, { reason: 'exited with code 1' }),
      ],
      undefined,
    );
    expect(text).toContain('  ✘ 2. Execute migration  3s · failed, exit code 1\n');
    expect(text).toContain('  · 3. Cutover            not run');
    expect(text).toContain('Result: failed at step 2 "Execute migration"');
  });

  it('counts attempts of a retried step', () => {
    const text = renderReportText(
      plan,
      [result('schema', 'failure', 1_000), result('schema', 'success', 2_000)],
      undefined,
    );
    expect(text).toContain('[2 attempts]');
    expect(text).toContain('Result: paused before step 2 "Execute migration"');
  });

  it('names the failing checks', () => {
    const failing: VerifyResult = { status: 'failure', checks: [result('tests', 'failure', 1_000)] };
    const text = renderReportText(
      plan,
      [
        result('schema', 'success', 1),
        result('execute-migration', 'success', 1),
        result('cutover', 'success', 1),
      ],
      failing,
    );
    expect(text).toContain('  ✘ tests  1s · failed, exit code 1');
    expect(text).toContain('Result: verification failed (tests)');
  });

  it('shows timeouts, cancellations and rollbacks', () => {
    const text = renderReportText(
      plan,
      [
        result('schema', 'success', 1_000),
        result('execute-migration', 'timed-out', 600_000),
        result('cutover', 'cancelled', 0),
        result('rollback:schema', 'success', 2_000),
      ],
      undefined,
    );
    expect(text).toContain('2. Execute migration  10m · timed out');
    expect(text).toContain('⊘ 3. Cutover            0ms · cancelled');
    expect(text).toContain('Rollback\n  ✔ rollback:schema  2s');
  });

  it('leaves estimates out when show_estimated_time is false', () => {
    const text = renderReportText(
      migrationPlan({ config: { show_estimated_time: false } }),
      [result('schema', 'success', 1_000)],
      undefined,
    );
    expect(text).not.toContain('estimated');
  });
});

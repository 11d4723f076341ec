import { describe, expect, it } from 'vitest';
import type { StepResult, VerifyResult } from '../../src/execute/events.js';
import { DEFAULT_MAX_LENGTH } from '../../src/render/markdown.js';
import { renderReport } from '../../src/render/report.js';
import { HOSTILE, hugePlan, migrationPlan, result } from './fixtures.js';
import { liveText, scanFences, tableAfter, tableCells } from '../support/markdown-structure.js';

const STEPS_TABLE = '| # | Step | Estimate | Actual | Δ | Status |';
const plan = migrationPlan();
const allPassed: StepResult[] = [
  result('schema', 'success', 112_000, { estimateMs: 120_000 }),
  result('execute-migration', 'success', 630_000, { estimateMs: 600_000 }),
  result('cutover', 'success', 180_000, { estimateMs: 180_000 }),
];
const verified: VerifyResult = {
  status: 'success',
  checks: [
    result('tests', 'success', 12_000),
    result('lint', 'success', 3_000),
    result('counts', 'success', 9_000),
  ],
};

describe('renderReport compares each step’s estimate with its actual time', () => {
  const report = renderReport(plan, allPassed, verified);

  it('heads the report with the outcome and the title', () => {
    expect(report.startsWith('## ✅ Verified: Migrate user data from MySQL to PostgreSQL\n')).toBe(true);
  });

  it('has one row per step with estimate, actual, difference and status, and a total row', () => {
    expect(tableAfter(report, STEPS_TABLE).slice(2)).toEqual([
      '| 1 | Schema analysis | 2m | 1m52s | −8s | ✅ Success |',
      '| 2 | Execute migration | 10m | 10m30s | +30s | ✅ Success |',
      '| 3 | Cutover | 3m | 3m | ±0s | ✅ Success |',
      '|  | **Total** | **15m** | **15m22s** | +22s |  |',
    ]);
  });

  it('sums up steps and checks in one line', () => {
    expect(report).toContain(
      '**3 of 3 steps** succeeded in **15m22s** (estimated 15m); **3 of 3 checks** passed.',
    );
  });

  it('lists the verify results', () => {
    expect(tableAfter(report, '| Check | Duration | Result |').slice(2)).toEqual([
      '| **tests** | 12s | ✅ Success |',
      '| **lint** | 3s | ✅ Success |',
      '| **counts** | 9s | ✅ Success |',
    ]);
  });

  it('ends with the result, like the pattern’s "Result: Complete"', () => {
    expect(report.trimEnd().endsWith('**Result:** ✅ Complete — every step and every check passed.')).toBe(
      true,
    );
  });

  it('has nothing to show under failures', () => {
    expect(report).not.toContain('What failed');
  });
});

describe('renderReport outcomes', () => {
  it('names the failed step and shows its reason and log tail', () => {
    const results = [
      allPassed[0]!,
      result('execute-migration', 'failure', 4_000, {
        reason: 'exited with code 1',
        tail: 'copying rows\nERROR: duplicate key\n',
        droppedBytes: 10,
      }),
    ];
    const report = renderReport(plan, results, undefined);
    expect(report.startsWith('## ❌ Failed: ')).toBe(true);
    expect(report).toContain('| 2 | Execute migration | 10m | 4s | −9m56s | ❌ Failed |');
    expect(report).toContain('| 3 | Cutover | 3m | — |  | ⚪ Not run |');
    expect(report).toContain('<summary>❌ <b>2. Execute migration</b> — exit code 1</summary>');
    expect(report).toContain('```text\ncopying rows\nERROR: duplicate key\n```');
    expect(report).toContain('Only the end of the output is shown');
    expect(report).toContain('**Result:** ❌ Failed at step 2 (**Execute migration**): exited with code 1');
  });

  it('drops the blank end of a log, and shows a log of only blanks as no output', () => {
    const withTail = (tail: string) =>
      renderReport(plan, [allPassed[0]!, result('execute-migration', 'failure', 4_000, { tail })], undefined);
    expect(withTail('done\n \t\r\n\u00a0\u2028\n')).toContain('```text\ndone\n```');
    expect(withTail(' \n\t\n')).toContain('_No output._');
  });

  it('counts attempts when a step was retried and uses the newest result', () => {
    const results = [allPassed[0]!, result('execute-migration', 'failure', 4_000), ...allPassed.slice(1)];
    const report = renderReport(plan, results, verified);
    expect(report).toContain('| 2 | Execute migration | 10m | 10m30s | +30s | ✅ Success (2 attempts) |');
    expect(report).toContain('**15m26s**');
    expect(report.startsWith('## ✅ Verified')).toBe(true);
  });

  it('names the failing checks when verification failed', () => {
    const failing: VerifyResult = {
      status: 'failure',
      checks: [
        result('tests', 'success', 1_000),
        result('lint', 'failure', 2_000, { tail: 'src/a.ts: 1 problem' }),
      ],
    };
    const report = renderReport(plan, allPassed, failing);
    expect(report.startsWith('## ❌ Verification failed: ')).toBe(true);
    expect(report).toContain('**1 of 2 checks** passed');
    expect(report).toContain('<summary>❌ <b>verify: lint</b> — exit code 1</summary>');
    expect(report).toContain('**Result:** ❌ Verification failed: `lint`.');
  });

  it('reports a cancellation', () => {
    const results = [
      allPassed[0]!,
      result('execute-migration', 'cancelled', 0),
      result('cutover', 'cancelled', 0),
    ];
    const report = renderReport(plan, results, undefined);
    expect(report.startsWith('## 🚫 Cancelled: ')).toBe(true);
    expect(report).toContain('| 2 | Execute migration | 10m | 0ms |  | 🚫 Cancelled |');
  });

  it('says where a paused execution stopped', () => {
    const report = renderReport(plan, allPassed.slice(0, 1), undefined);
    expect(report.startsWith('## ⏸️ Paused: ')).toBe(true);
    expect(report).toContain('**Result:** ⏸️ Paused before step 2 (**Execute migration**).');
  });

  it('says which steps were skipped when the rest passed', () => {
    const results = [allPassed[0]!, result('execute-migration', 'skipped', 0), allPassed[2]!];
    const report = renderReport(plan, results, verified);
    expect(report).toContain('**2 of 3 steps** succeeded (1 skipped)');
    expect(report).toContain('1 step was skipped');
  });

  it('lists rollbacks separately', () => {
    const results = [...allPassed, result('rollback:execute-migration', 'success', 5_000)];
    const report = renderReport(plan, results, verified);
    expect(report).toContain('### ↩️ Rollback');
    expect(report).toContain('| **rollback:execute-migration** | 5s | ✅ Success |');
    expect(report).toContain('**15m22s**');
  });

  it('shows a killed or timed-out step for what it is', () => {
    const results = [
      result('schema', 'timed-out', 600_000, { exitCode: null, signal: 'SIGKILL', tail: 'waiting…' }),
    ];
    expect(renderReport(plan, results, undefined)).toContain('— timed out</summary>');
  });
});

describe('renderReport without estimates', () => {
  it('drops the estimate and difference columns when show_estimated_time is false', () => {
    const report = renderReport(
      migrationPlan({ config: { show_estimated_time: false } }),
      allPassed,
      verified,
    );
    expect(report).toContain('| # | Step | Actual | Status |');
    expect(report).not.toContain('Estimate');
    expect(report).not.toContain('estimated');
  });

  it('leaves the total difference out when only some steps have estimates', () => {
    const partial = migrationPlan({
      estimate: undefined,
      steps: [
        { name: 'A', run: 'a', estimate: '1m' },
        { name: 'B', run: 'b' },
      ],
    });
    const report = renderReport(
      partial,
      [result('a', 'success', 60_000), result('b', 'success', 1_000)],
      verified,
    );
    expect(report).toContain('| 2 | B | — | 1s |  | ✅ Success |');
    expect(report).toContain('|  | **Total** | **1m** | **1m1s** |  |  |');
    expect(report).toContain('(estimated at least 1m (1 of 2 steps has an estimate))');
  });
});

describe('renderReport keeps output and plan text inert', () => {
  const results = [result('schema', 'failure', 1_000, { reason: HOSTILE, tail: HOSTILE })];
  const verify: VerifyResult = {
    status: 'failure',
    checks: [result('tests', 'failure', 1_000, { tail: HOSTILE })],
  };
  const report = renderReport(
    migrationPlan({ title: '<!-- @octocat <script> [x](javascript:y) |' }),
    results,
    verify,
  );
  const live = liveText(report);

  it('contains no HTML comment opener', () => {
    expect(report).not.toContain('<!--');
  });

  it('lets no raw HTML, mention or link through', () => {
    expect(live).not.toMatch(/<script|<img|<summary>pwned|<https/i);
    expect(live).not.toMatch(/@[A-Za-z0-9]/);
    expect(live).not.toMatch(/(?<!\\)\]\(/);
  });

  it('keeps each log inside its fence', () => {
    const scan = scanFences(report);
    expect(scan.unclosed).toBe(false);
    expect(scan.fences.filter((f) => f.info === 'text')).toHaveLength(2);
    expect(live.split('<details>').length).toBe(3);
    expect(live.split('</details>').length).toBe(3);
  });

  it('keeps table rows whole', () => {
    for (const row of tableAfter(report, STEPS_TABLE)) expect(tableCells(row), row).toHaveLength(6);
  });
});

describe('renderReport stays under the size limit', () => {
  const big = hugePlan();
  const huge = 'x'.repeat(200) + '\n';
  const results = big.steps.map((s, i) =>
    result(s.id, i === 49 ? 'failure' : 'success', 1_000 * i, {
      tail: huge.repeat(500),
      reason: huge.repeat(50),
    }),
  );
  const failures = results.map((r) => ({ ...r, status: 'failure' as const }));
  const verify: VerifyResult = {
    status: 'failure',
    checks: Array.from({ length: 40 }, (_, k) =>
      result(`check-${k}`, 'failure', 1_000, { tail: huge.repeat(500) }),
    ),
  };

  it('fits 50 steps with large logs in GitHub’s limit and keeps the table and result', () => {
    const report = renderReport(big, failures, verify);
    expect(report.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(tableAfter(report, STEPS_TABLE)).toHaveLength(53);
    expect(report).toContain('**Result:**');
    expect(scanFences(report).unclosed).toBe(false);
  });

  it('fits a small limit and still ends with the result', () => {
    const report = renderReport(big, results, verify, { maxLength: 3_000 });
    expect(report.length).toBeLessThanOrEqual(3_000);
    expect(report.trimEnd().split('\n').pop()).toMatch(/^\*\*Result:\*\* ❌ Failed at step 50/);
  });
});

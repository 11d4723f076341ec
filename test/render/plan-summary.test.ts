import { describe, expect, it } from 'vitest';
import { checkpointIndexes } from '../../src/plan/checkpoints.js';
import {
  describeEstimate,
  formatDelta,
  latestStepResults,
  reportOutcome,
  rollbackResults,
  summarizeEstimate,
} from '../../src/render/plan-summary.js';
import { migrationPlan, result } from './fixtures.js';

describe('summarizeEstimate and describeEstimate', () => {
  const steps = [
    { name: 'A', run: 'a', estimate: '1m' },
    { name: 'B', run: 'b', estimate: '1h30m' },
    { name: 'C', run: 'c' },
  ];

  it('prefers the plan’s own estimate', () => {
    const summary = summarizeEstimate(migrationPlan({ estimate: '1h', steps }));
    expect(summary).toEqual({ totalMs: 3_600_000, fromPlan: true, estimatedSteps: 2, steps: 3 });
    expect(describeEstimate(summary)).toBe('1h');
  });

  it('sums the steps when every step has an estimate', () => {
    expect(
      describeEstimate(summarizeEstimate(migrationPlan({ estimate: undefined, steps: steps.slice(0, 2) }))),
    ).toBe('1h31m');
  });

  it('says "at least" and how many steps have estimates when some lack one', () => {
    expect(describeEstimate(summarizeEstimate(migrationPlan({ estimate: undefined, steps })))).toBe(
      'at least 1h31m (2 of 3 steps have estimates)',
    );
  });

  it('says when nothing is estimated', () => {
    const summary = summarizeEstimate(
      migrationPlan({ estimate: undefined, steps: [{ name: 'C', run: 'c' }] }),
    );
    expect(summary.totalMs).toBeUndefined();
    expect(describeEstimate(summary)).toBe('none (the step has no estimate)');
  });
});

describe('checkpointIndexes', () => {
  it('lists the steps marked checkpoint', () => {
    expect(checkpointIndexes(migrationPlan())).toEqual([1]);
  });

  it('adds every step after the first with checkpoint_between_steps', () => {
    expect(checkpointIndexes(migrationPlan({ config: { checkpoint_between_steps: true } }))).toEqual([1, 2]);
  });
});

describe('latestStepResults', () => {
  it('keeps the newest result of each plan step, counts attempts and ignores other ids', () => {
    const latest = latestStepResults(migrationPlan(), [
      result('schema', 'failure', 1),
      result('schema', 'success', 2),
      result('tests', 'success', 3),
      result('rollback:schema', 'success', 4),
    ]);
    expect([...latest.keys()]).toEqual(['schema']);
    expect(latest.get('schema')).toMatchObject({ attempts: 2, result: { status: 'success', durationMs: 2 } });
  });
});

describe('rollbackResults', () => {
  it('keeps only rollback results, in order', () => {
    const all = [
      result('schema', 'success', 1),
      result('rollback:b', 'success', 2),
      result('rollback:a', 'failure', 3),
    ];
    expect(rollbackResults(all).map((r) => r.id)).toEqual(['rollback:b', 'rollback:a']);
  });
});

describe('reportOutcome', () => {
  const plan = migrationPlan();
  const ok = ['schema', 'execute-migration', 'cutover'].map((id) => result(id, 'success', 1));

  it('is verified when every step ran and the verify phase passed', () => {
    expect(reportOutcome(plan, ok, { status: 'success', checks: [] })).toBe('verified');
  });

  it('is verify-failed when a check failed', () => {
    expect(reportOutcome(plan, ok, { status: 'failure', checks: [] })).toBe('verify-failed');
  });

  it('is failed when a step failed or timed out, even after others succeeded', () => {
    expect(reportOutcome(plan, [ok[0]!, result('execute-migration', 'timed-out', 1)], undefined)).toBe(
      'failed',
    );
  });

  it('is not failed once a retry of the failed step succeeded', () => {
    expect(
      reportOutcome(plan, [result('schema', 'failure', 1), ...ok], { status: 'success', checks: [] }),
    ).toBe('verified');
  });

  it('is cancelled when a step or the verify phase was cancelled', () => {
    expect(reportOutcome(plan, [ok[0]!, result('execute-migration', 'cancelled', 0)], undefined)).toBe(
      'cancelled',
    );
    expect(reportOutcome(plan, ok, { status: 'cancelled', checks: [] })).toBe('cancelled');
  });

  it('is paused when steps or the verify phase have not run', () => {
    expect(reportOutcome(plan, ok.slice(0, 1), undefined)).toBe('paused');
    expect(reportOutcome(plan, ok, undefined)).toBe('paused');
  });
});

describe('formatDelta', () => {
  it('signs the difference between actual and estimate', () => {
    expect(formatDelta(90_000, 60_000)).toBe('+30s');
    expect(formatDelta(60_000, 90_000)).toBe('−30s');
    expect(formatDelta(60_200, 60_000)).toBe('±0s');
  });
});

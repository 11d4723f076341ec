import type { ExecutionOutcome, StepResult, VerifyResult } from '../execute/events.js';
import { formatDuration, parseDuration } from '../plan/duration.js';
import type { Plan, Step } from '../plan/schema.js';

export function stepEstimateMs(step: Step): number | undefined {
  return step.estimate === undefined ? undefined : parseDuration(step.estimate);
}

export interface EstimateSummary {
  /** The plan's `estimate`, else the sum of the steps' estimates; undefined when nothing is estimated. */
  totalMs: number | undefined;
  /** Whether `totalMs` is the plan's own `estimate`. */
  fromPlan: boolean;
  /** How many steps have an `estimate`. */
  estimatedSteps: number;
  steps: number;
}

export function summarizeEstimate(plan: Plan): EstimateSummary {
  const estimates = plan.steps.map(stepEstimateMs).filter((ms): ms is number => ms !== undefined);
  const sum = estimates.length > 0 ? estimates.reduce((a, b) => a + b, 0) : undefined;
  return {
    totalMs: plan.estimate !== undefined ? parseDuration(plan.estimate) : sum,
    fromPlan: plan.estimate !== undefined,
    estimatedSteps: estimates.length,
    steps: plan.steps.length,
  };
}

/**
 * `15m`; `at least 12m (5 of 8 steps have estimates)` when the sum is incomplete; `none (no step
 * has an estimate)` when there is nothing to add up.
 */
export function describeEstimate(summary: EstimateSummary): string {
  const { totalMs, fromPlan, estimatedSteps, steps } = summary;
  if (totalMs !== undefined && (fromPlan || estimatedSteps === steps)) return formatDuration(totalMs);
  if (totalMs === undefined)
    return steps === 1 ? 'none (the step has no estimate)' : 'none (no step has an estimate)';
  const coverage = `${estimatedSteps} of ${steps} steps ${estimatedSteps === 1 ? 'has an estimate' : 'have estimates'}`;
  return `at least ${formatDuration(totalMs)} (${coverage})`;
}

/** The estimate beside an actual total: `estimated 15m`, or `no estimate` when nothing is estimated. */
export function estimatedAside(summary: EstimateSummary): string {
  return summary.totalMs === undefined ? 'no estimate' : `estimated ${describeEstimate(summary)}`;
}

export interface StepOutcome {
  /** The newest result for the step (a retry replaces an earlier failure). */
  result: StepResult;
  attempts: number;
}

/** The newest result of each step of the plan, by step id; results of anything else are left out. */
export function latestStepResults(plan: Plan, results: StepResult[]): Map<string, StepOutcome> {
  const ids = new Set(plan.steps.map((s) => s.id));
  const latest = new Map<string, StepOutcome>();
  for (const result of results) {
    if (!ids.has(result.id)) continue;
    const previous = latest.get(result.id);
    latest.set(result.id, { result, attempts: (previous?.attempts ?? 0) + 1 });
  }
  return latest;
}

/** Results of `/rollback` (ids `rollback:<step id>`), in the order they ran. */
export function rollbackResults(results: StepResult[]): StepResult[] {
  return results.filter((r) => r.id.startsWith('rollback:'));
}

/** How an execution ended, as far as its results tell. */
export function reportOutcome(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
): ExecutionOutcome {
  const latest = latestStepResults(plan, results);
  const statuses = plan.steps.map((s) => latest.get(s.id)?.result.status);
  if (statuses.some((s) => s === 'failure' || s === 'timed-out')) return 'failed';
  if (statuses.includes('cancelled') || verify?.status === 'cancelled') return 'cancelled';
  if (statuses.includes(undefined) || verify === undefined) return 'paused';
  return verify.status === 'success' ? 'verified' : 'verify-failed';
}

/** `+1m30s`, `−8s`, `±0s`: actual minus estimate. */
export function formatDelta(actualMs: number, estimateMs: number): string {
  const delta = actualMs - estimateMs;
  if (Math.abs(delta) < 500) return '±0s';
  return `${delta > 0 ? '+' : '−'}${formatDuration(Math.abs(delta))}`;
}

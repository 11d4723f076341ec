/**
 * Where a plan stops for confirmation: the checkpoints the executor pauses at and every view of the
 * plan marks. Kept beside the plan format, since both the executor and the renderers read it.
 */
import type { Plan } from './schema.js';

/** Whether execution stops before step `index` (0-based) until someone confirms with `/proceed`. */
export function stopsBefore(plan: Plan, index: number): boolean {
  const step = plan.steps[index];
  if (!step) return false;
  return !!step.checkpoint || (plan.config.checkpoint_between_steps && index > 0);
}

/** 0-based indexes of the steps execution stops before. */
export function checkpointIndexes(plan: Plan): number[] {
  return plan.steps.flatMap((_, i) => (stopsBefore(plan, i) ? [i] : []));
}

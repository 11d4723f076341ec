/**
 * The comment an execution ends with: the checkpoint it paused at, the step it stopped on, the
 * cancellation, or the completion report — each listing the commands the lifecycle table offers there.
 */
import type { ExecutionReport } from '../execute/executor.js';
import type { Plan } from '../plan/schema.js';
import { offered, type LifecycleCommand, type LifecycleState } from '../plan/lifecycle.js';
import { codeSpan } from '../render/markdown.js';
import { renderReport } from '../render/report.js';
import type { ValidView } from './decide.js';
import { escapeReason, whoMayConfirm } from './run-checks.js';
import type { StoredState } from './state.js';
import { stepCheckName } from './view.js';

export function outcomeComment(
  view: ValidView,
  report: ExecutionReport,
  stored: StoredState,
): string | undefined {
  const { plan } = view.plan;
  const step = report.next ? plan.steps[report.next.index] : undefined;
  switch (report.outcome) {
    case 'paused':
      return step
        ? `### ⏸️ Checkpoint before step ${report.next!.index + 1}: ${codeSpan(step.name)}\n\n` +
            `Steps so far succeeded. The plan stops here until someone allowed confirms.${whoMayConfirm(step)}\n\n` +
            ways(plan, 'paused', {
              proceed: `- \`/proceed\` runs step ${report.next!.index + 1} and continues`,
              skip: '- `/skip` skips it and continues',
              cancel: '- `/cancel` stops here',
            })
        : undefined;
    case 'failed': {
      const last = [...report.results].reverse().find((r) => r.id === report.next?.stepId);
      const why = last
        ? `${last.status === 'timed-out' ? 'timed out' : `failed with exit ${last.exitCode ?? last.signal ?? '—'}`}`
        : 'stopped';
      return (
        `### ⛔ STOP: step ${(report.next?.index ?? 0) + 1}${step ? `, ${codeSpan(step.name)},` : ''} ${why}\n\n` +
        `${report.reason ? `${escapeReason(report.reason)}\n\n` : ''}The plan assumed it would succeed, so nothing after it ran. ` +
        `The log is in the ${codeSpan(stepCheckName(report.next?.stepId ?? ''))} check.\n\n` +
        ways(plan, 'failed', {
          retry: '- `/retry` runs it again, then continues',
          skip: '- `/skip` skips it and continues',
          cancel: '- `/cancel` stops here',
          rollback: '- `/rollback` undoes the completed steps, newest first',
        })
      );
    }
    case 'cancelled':
      return `### ⊘ Cancelled\n\n${report.reason ? escapeReason(report.reason) : 'The execution was cancelled.'} Steps not run are marked cancelled.`;
    default:
      return (
        renderReport(plan, report.results, report.verify) +
        (stored.state === 'verify-failed'
          ? `\n\n${ways(plan, 'verify-failed', { retry: '`/retry` runs the verify phase again.' })}`
          : '')
      );
  }
}

/** The lines for the commands the lifecycle table offers in `state` (and the plan allows), in the table's order. */
function ways(plan: Plan, state: LifecycleState, text: Partial<Record<LifecycleCommand, string>>): string {
  const allows = { skip: plan.config.allow_skip, rollback: plan.steps.some((s) => s.rollback !== undefined) };
  return offered(state, allows)
    .flatMap((command) => text[command] ?? [])
    .join('\n');
}

import type { ExecutionOutcome, StepResult, VerifyResult } from '../execute/events.js';
import { formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import {
  clipStart,
  codeSpan,
  escapeHtml,
  escapeInline,
  DEFAULT_MAX_LENGTH,
  escapeText,
  fencedBlock,
  fitByCutting,
  formatCount,
  omissionNote,
  table,
  truncate,
} from './markdown.js';
import type { StepOutcome } from './plan-summary.js';
import {
  estimatedAside,
  formatDelta,
  latestStepResults,
  reportOutcome,
  rollbackResults,
  stepEstimateMs,
  summarizeEstimate,
} from './plan-summary.js';
import { OUTCOME_LABEL, stepStatusLabel } from './status.js';

/** How much of the results' free text fits; the renderer steps down until the body fits. */
interface Budget {
  /** Characters of a failure's log tail (0: no failure details). */
  tail: number;
  /** Characters of a failure's reason. */
  reason: number;
  /** Characters of a step name in a table. */
  name: number;
  /** Rows of the verify and rollback tables. */
  items: number;
}

const BUDGETS: Budget[] = [
  { tail: 3000, reason: 2000, name: Infinity, items: Infinity },
  { tail: 1500, reason: 500, name: Infinity, items: Infinity },
  { tail: 600, reason: 300, name: Infinity, items: 100 },
  { tail: 200, reason: 200, name: 80, items: 50 },
  { tail: 0, reason: 120, name: 60, items: 30 },
  { tail: 0, reason: 0, name: 40, items: 10 },
];

/**
 * The completion report comment: each step's estimate against its actual time and status, the
 * totals, the verify phase and the outcome. Stays within `opts.maxLength` (default
 * `DEFAULT_MAX_LENGTH`) whatever the results hold.
 */
export function renderReport(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
  opts: { maxLength?: number } = {},
): string {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  let body = '';
  for (const budget of BUDGETS) {
    body = composeReport(plan, results, verify, budget);
    if (body.length <= maxLength) return body;
  }
  const result = `${resultLine(plan, results, verify, BUDGETS[BUDGETS.length - 1]!)}\n`;
  return fitByCutting(body, maxLength, result, 'see the check runs');
}

function composeReport(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
  budget: Budget,
): string {
  const outcome = reportOutcome(plan, results, verify);
  const sections = [
    `## ${OUTCOME_LABEL[outcome]}: ${escapeInline(plan.title)}`,
    summaryLine(plan, results, verify),
    stepsTable(plan, results, budget),
    verify ? verifyTable(verify, budget) : '',
    rollbackTable(results, budget),
    budget.tail > 0 ? failureDetails(plan, results, verify, budget) : '',
    resultLine(plan, results, verify, budget),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${n === 1 ? word : `${word}s`}`;
}

function stepsTotalMs(plan: Plan, results: StepResult[]): number {
  const ids = new Set(plan.steps.map((s) => s.id));
  return results.filter((r) => ids.has(r.id)).reduce((sum, r) => sum + r.durationMs, 0);
}

function summaryLine(plan: Plan, results: StepResult[], verify: VerifyResult | undefined): string {
  const latest = [...latestStepResults(plan, results).values()];
  const succeeded = latest.filter((o) => o.result.status === 'success').length;
  const skipped = latest.filter((o) => o.result.status === 'skipped').length;
  const showEstimates = plan.config.show_estimated_time;
  const estimate = summarizeEstimate(plan);
  let line = `**${succeeded} of ${plural(plan.steps.length, 'step')}** succeeded`;
  if (skipped) line += ` (${formatCount(skipped)} skipped)`;
  line += ` in **${formatDuration(stepsTotalMs(plan, results))}**`;
  if (showEstimates) line += ` (${estimatedAside(estimate)})`;
  if (verify) {
    const passed = verify.checks.filter((c) => c.status === 'success').length;
    line += `; **${passed} of ${plural(verify.checks.length, 'check')}** passed`;
  }
  return `${line}.`;
}

function statusCell(outcome: StepOutcome | undefined): string {
  if (!outcome) return '⚪ Not run';
  const label = stepStatusLabel(outcome.result.status);
  return outcome.attempts > 1 ? `${label} (${outcome.attempts} attempts)` : label;
}

function stepsTable(plan: Plan, results: StepResult[], budget: Budget): string {
  const showEstimates = plan.config.show_estimated_time;
  const latest = latestStepResults(plan, results);
  const columns = [
    '#',
    'Step',
    ...(showEstimates ? ['Estimate'] : []),
    'Actual',
    ...(showEstimates ? ['Δ'] : []),
    'Status',
  ];
  const align = columns.map((c) => (c === 'Step' || c === 'Status' ? 'left' : 'right'));
  const rows = plan.steps.map((step, i) => {
    const outcome = latest.get(step.id);
    const estimateMs = outcome?.result.estimateMs ?? stepEstimateMs(step);
    const actualMs = outcome?.result.durationMs;
    // A skipped or cancelled step did not run, so its time says nothing about the estimate.
    const ran =
      outcome !== undefined && outcome.result.status !== 'skipped' && outcome.result.status !== 'cancelled';
    const delta =
      ran && estimateMs !== undefined && actualMs !== undefined ? formatDelta(actualMs, estimateMs) : '';
    return [
      String(i + 1),
      escapeInline(truncate(step.name, budget.name, { compact: true })),
      ...(showEstimates ? [estimateMs === undefined ? '—' : formatDuration(estimateMs)] : []),
      actualMs === undefined ? '—' : formatDuration(actualMs),
      ...(showEstimates ? [delta] : []),
      statusCell(outcome),
    ];
  });
  const totalMs = stepsTotalMs(plan, results);
  const estimate = summarizeEstimate(plan);
  const totalEstimate = estimate.totalMs === undefined ? '—' : formatDuration(estimate.totalMs);
  const totalDelta =
    estimate.totalMs !== undefined && (estimate.fromPlan || estimate.estimatedSteps === estimate.steps)
      ? formatDelta(totalMs, estimate.totalMs)
      : '';
  rows.push([
    '',
    '**Total**',
    ...(showEstimates ? [`**${totalEstimate}**`] : []),
    `**${formatDuration(totalMs)}**`,
    ...(showEstimates ? [totalDelta] : []),
    '',
  ]);
  return `### 🪜 Steps\n\n${table(columns, align, rows)}`;
}

function checkRows(checks: StepResult[], budget: Budget): string[][] {
  return checks
    .slice(0, budget.items)
    .map((c) => [
      `**${escapeInline(truncate(c.id, budget.name, { compact: true }))}**`,
      formatDuration(c.durationMs),
      stepStatusLabel(c.status),
    ]);
}

function verifyTable(verify: VerifyResult, budget: Budget): string {
  if (verify.checks.length === 0) return '### 🔍 Verify\n\nNo checks were defined.';
  const parts = [
    '### 🔍 Verify',
    table(['Check', 'Duration', 'Result'], ['left', 'right', 'left'], checkRows(verify.checks, budget)),
  ];
  if (verify.checks.length > budget.items)
    parts.push(omissionNote(verify.checks.length - budget.items, 'checks'));
  return parts.join('\n\n');
}

function rollbackTable(results: StepResult[], budget: Budget): string {
  const rollbacks = rollbackResults(results);
  if (rollbacks.length === 0) return '';
  const parts = [
    '### ↩️ Rollback',
    table(['Rollback of', 'Duration', 'Result'], ['left', 'right', 'left'], checkRows(rollbacks, budget)),
  ];
  if (rollbacks.length > budget.items) parts.push(omissionNote(rollbacks.length - budget.items, 'rollbacks'));
  return parts.join('\n\n');
}

function endedHow(result: StepResult): string {
  if (result.status === 'timed-out') return 'timed out';
  if (result.exitCode !== null) return `exit code ${result.exitCode}`;
  if (result.signal !== null) return `killed by ${result.signal}`;
  return result.status;
}

function failureDetails(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
  budget: Budget,
): string {
  const failed = (r: StepResult) => r.status === 'failure' || r.status === 'timed-out';
  const items: { title: string; result: StepResult }[] = [];
  const latest = latestStepResults(plan, results);
  plan.steps.forEach((step, i) => {
    const outcome = latest.get(step.id);
    if (outcome && failed(outcome.result))
      items.push({ title: `${i + 1}. ${step.name}`, result: outcome.result });
  });
  for (const check of verify?.checks ?? [])
    if (failed(check)) items.push({ title: `verify: ${check.id}`, result: check });
  for (const rollback of rollbackResults(results))
    if (failed(rollback)) items.push({ title: rollback.id, result: rollback });
  if (items.length === 0) return '';
  const blocks = items.slice(0, budget.items).map(({ title, result }) => {
    const parts = [
      `<details>\n<summary>❌ <b>${escapeHtml(title)}</b> — ${escapeHtml(endedHow(result))}</summary>`,
    ];
    if (result.reason) parts.push(escapeText(truncate(result.reason, budget.reason)));
    // trimEnd drops what /\s+$/ matches, without scanning the whole log for it on every budget.
    const tail = clipStart(result.tail.trimEnd(), budget.tail);
    if (tail.text !== '') {
      parts.push(fencedBlock(tail.text, 'text'));
      if (tail.omitted > 0 || result.droppedBytes > 0)
        parts.push('_Only the end of the output is shown; see the check run for more._');
    } else parts.push('_No output._');
    parts.push('</details>');
    return parts.join('\n\n');
  });
  if (items.length > budget.items)
    blocks.push(omissionNote(items.length - budget.items, 'failures', 'see the check runs'));
  return `### 🔎 What failed\n\n${blocks.join('\n\n')}`;
}

function stepName(plan: Plan, id: string, budget: Budget): string {
  const index = plan.steps.findIndex((s) => s.id === id);
  const step = plan.steps[index];
  if (!step) return codeSpan(id);
  return `step ${index + 1} (**${escapeInline(truncate(step.name, Math.min(budget.name, 80), { compact: true }))}**)`;
}

function resultLine(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
  budget: Budget,
): string {
  const outcome: ExecutionOutcome = reportOutcome(plan, results, verify);
  const latest = latestStepResults(plan, results);
  const firstWith = (statuses: string[]) =>
    plan.steps.find((s) => {
      const status = latest.get(s.id)?.result.status;
      return status !== undefined && statuses.includes(status);
    });
  let text: string;
  switch (outcome) {
    case 'verified': {
      const skipped = [...latest.values()].filter((o) => o.result.status === 'skipped').length;
      text = skipped
        ? `✅ Complete — every check passed; ${plural(skipped, 'step')} ${skipped === 1 ? 'was' : 'were'} skipped.`
        : '✅ Complete — every step and every check passed.';
      break;
    }
    case 'failed': {
      const step = firstWith(['failure', 'timed-out']);
      const reason = step ? latest.get(step.id)?.result.reason : undefined;
      const why =
        reason && budget.reason > 0
          ? `: ${escapeInline(truncate(reason, Math.min(budget.reason, 300)))}`
          : '.';
      text = `❌ Failed at ${step ? stepName(plan, step.id, budget) : 'a step'}${why}`;
      break;
    }
    case 'verify-failed': {
      const failing = (verify?.checks ?? []).filter((c) => c.status !== 'success').map((c) => c.id);
      const names = failing.slice(0, 10).map((id) => codeSpan(truncate(id, 60, { compact: true })));
      if (failing.length > names.length) names.push(`${failing.length - names.length} more`);
      text = `❌ Verification failed: ${names.join(', ') || 'the verify phase did not pass'}.`;
      break;
    }
    case 'cancelled':
      text = '🚫 Cancelled; steps that had not run are marked cancelled.';
      break;
    case 'paused': {
      const next = plan.steps.find((s) => !latest.has(s.id));
      text = next
        ? `⏸️ Paused before ${stepName(plan, next.id, budget)}.`
        : '⏸️ Paused before the verify phase.';
      break;
    }
  }
  return `**Result:** ${text}`;
}

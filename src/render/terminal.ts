import type { ExecutionOutcome, StepResult, VerifyResult } from '../execute/events.js';
import { formatDuration } from '../plan/duration.js';
import type { Plan, Verification } from '../plan/schema.js';
import { revealInvisible } from './markdown.js';
import {
  describeEstimate,
  estimatedAside,
  formatDelta,
  latestStepResults,
  reportOutcome,
  rollbackResults,
  stepEstimateMs,
  summarizeEstimate,
} from './plan-summary.js';
import { stopsBefore } from '../plan/checkpoints.js';
import { STEP_STATUS_MARK, STEP_STATUS_TEXT } from './status.js';

// Every plan string goes through `revealInvisible`: control characters (ANSI escapes, carriage
// returns, bidi overrides) show as `⟨U+001B⟩`, so a plan can neither repaint the terminal nor hide
// part of a command.

function oneLine(text: string): string {
  return revealInvisible(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** Every line of `text` after the first indented by `indent`. */
function hang(text: string, indent: string): string {
  return revealInvisible(text).replace(/\n/g, `\n${indent}`);
}

function heading(text: string): string {
  return `${text}\n${'─'.repeat(Math.min(Math.max(text.length, 4), 72))}`;
}

function bullets(items: string[], mark: string): string {
  return items.map((item) => `  ${mark} ${hang(item, '    ')}`).join('\n');
}

function verificationCommand(v: Verification): { run: string; notes: string[] } {
  if (typeof v === 'string') return { run: v, notes: [] };
  const notes = [
    v['working-directory'] !== undefined ? `in ${oneLine(v['working-directory'])}` : '',
    v.timeout !== undefined ? `timeout ${v.timeout}` : '',
    v.shell !== 'bash' ? v.shell : '',
  ].filter((n) => n !== '');
  return { run: v.run, notes };
}

/**
 * The plan as plain text, for `proceed run` to show before asking for approval: title,
 * description, requirements, risks, numbered steps (estimate, checkpoint, command, rollback), the
 * verify phase and the total estimate.
 */
export function renderPlanText(plan: Plan): string {
  const showEstimates = plan.config.show_estimated_time;
  const out: string[] = [heading(oneLine(plan.title))];
  if (plan.description) out.push(revealInvisible(plan.description).trimEnd());
  if (plan.requirements?.length) out.push(`Requirements\n${bullets(plan.requirements, '•')}`);
  if (plan.risks?.length) out.push(`Risks\n${bullets(plan.risks, '!')}`);

  const width = String(plan.steps.length).length;
  const indent = ' '.repeat(width + 6);
  const steps = plan.steps.map((step, i) => {
    const estimateMs = stepEstimateMs(step);
    const checkpoint = stopsBefore(plan, i);
    let line = `  ${String(i + 1).padStart(width)}. ${checkpoint ? '⏸ ' : ''}${oneLine(step.name)}`;
    if (showEstimates && estimateMs !== undefined) line += `  ~${formatDuration(estimateMs)}`;
    if (checkpoint) line += '  [checkpoint: stops before this step until you confirm]';
    const lines = [line];
    if (step.description) lines.push(`${indent}${hang(step.description.trimEnd(), indent)}`);
    lines.push(
      step.run === undefined
        ? `${indent}(no command)`
        : `${indent}$ ${hang(step.run.trimEnd(), `${indent}  `)}`,
    );
    const facts = [
      step['working-directory'] !== undefined ? `in ${oneLine(step['working-directory'])}` : '',
      step.timeout !== undefined ? `timeout ${step.timeout}` : '',
      step.shell !== 'bash' ? `shell ${step.shell}` : '',
      ...Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${oneLine(String(v))}`),
    ].filter((f) => f !== '');
    if (facts.length) lines.push(`${indent}${facts.join(' · ')}`);
    if (step.rollback !== undefined)
      lines.push(`${indent}rollback: ${hang(step.rollback.trimEnd(), `${indent}  `)}`);
    return lines.join('\n');
  });
  out.push(`Steps\n${steps.join('\n')}`);

  const verify = Object.entries(plan.verify ?? {});
  if (verify.length) {
    const nameWidth = Math.max(...verify.map(([name]) => name.length));
    const lines = verify.map(([name, v]) => {
      const { run, notes } = verificationCommand(v);
      const suffix = notes.length ? `  (${notes.join(', ')})` : '';
      return `  ${name.padEnd(nameWidth)}  ${hang(run.trimEnd(), ' '.repeat(nameWidth + 4))}${suffix}`;
    });
    out.push(`Verify\n${lines.join('\n')}`);
  } else out.push('Verify\n  (no checks in the plan)');

  if (showEstimates) out.push(`Estimated time: ${describeEstimate(summarizeEstimate(plan))}`);
  return `${out.join('\n\n')}\n`;
}

function resultLine(result: StepResult | undefined): string {
  if (!result) return 'not run';
  const parts = [formatDuration(result.durationMs)];
  if (result.status !== 'success') {
    const how =
      result.status === 'failure' && result.exitCode !== null
        ? `failed, exit code ${result.exitCode}`
        : result.status === 'failure' && result.signal !== null
          ? `failed, killed by ${result.signal}`
          : STEP_STATUS_TEXT[result.status].toLowerCase();
    // The executor's reason may only restate the exit code or signal already said.
    const restates =
      result.reason === `exited with code ${result.exitCode}` ||
      result.reason === `killed by ${result.signal}`;
    parts.push(result.reason && !restates ? `${how}: ${oneLine(result.reason)}` : how);
  }
  return parts.join(' · ');
}

/** Where `proceed run --from STEP` started: the steps before it were not run by this run. */
export interface StartedAt {
  /** 0-based index of the first step this run considered. */
  index: number;
  /** What the user passed to --from. */
  from: string;
}

export interface ReportTextOptions {
  startedAt?: StartedAt | undefined;
  /** Why the run stopped, when its results alone would tell it wrong (the plan changed on disk). */
  stoppedBecause?: string | undefined;
}

/**
 * The end of `proceed run`: each step's actual time against its estimate, the verify phase, totals
 * and the result. With `startedAt`, the steps before it show as not run (the executor counts them
 * as done, so that the rest may run, but this run did not run or check them).
 */
export function renderReportText(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
  { startedAt, stoppedBecause }: ReportTextOptions = {},
): string {
  const showEstimates = plan.config.show_estimated_time;
  const latest = latestStepResults(plan, results);
  const outcome = reportOutcome(plan, results, verify);
  const width = String(plan.steps.length).length;
  const names = plan.steps.map((s) => oneLine(s.name));
  const nameWidth = Math.min(40, Math.max(...names.map((n) => n.length)));

  const out: string[] = [heading(`Report: ${oneLine(plan.title)}`)];
  const skippedByFrom = startedAt?.index ?? 0;
  const steps = plan.steps.map((step, i) => {
    if (i < skippedByFrom)
      return `  ${STEP_STATUS_MARK.pending} ${String(i + 1).padStart(width)}. ${names[i]!.padEnd(nameWidth)}  not run (--from ${oneLine(startedAt!.from)})`;
    const found = latest.get(step.id);
    const mark = found ? STEP_STATUS_MARK[found.result.status] : STEP_STATUS_MARK.pending;
    let line = `  ${mark} ${String(i + 1).padStart(width)}. ${names[i]!.padEnd(nameWidth)}  ${resultLine(found?.result)}`;
    const estimateMs = found?.result.estimateMs ?? stepEstimateMs(step);
    if (showEstimates && estimateMs !== undefined && found?.result.status === 'success') {
      line += `  (estimated ${formatDuration(estimateMs)}, ${formatDelta(found.result.durationMs, estimateMs)})`;
    }
    if (found && found.attempts > 1) line += `  [${found.attempts} attempts]`;
    return line;
  });
  out.push(`Steps\n${steps.join('\n')}`);

  if (verify) {
    const checkWidth = Math.max(0, ...verify.checks.map((c) => c.id.length));
    const lines = verify.checks.map(
      (c) => `  ${STEP_STATUS_MARK[c.status]} ${oneLine(c.id).padEnd(checkWidth)}  ${resultLine(c)}`,
    );
    out.push(`Verify\n${lines.length ? lines.join('\n') : '  (no checks)'}`);
  }
  const rollbacks = rollbackResults(results);
  if (rollbacks.length) {
    out.push(
      `Rollback\n${rollbacks.map((r) => `  ${STEP_STATUS_MARK[r.status]} ${oneLine(r.id)}  ${resultLine(r)}`).join('\n')}`,
    );
  }

  const ids = new Set(plan.steps.map((s) => s.id));
  const totalMs = results.filter((r) => ids.has(r.id)).reduce((sum, r) => sum + r.durationMs, 0);
  const estimate = summarizeEstimate(plan);
  let total = `Total: ${formatDuration(totalMs)}`;
  if (showEstimates) total += ` (${estimatedAside(estimate)})`;
  if (verify) total += `; verify ${formatDuration(verify.checks.reduce((sum, c) => sum + c.durationMs, 0))}`;
  out.push(total);

  let result = outcomeText(plan, results, verify, outcome);
  if (stoppedBecause !== undefined) result = `stopped: ${oneLine(stoppedBecause)}`;
  else if (skippedByFrom > 0 && outcome === 'verified')
    result = `verified from step ${skippedByFrom + 1} on; ${skippedByFrom === 1 ? 'step 1 was' : `steps 1–${skippedByFrom} were`} not run (--from)`;
  out.push(`Result: ${result}`);
  return `${out.join('\n\n')}\n`;
}

function outcomeText(
  plan: Plan,
  results: StepResult[],
  verify: VerifyResult | undefined,
  outcome: ExecutionOutcome,
): string {
  const latest = latestStepResults(plan, results);
  const stepRef = (index: number) => `step ${index + 1} "${oneLine(plan.steps[index]?.name ?? '')}"`;
  switch (outcome) {
    case 'verified': {
      const skipped = [...latest.values()].filter((o) => o.result.status === 'skipped').length;
      return skipped
        ? `verified, with ${skipped} skipped step(s)`
        : 'verified, every step and every check passed';
    }
    case 'failed': {
      const index = plan.steps.findIndex((s) => {
        const status = latest.get(s.id)?.result.status;
        return status === 'failure' || status === 'timed-out';
      });
      return `failed at ${stepRef(index)}`;
    }
    case 'verify-failed': {
      const failing = (verify?.checks ?? []).filter((c) => c.status !== 'success').map((c) => oneLine(c.id));
      return `verification failed (${failing.join(', ')})`;
    }
    case 'paused': {
      const index = plan.steps.findIndex((s) => !latest.has(s.id));
      return index >= 0 ? `paused before ${stepRef(index)}` : 'paused before the verify phase';
    }
    case 'cancelled':
      return 'cancelled';
  }
}

import { offered, type LifecycleCommand, type LifecycleState } from '../plan/lifecycle.js';
import { formatDuration } from '../plan/duration.js';
import type { Plan, Shell, Step, Verification } from '../plan/schema.js';
import type { FlowDiagramOptions } from './diagram.js';
import { renderFlowDiagram } from './diagram.js';
import {
  alert,
  blockquote,
  clip,
  codeSpan,
  DEFAULT_MAX_LENGTH,
  escapeHtml,
  escapeInline,
  escapedLengthAtLeast,
  fencedBlock,
  fencedLengthAtLeast,
  fitByCutting,
  formatCount,
  omissionNote,
  plainMarkdown,
  table,
  truncate,
} from './markdown.js';
import { describeEstimate, stepEstimateMs, summarizeEstimate } from './plan-summary.js';
import { checkpointIndexes, stopsBefore } from '../plan/checkpoints.js';
import type { StepDisplayStatus } from './status.js';
import { STATE_LABEL, stepStatusLabel } from './status.js';

export type { StepDisplayStatus } from './status.js';

export { DEFAULT_MAX_LENGTH } from './markdown.js';

export interface ReviewOptions {
  /** The plan file's path in the repository. */
  planPath: string;
  /** Shown near the top ("Awaiting approval", "Executing", …) and decides "How to proceed". */
  state: LifecycleState;
  /** Progress variant: each step's status and actual duration, by step id. */
  steps?: Record<string, { status: StepDisplayStatus; durationMs?: number }>;
  /** Trusted Markdown from the bot, e.g. why approval was reset. */
  notice?: string;
  /** Trusted Markdown: what changed since the plan rendered before (src/render/delta.ts). */
  delta?: string;
  /** Trusted: who approved, and the commit the approval binds to. */
  approval?: { by: string; sha: string };
  /** Verifications the repository policy adds, name → command (trusted). */
  verifyExtra?: Record<string, string>;
  /** Default `DEFAULT_MAX_LENGTH`. */
  maxLength?: number;
}

/** How much of the plan's free text fits; the renderer steps down this ladder until the body fits. */
export interface ReviewBudget {
  /** Characters of a description (the plan's or a step's). */
  text: number;
  /** Characters of a command (run, rollback, verification). */
  command: number;
  /** Characters of one list item (requirement, risk, environment value). */
  itemText: number;
  /** Items of a list (requirements, risks, environment variables, verifications). */
  items: number;
  /** Characters of a step name in the table. */
  name: number;
  /** Per-step `<details>` with commands. */
  details: boolean;
  diagram: boolean;
  /** Only the header, the step table and "How to proceed". */
  essentials: boolean;
  /** Rows of the step table; the rest are counted in a note. */
  rows: number;
}

const FULL: ReviewBudget = {
  text: Infinity,
  command: Infinity,
  itemText: Infinity,
  items: Infinity,
  name: Infinity,
  details: true,
  diagram: true,
  essentials: false,
  rows: Infinity,
};

const ESSENTIALS: ReviewBudget = {
  ...FULL,
  text: 0,
  command: 0,
  itemText: 0,
  items: 0,
  name: 40,
  details: false,
  diagram: false,
  essentials: true,
};

/** The ladder, widest first; exported for the tests that pin what each step of it guarantees. */
export const REVIEW_BUDGETS: readonly ReviewBudget[] = [
  FULL,
  { ...FULL, text: 4000, command: 6000, itemText: 1000, items: 200 },
  { ...FULL, text: 2000, command: 3000, itemText: 500, items: 100 },
  { ...FULL, text: 1000, command: 1500, itemText: 300, items: 50 },
  { ...FULL, text: 500, command: 700, itemText: 200, items: 30 },
  { ...FULL, text: 250, command: 300, itemText: 150, items: 20, name: 120, diagram: false },
  { ...FULL, text: 120, command: 150, itemText: 100, items: 10, name: 80, diagram: false },
  { ...FULL, text: 300, command: 80, itemText: 100, items: 10, name: 60, details: false, diagram: false },
  { ...FULL, text: 0, command: 60, itemText: 60, items: 5, name: 40, details: false, diagram: false },
  ESSENTIALS,
  { ...ESSENTIALS, name: 20 },
];

const SHELL_LANGUAGE: Record<Shell, string> = {
  bash: 'bash',
  sh: 'sh',
  pwsh: 'powershell',
  python: 'python',
};

/**
 * The pull-request review that presents a plan for approval (SPEC §4), and, with `opts.steps`, its
 * progress. Plan text is always inert, and the body stays within `opts.maxLength` whatever the plan
 * holds: long text is cut visibly, then details are dropped; the step table and "How to proceed"
 * always stay.
 */
export function renderReview(plan: Plan, opts: ReviewOptions): string {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  for (const budget of REVIEW_BUDGETS) {
    // Composing a budget that cannot fit costs as much as one that does (a plan near the size
    // limit pays for a megabyte of Markdown first); skipping it leaves the result unchanged.
    if (certainlyLonger(plan, budget, maxLength)) continue;
    const body = composeReview(plan, opts, budget);
    if (body.length <= maxLength) return body;
  }
  // Still too long: as many table rows as fit, then, for absurdly small limits, cutting.
  const smallest = REVIEW_BUDGETS[REVIEW_BUDGETS.length - 1]!;
  let low = 1;
  let high = plan.steps.length - 1;
  let best: string | undefined;
  while (low <= high) {
    const rows = Math.floor((low + high) / 2);
    const body = composeReview(plan, opts, { ...smallest, rows });
    if (body.length <= maxLength) {
      best = body;
      low = rows + 1;
    } else high = rows - 1;
  }
  if (best !== undefined) return best;
  const howTo = `${howToProceed(plan, opts, smallest)}\n`;
  return fitByCutting(composeReview(plan, opts, { ...smallest, rows: 1 }), maxLength, howTo);
}

/**
 * Whether the review composed at `budget` is certainly longer than `max`, from a lower bound on
 * its length that is cheap to take: what the plan's free text becomes at least once escaped or
 * fenced, plus markup every step's details have. The count stops as soon as it passes `max`, so
 * it reads at most about `max` characters, however long the plan.
 */
export function certainlyLonger(plan: Plan, budget: ReviewBudget, max: number): boolean {
  if (budget.essentials || max === Infinity) return false;
  let total = 0;
  const over = (n: number): boolean => (total += n) > max;
  const prose = (text: string | undefined, limit: number): boolean =>
    text !== undefined && limit > 0 && over(escapedLengthAtLeast(clip(text, limit).text, max - total));
  const code = (text: string | undefined, shell: Shell): boolean =>
    text !== undefined &&
    over(fencedLengthAtLeast(clip(text, budget.command).text, SHELL_LANGUAGE[shell], max - total));
  const items = (list: string[] | undefined): boolean =>
    (list ?? []).slice(0, budget.items).some((item) => over(2) || prose(item, budget.itemText));

  if (prose(plan.description, budget.text) || items(plan.requirements) || items(plan.risks)) return true;
  if (!budget.details) return false;
  return plan.steps.some(
    (step) =>
      over(DETAILS_MARKUP) ||
      prose(step.description, budget.text) ||
      code(step.run, step.shell) ||
      code(step.rollback, step.shell),
  );
}

/** What every step's `<details>` holds besides the plan's text: see `stepDetails`. */
const DETAILS_MARKUP = '<details>\n<summary><b></b><code>proceed/</code></summary></details>'.length;

const SHORTENED =
  'Long text in this plan was shortened to fit GitHub’s comment size limit; the plan file has it in full.';
const ESSENTIALS_ONLY =
  'This plan is too long for a GitHub comment, so only its steps are shown here; the plan file has the rest.';

/** The review at one budget of the ladder, whatever its length. */
export function composeReview(plan: Plan, opts: ReviewOptions, budget: ReviewBudget): string {
  const showEstimates = plan.config.show_estimated_time;
  const full = !budget.essentials;
  const sections = [
    header(plan, opts),
    opts.notice ? alert('IMPORTANT', opts.notice) : '',
    opts.delta ?? '',
    budget !== FULL ? alert('NOTE', budget.essentials ? ESSENTIALS_ONLY : SHORTENED) : '',
    full && plan.description && budget.text > 0 ? plainMarkdown(truncate(plan.description, budget.text)) : '',
    full && plan.requirements?.length
      ? `### 📝 Requirements\n\n${bulletList(plan.requirements, budget)}`
      : '',
    stepsSection(plan, opts, budget),
    full && budget.diagram ? `### 🗺️ Flow\n\n${renderFlowDiagram(plan, diagramOptions(plan, opts))}` : '',
    full ? verifySection(plan, opts, budget) : '',
    full ? approvalSection(plan, opts, budget, showEstimates) : '',
    howToProceed(plan, opts, budget),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function header(plan: Plan, opts: ReviewOptions): string {
  const estimate = plan.config.show_estimated_time
    ? ` · ⏱️ ${describeEstimate(summarizeEstimate(plan))}`
    : '';
  const count = `${plan.steps.length} ${plan.steps.length === 1 ? 'step' : 'steps'}`;
  const lines = [
    `## 📋 ${escapeInline(plan.title)}`,
    '',
    `**${STATE_LABEL[opts.state]}** · ${codeSpan(opts.planPath)} · ${count}${estimate}`,
  ];
  if (opts.approval) {
    lines.push(
      '',
      `Approved by **${escapeInline(`@${opts.approval.by}`)}** on ${codeSpan(opts.approval.sha.slice(0, 7))}`,
    );
  }
  return lines.join('\n');
}

function bulletList(items: string[], budget: ReviewBudget): string {
  const shown = items.slice(0, budget.items).map((item) => {
    const [first = '', ...rest] = plainMarkdown(truncate(item, budget.itemText)).split('\n');
    return [`- ${first}`, ...rest.map((line) => (line === '' ? '' : `  ${line}`))].join('\n');
  });
  if (items.length > shown.length) shown.push(`- ${omissionNote(items.length - shown.length, 'items')}`);
  return shown.join('\n');
}

function stepsSection(plan: Plan, opts: ReviewOptions, budget: ReviewBudget): string {
  const rows = Math.min(budget.rows, plan.steps.length);
  const showEstimates = plan.config.show_estimated_time;
  const progress = opts.steps !== undefined;
  const columns = [
    '#',
    'Step',
    ...(showEstimates ? ['Estimate'] : []),
    ...(progress ? ['Actual'] : []),
    'Checkpoint',
    'Status',
  ];
  const align = columns.map((c) =>
    c === '#' || c === 'Estimate' || c === 'Actual' ? 'right' : c === 'Checkpoint' ? 'center' : 'left',
  );
  const body = plan.steps.slice(0, rows).map((step, i) => {
    const state = opts.steps?.[step.id];
    const estimateMs = stepEstimateMs(step);
    return [
      String(i + 1),
      escapeInline(truncate(step.name, budget.name, { compact: true })),
      ...(showEstimates ? [estimateMs === undefined ? '—' : formatDuration(estimateMs)] : []),
      ...(progress ? [state?.durationMs === undefined ? '—' : formatDuration(state.durationMs)] : []),
      stopsBefore(plan, i) ? '⏸️' : '',
      stepStatusLabel(state?.status ?? 'pending'),
    ];
  });
  const parts = [`### 🪜 Steps`, table(columns, align, body)];
  if (rows < plan.steps.length) parts.push(omissionNote(plan.steps.length - rows, 'steps'));
  const totals: string[] = [];
  if (showEstimates) totals.push(`⏱️ **Estimated time:** ${describeEstimate(summarizeEstimate(plan))}`);
  if (progress) {
    const elapsed = Object.values(opts.steps ?? {}).reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    totals.push(`**Elapsed:** ${formatDuration(elapsed)}`);
  }
  if (totals.length) parts.push(totals.join(' · '));
  if (budget.details)
    parts.push(plan.steps.map((step, i) => stepDetails(step, i, plan, budget)).join('\n\n'));
  else if (!budget.essentials) {
    parts.push('_Commands are not shown here to fit GitHub’s comment size limit; see the plan file._');
  }
  return parts.join('\n\n');
}

function stepDetails(step: Step, index: number, plan: Plan, budget: ReviewBudget): string {
  const summary = [`<b>${index + 1}. ${escapeHtml(truncate(step.name, budget.name, { compact: true }))}</b>`];
  if (stopsBefore(plan, index)) summary.push('⏸️ checkpoint');
  summary.push(`<code>proceed/${escapeHtml(step.id)}</code>`);
  const parts = [`<details>\n<summary>${summary.join(' · ')}</summary>`];
  if (step.description && budget.text > 0) parts.push(plainMarkdown(truncate(step.description, budget.text)));
  parts.push(step.run === undefined ? '_No command._' : command(step.run, step.shell, budget));
  const facts: string[] = [];
  if (step.shell !== 'bash') facts.push(`**Shell:** ${step.shell}`);
  if (step['working-directory'] !== undefined) {
    facts.push(
      `**Working directory:** ${codeSpan(truncate(step['working-directory'], budget.itemText, { compact: true }))}`,
    );
  }
  if (step.timeout !== undefined) facts.push(`**Timeout:** ${step.timeout}`);
  if (facts.length) parts.push(facts.join(' · '));
  if (step.env && Object.keys(step.env).length > 0)
    parts.push(`**Environment**\n\n${environment(step.env, budget)}`);
  if (step.rollback !== undefined)
    parts.push(`**Rollback** (run by \`/rollback\`)\n\n${command(step.rollback, step.shell, budget)}`);
  parts.push('</details>');
  return parts.join('\n\n');
}

/** A command in a fenced block, cut before fencing, with the note of what was cut outside the fence. */
function command(run: string, shell: Shell, budget: ReviewBudget): string {
  const { text, omitted } = clip(run, budget.command);
  const block = fencedBlock(omitted ? `${text}…` : text, SHELL_LANGUAGE[shell]);
  return omitted ? `${block}\n\n_${omissionNote(omitted)}_` : block;
}

function environment(env: Record<string, string | number | boolean>, budget: ReviewBudget): string {
  const entries = Object.entries(env);
  const lines = entries
    .slice(0, budget.items)
    .map(([key, value]) => `${key}=${truncate(String(value), budget.itemText, { compact: true })}`);
  if (entries.length > lines.length)
    lines.push(`# ${omissionNote(entries.length - lines.length, 'variables')}`);
  return fencedBlock(lines.join('\n'), 'sh');
}

interface VerifyRow {
  name: string;
  run: string;
  shell: Shell;
  timeout?: string;
  workingDirectory?: string;
  source: 'plan' | 'policy' | 'both';
}

function verifyRows(plan: Plan, opts: ReviewOptions): VerifyRow[] {
  const fromPlan = Object.entries(plan.verify ?? {}).map(([name, v]: [string, Verification]): VerifyRow =>
    typeof v === 'string'
      ? { name, run: v, shell: 'bash', source: 'plan' }
      : {
          name,
          run: v.run,
          shell: v.shell,
          timeout: v.timeout,
          workingDirectory: v['working-directory'],
          source: 'plan',
        },
  );
  const fromPolicy = Object.entries(opts.verifyExtra ?? {}).map(([name, run]): VerifyRow => ({
    name,
    run,
    shell: 'bash',
    source: 'policy',
  }));
  // A check the plan repeats word for word from the policy is one check.
  const same = (a: VerifyRow, b: VerifyRow) =>
    a.name === b.name && a.run === b.run && a.shell === b.shell && !b.workingDirectory && !b.timeout;
  return [
    ...fromPolicy.map((p) => (fromPlan.some((q) => same(p, q)) ? { ...p, source: 'both' as const } : p)),
    ...fromPlan.filter((q) => !fromPolicy.some((p) => same(p, q))),
  ];
}

const VERIFY_STATUS: Partial<Record<LifecycleState, StepDisplayStatus>> = {
  verifying: 'running',
  verified: 'success',
  'verify-failed': 'failure',
};

function diagramOptions(plan: Plan, opts: ReviewOptions): FlowDiagramOptions {
  const statuses = Object.fromEntries(Object.entries(opts.steps ?? {}).map(([id, s]) => [id, s.status]));
  return {
    statuses,
    verifyStatus: VERIFY_STATUS[opts.state],
    showEstimates: plan.config.show_estimated_time,
    verifyNames: [...new Set(verifyRows(plan, opts).map((r) => r.name))],
  };
}

/** Commands longer than this, or on several lines, go in a `<details>` under the table. */
const INLINE_COMMAND = 100;

function verifySection(plan: Plan, opts: ReviewOptions, budget: ReviewBudget): string {
  const rows = verifyRows(plan, opts);
  const intro =
    'Runs after the last step, on the same commit. The `proceed/verify` check, which branch protection requires, ' +
    'passes only when every step and every check here passed.';
  if (rows.length === 0) {
    return `### 🔍 Verify\n\n${intro}\n\n⚠️ No checks: neither the plan nor the repository policy defines a verification.`;
  }
  const shown = rows.slice(0, budget.items);
  const long: string[] = [];
  const cells = shown.map((row) => {
    const multiline = row.run.includes('\n') || row.run.length > INLINE_COMMAND;
    let cell: string;
    if (!multiline) cell = codeSpan(row.run, { inTable: true });
    else if (budget.details) {
      cell = 'see below';
      long.push(
        `<details>\n<summary><b>${escapeHtml(row.name)}</b></summary>\n\n${command(row.run, row.shell, budget)}\n\n</details>`,
      );
    } else
      cell = codeSpan(truncate(row.run, Math.min(budget.command, INLINE_COMMAND), { compact: true }), {
        inTable: true,
      });
    const notes = [
      row.workingDirectory !== undefined
        ? `in ${codeSpan(truncate(row.workingDirectory, 60, { compact: true }), { inTable: true })}`
        : '',
      row.timeout !== undefined ? `timeout ${row.timeout}` : '',
      row.shell !== 'bash' ? row.shell : '',
    ].filter((n) => n !== '');
    return [
      `**${escapeInline(truncate(row.name, 60, { compact: true }))}**`,
      notes.length ? `${cell} · ${notes.join(' · ')}` : cell,
      { plan: 'plan', policy: 'repository policy', both: 'plan, repository policy' }[row.source],
    ];
  });
  const parts = [
    `### 🔍 Verify`,
    intro,
    table(['Check', 'Command', 'From'], ['left', 'left', 'left'], cells),
  ];
  if (rows.length > shown.length) parts.push(omissionNote(rows.length - shown.length, 'checks'));
  if (long.length) parts.push(long.join('\n\n'));
  return parts.join('\n\n');
}

function approvalSection(
  plan: Plan,
  opts: ReviewOptions,
  budget: ReviewBudget,
  showEstimates: boolean,
): string {
  const risks = plan.risks?.length ? bulletList(plan.risks, budget) : '';
  if (opts.state !== 'proposed') return risks ? `### ⚠️ Risks\n\n${risks}` : '';
  const checks = verifyRows(plan, opts).length;
  const sentences = [
    `This plan runs **${formatCount(plan.steps.length)} ${plan.steps.length === 1 ? 'step' : 'steps'}** in order`,
    checks > 0
      ? `, then **${formatCount(checks)} ${checks === 1 ? 'check' : 'checks'}** in the verify phase.`
      : '.',
  ];
  if (showEstimates) sentences.push(` Estimated time: **${describeEstimate(summarizeEstimate(plan))}**.`);
  const parts = [
    sentences.join(''),
    risks ? `**Risks**\n\n${risks}` : '',
    '**Proceed with execution?**',
  ].filter((p) => p !== '');
  return `### 🙋 Approval requested\n\n${blockquote(parts.join('\n\n'))}`;
}

function stepRef(plan: Plan, index: number, budget: ReviewBudget): string {
  const step = plan.steps[index];
  return step
    ? `step ${index + 1} (**${escapeInline(truncate(step.name, Math.min(budget.name, 60), { compact: true }))}**)`
    : `step ${index + 1}`;
}

/** Where execution will stop for confirmation, or '' when it will not. */
function checkpointSentence(plan: Plan, budget: ReviewBudget, from = 0): string {
  const stops = checkpointIndexes(plan).filter((i) => i >= from);
  if (stops.length === 0) return '';
  if (plan.config.checkpoint_between_steps && from <= 1) {
    return 'It stops before every step after the first and waits for `/proceed` again.';
  }
  const refs = stops.slice(0, 5).map((i) => stepRef(plan, i, budget));
  if (stops.length > refs.length) refs.push(`${stops.length - refs.length} more`);
  const list = refs.length === 1 ? refs[0] : `${refs.slice(0, -1).join(', ')} and ${refs[refs.length - 1]}`;
  return `It stops before ${list} and waits for \`/proceed\` again.`;
}

/**
 * "How to proceed": what the state means, and the commands the lifecycle table offers in it (less
 * `/skip` without `allow_skip` and `/rollback` without a rollback command) — the same commands the
 * gate accepts, the buttons show and the outcome comments list.
 */
function howToProceed(plan: Plan, opts: ReviewOptions, budget: ReviewBudget): string {
  const lines: string[] = [];
  const commands = offered(opts.state, {
    skip: plan.config.allow_skip,
    rollback: plan.steps.some((s) => s.rollback !== undefined),
  });
  const has = (command: LifecycleCommand) => commands.includes(command);
  const rollback = has('rollback')
    ? ' `/rollback` runs the rollback commands of completed steps, newest first.'
    : '';
  const statusIndex = (wanted: StepDisplayStatus[]): number =>
    plan.steps.findIndex((s) => {
      const status = opts.steps?.[s.id]?.status;
      return status !== undefined && wanted.includes(status);
    });
  switch (opts.state) {
    case 'proposed': {
      if (has('proceed'))
        lines.push(
          '- ✅ **Approve** this pull request, or comment `/proceed`, to run the plan on this commit. Only people the repository policy allows can start it.',
        );
      const stops = checkpointSentence(plan, budget);
      if (stops) lines.push(`- ⏸️ ${stops}`);
      break;
    }
    case 'approved':
    case 'executing':
    case 'verifying': {
      lines.push(
        `- 🔄 The plan is running.${has('cancel') ? ' Comment `/cancel` to stop it; steps not run yet are marked cancelled.' : ''}`,
      );
      const running = statusIndex(['running']);
      const stops = checkpointSentence(plan, budget, running >= 0 ? running + 1 : 0);
      if (stops && opts.state !== 'verifying') lines.push(`- ⏸️ ${stops}`);
      break;
    }
    case 'paused': {
      const waiting = statusIndex(['waiting']);
      const at = waiting >= 0 ? ` before ${stepRef(plan, waiting, budget)}` : '';
      const ways = [
        ...(has('proceed') ? ['`/proceed` to continue'] : []),
        ...(has('cancel') ? ['`/cancel` to stop'] : []),
      ];
      lines.push(`- ⏸️ Paused at a checkpoint${at}.${ways.length ? ` Comment ${ways.join(' or ')}.` : ''}`);
      if (has('skip')) lines.push('- ⏭️ Comment `/skip` to skip this step and continue with the next.');
      break;
    }
    case 'failed': {
      const failed = statusIndex(['failure', 'timed-out']);
      const which = failed >= 0 ? stepRef(plan, failed, budget) : 'the failed step';
      if (has('retry')) lines.push(`- 🔁 Comment \`/retry\` to run ${which} again and continue.`);
      if (has('skip')) lines.push('- ⏭️ Comment `/skip` to skip it and continue with the next step.');
      if (has('cancel')) lines.push(`- 🚫 Comment \`/cancel\` to stop here.${rollback}`);
      else if (rollback) lines.push(`-${rollback}`);
      break;
    }
    case 'cancelled':
      lines.push(`- 🚫 Execution was cancelled; steps that had not run are marked cancelled.${rollback}`);
      if (has('proceed'))
        lines.push('- ▶️ Comment `/proceed` to resume from the first step that did not succeed.');
      break;
    case 'verified':
      lines.push(
        `- ✅ Every step and every check passed on this commit; \`proceed/verify\` is green and the pull request can merge.${rollback}`,
      );
      break;
    case 'verify-failed':
      lines.push(
        `- ❌ A check of the verify phase failed, so \`proceed/verify\` blocks the merge. Push a fix; the plan is rendered again for the new commit.${rollback}`,
      );
      if (has('retry')) lines.push('- 🔁 Comment `/retry` to run the verify phase again.');
      break;
  }
  lines.push('- 💬 `/plan` renders this plan again; `/help` lists the commands and who may use them.');
  return `### ▶️ How to proceed\n\n${lines.join('\n')}`;
}

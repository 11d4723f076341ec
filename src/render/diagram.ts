import { formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import { fencedBlock, neutralizeMentions, revealInvisible, singleLine, truncate } from './markdown.js';
import { stopsBefore } from '../plan/checkpoints.js';
import { stepEstimateMs } from './plan-summary.js';
import type { StepDisplayStatus } from './status.js';
import { STEP_STATUS_ICON } from './status.js';

/**
 * Mermaid entity codes for every character that could end a quoted label, start a comment or a
 * directive, be read as HTML, or (backticks) end the Markdown fence around the diagram.
 */
const MERMAID_ENTITY: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '%': '#37;',
  '&': '#38;',
  ';': '#59;',
  '<': '#60;',
  '>': '#62;',
  '`': '#96;',
};

/** Text for inside a quoted Mermaid label (`A["…"]`): one line, shown literally. */
export function mermaidLabel(text: string): string {
  return neutralizeMentions(
    revealInvisible(singleLine(text)).replace(/["#%&;<>`]/g, (c) => MERMAID_ENTITY[c] ?? c),
  );
}

const STATUS_CLASS: Record<StepDisplayStatus, { name: string; style: string } | undefined> = {
  pending: undefined,
  running: { name: 'running', style: 'fill:#ddf4ff,stroke:#0969da,color:#1f2328' },
  success: { name: 'success', style: 'fill:#dafbe1,stroke:#1a7f37,color:#1f2328' },
  failure: { name: 'failure', style: 'fill:#ffebe9,stroke:#cf222e,color:#1f2328' },
  'timed-out': { name: 'timedout', style: 'fill:#ffebe9,stroke:#cf222e,color:#1f2328' },
  skipped: { name: 'skipped', style: 'fill:#f6f8fa,stroke:#8c959f,color:#59636e' },
  cancelled: { name: 'cancelled', style: 'fill:#f6f8fa,stroke:#8c959f,color:#59636e' },
  waiting: { name: 'waiting', style: 'fill:#fff8c5,stroke:#9a6700,color:#1f2328' },
};
const CHECKPOINT_CLASS = { name: 'checkpoint', style: 'fill:#fff8c5,stroke:#9a6700,color:#1f2328' };

export interface FlowDiagramOptions {
  /** Per step id, for the progress variant: colours the nodes. */
  statuses?: Record<string, StepDisplayStatus>;
  /** Show each step's estimate under its name. Default true. */
  showEstimates?: boolean;
  /** The verify gate's status, for the progress variant. */
  verifyStatus?: StepDisplayStatus;
  /** Names of the verifications of the verify phase (plan and repository policy). */
  verifyNames?: string[];
  /** Longest step name shown before it is cut with `…`. Default 60. */
  maxLabel?: number;
}

/**
 * The plan's flow as a Mermaid flowchart in a fenced block: approval, the steps in order (those
 * execution stops before are hexagons behind a "checkpoint" edge), then the `proceed/verify` gate.
 */
export function renderFlowDiagram(plan: Plan, opts: FlowDiagramOptions = {}): string {
  const {
    statuses = {},
    verifyStatus = 'pending',
    showEstimates = true,
    verifyNames = [],
    maxLabel = 60,
  } = opts;
  const nodes: string[] = ['  approval(["👍 Approval"])'];
  const edges: string[] = [];
  const classes = new Map<string, { style: string; nodes: string[] }>();
  const addClass = (cls: { name: string; style: string }, node: string): void => {
    const entry = classes.get(cls.name) ?? { style: cls.style, nodes: [] };
    entry.nodes.push(node);
    classes.set(cls.name, entry);
  };

  let previous = 'approval';
  plan.steps.forEach((step, i) => {
    const node = `s${i + 1}`;
    const checkpoint = stopsBefore(plan, i);
    const status = statuses[step.id] ?? 'pending';
    const icon = status === 'pending' ? (checkpoint ? '⏸️ ' : '') : `${STEP_STATUS_ICON[status]} `;
    const estimateMs = stepEstimateMs(step);
    const estimate = showEstimates && estimateMs !== undefined ? `<br/>~${formatDuration(estimateMs)}` : '';
    const label = `${icon}${i + 1}. ${mermaidLabel(truncate(step.name, maxLabel, { compact: true }))}${estimate}`;
    nodes.push(checkpoint ? `  ${node}{{"${label}"}}` : `  ${node}["${label}"]`);
    edges.push(checkpoint ? `  ${previous} -->|"⏸️ checkpoint"| ${node}` : `  ${previous} --> ${node}`);
    const statusClass = STATUS_CLASS[status];
    if (statusClass) addClass(statusClass, node);
    else if (checkpoint) addClass(CHECKPOINT_CLASS, node);
    previous = node;
  });

  const shown = verifyNames.slice(0, 6).map((name) => mermaidLabel(truncate(name, 30, { compact: true })));
  if (verifyNames.length > shown.length) shown.push(`+${verifyNames.length - shown.length} more`);
  const checks = shown.length > 0 ? `<br/>${shown.join(' · ')}` : '';
  const verifyIcon = verifyStatus === 'pending' ? '🔍' : STEP_STATUS_ICON[verifyStatus];
  nodes.push(`  verify{"${verifyIcon} proceed/verify${checks}"}`, '  merge(["✅ Ready to merge"])');
  edges.push(`  ${previous} --> verify`, '  verify --> merge');
  const verifyClass = STATUS_CLASS[verifyStatus];
  if (verifyClass) addClass(verifyClass, 'verify');

  const styling = [...classes].flatMap(([name, { style, nodes: members }]) => [
    `  classDef ${name} ${style}`,
    `  class ${members.join(',')} ${name}`,
  ]);
  return fencedBlock(['flowchart TD', ...nodes, ...edges, ...styling].join('\n'), 'mermaid');
}

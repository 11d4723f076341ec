/**
 * The review's "Changed since the plan you may have approved" section (issue 15, item 5): the plan
 * delta of src/plan/delta.ts as a compact Markdown list, commands as small line diffs. Everything
 * from the plan is shown as code, never obeyed.
 */
import { diffLines, isEmptyDelta, type DiffLine, type FieldChange, type PlanDelta } from '../plan/delta.js';
import { codeSpan, escapeInline, fencedBlock, truncate } from './markdown.js';

/** Lines of a command's diff shown at most; context lines kept around each change. */
const DIFF_LINES = 40;
const CONTEXT = 2;
/** Longest value shown inline (`a` → `b`); longer or multi-line values are shown as a diff. */
const INLINE = 80;
/** The section's default size budget: it sits above the plan, which keeps the rest of the room. */
export const DELTA_MAX_LENGTH = 12_000;

const LABEL: Record<string, string> = { run: 'command', rollback: 'rollback command' };

export interface DeltaOptions {
  /** The commit whose plan the change is measured from (the plan rendered before). */
  sha: string;
  maxLength?: number;
}

/**
 * The section for the change from the plan rendered at `sha`; `delta` undefined when that plan could
 * not be read back (the commit is gone, or its file is no longer what was rendered).
 */
export function renderPlanDelta(delta: PlanDelta | undefined, opts: DeltaOptions): string {
  const max = opts.maxLength ?? DELTA_MAX_LENGTH;
  const commit = codeSpan(opts.sha.slice(0, 7));
  const heading = `### 🔀 Changed since the plan you may have approved (commit ${commit})`;
  if (!delta) {
    return (
      `${heading}\n\nThe plan changed since ${commit}, but the plan rendered then could not be read back ` +
      '(the commit may have been force-pushed away), so the change cannot be shown: review the whole plan below.'
    );
  }
  if (isEmptyDelta(delta)) {
    return `${heading}\n\nThe plan file changed since ${commit}, but no step, command or setting did (only its formatting or comments).`;
  }
  const intro =
    'A push changed the plan: an approval of the earlier plan no longer counts. Review these changes, then approve again.';
  const compose = (items: string[]) => `${heading}\n\n${intro}\n\n${items.join('\n')}`;
  const full = compose(deltaItems(delta, true));
  if (full.length <= max) return full;
  const items = deltaItems(delta, false);
  const named = compose(items);
  if (named.length <= max) return named;
  // Even without the diffs it is too long: as many items as fit, and how many are left.
  const kept: string[] = [];
  let length = heading.length + intro.length + 120;
  for (const item of items) {
    if (length + item.length + 1 > max) break;
    kept.push(item);
    length += item.length + 1;
  }
  return compose([
    ...kept,
    `- … ${items.length - kept.length} more change(s): compare the plan file with ${commit}.`,
  ]);
}

function stepLabel(id: string, name: string): string {
  return `${codeSpan(id)} (${escapeInline(truncate(name, 80, { compact: true }))})`;
}

function deltaItems(d: PlanDelta, diffs: boolean): string[] {
  const items: string[] = [];
  for (const s of d.added) items.push(`- ➕ Step ${s.position} ${stepLabel(s.id, s.name)} added`);
  for (const s of d.removed)
    items.push(`- ➖ Step ${stepLabel(s.id, s.name)} removed (it was step ${s.position})`);
  for (const s of d.moved)
    items.push(`- ↕️ Step ${stepLabel(s.id, s.name)} moved from position ${s.from} to ${s.to}`);
  for (const s of d.changed)
    items.push(fieldItem(`✏️ Step ${s.position} ${stepLabel(s.id, s.name)}`, s.changes, diffs));
  for (const name of d.verify.added) items.push(`- ➕ Verification ${codeSpan(name)} added`);
  for (const name of d.verify.removed) items.push(`- ➖ Verification ${codeSpan(name)} removed`);
  for (const v of d.verify.changed)
    items.push(fieldItem(`✏️ Verification ${codeSpan(v.name)}`, v.changes, diffs));
  if (d.plan.length) items.push(fieldItem('⚙️ The plan', d.plan, diffs));
  return items;
}

/** One list item: what changed, short values inline, long ones as a diff (or only named, without diffs). */
function fieldItem(what: string, changes: FieldChange[], diffs: boolean): string {
  const inline: string[] = [];
  const blocks: string[] = [];
  for (const c of changes) {
    const label = LABEL[c.field] ?? c.field;
    const long = [c.before, c.after].some((v) => v !== undefined && (v.length > INLINE || v.includes('\n')));
    if (!long) {
      inline.push(`${label} ${value(c.before)} → ${value(c.after)}`);
      continue;
    }
    if (!diffs) {
      inline.push(`${label} changed`);
      continue;
    }
    inline.push(`${label} changed`);
    blocks.push(indent(fencedBlock(hunks(diffLines(c.before ?? '', c.after ?? '')), 'diff')));
  }
  return [`- ${what}: ${inline.join('; ')}`, ...blocks].join('\n');
}

function value(v: string | undefined): string {
  return v === undefined ? '_(not set)_' : codeSpan(v);
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The changed lines with a little context, at most DIFF_LINES of them. */
function hunks(lines: DiffLine[]): string {
  const near = lines.map((_, i) =>
    lines.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((l) => l.kind !== ' '),
  );
  const out: string[] = [];
  let gap = false;
  lines.forEach((line, i) => {
    if (!near[i]) {
      gap = true;
      return;
    }
    if (gap && out.length) out.push('  …');
    gap = false;
    out.push(`${line.kind} ${line.text}`);
  });
  if (out.length > DIFF_LINES) {
    const rest = out.length - DIFF_LINES;
    return [...out.slice(0, DIFF_LINES), `  … ${rest} more line(s)`].join('\n');
  }
  return out.join('\n');
}

/**
 * What changed between two versions of a plan (issue 15, item 5): steps added, removed and moved,
 * and per step, per verification and for the plan itself the settings that differ. Pure; the review
 * shows it after a push that changed the plan, so a re-approval reviews the change, not the whole
 * plan again (src/render/delta.ts).
 */
import type { Plan, Step, Verification } from './schema.js';

/** One setting that differs: its name as written in the plan, and its value before and after (absent: not set). */
export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

export interface StepChange {
  id: string;
  name: string;
  /** 1-based position in the new plan. */
  position: number;
  changes: FieldChange[];
}

export interface PlanDelta {
  /** Steps only the new plan has, with their 1-based position in it. */
  added: { id: string; name: string; position: number }[];
  /** Steps only the old plan had, with their 1-based position there. */
  removed: { id: string; name: string; position: number }[];
  /** Steps of both whose order changed: the fewest that moved, from and to their 1-based positions. */
  moved: { id: string; name: string; from: number; to: number }[];
  /** Steps of both (matched by id) whose command or settings changed. */
  changed: StepChange[];
  /** Verifications of the verify phase, by name. */
  verify: { added: string[]; removed: string[]; changed: { name: string; changes: FieldChange[] }[] };
  /** The plan's own settings: title, environment, estimate, config.*, risks… */
  plan: FieldChange[];
}

/** The settings of a step compared, in the order they are reported; `run` and `rollback` are the commands. */
const STEP_FIELDS = [
  'name',
  'run',
  'shell',
  'working-directory',
  'env',
  'timeout',
  'checkpoint',
  'rollback',
  'estimate',
  'description',
] as const satisfies readonly (keyof Step)[];

/** A setting as text: strings as written, objects and lists as sorted JSON, so equal values compare equal. */
function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  if (typeof value === 'object' && value !== null) {
    const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return Object.entries(sorted)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n');
  }
  return String(value);
}

function compare(fields: readonly string[], before: object, after: object): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const a = asText((before as Record<string, unknown>)[field]);
    const b = asText((after as Record<string, unknown>)[field]);
    if (a === b) continue;
    out.push({ field, ...(a !== undefined ? { before: a } : {}), ...(b !== undefined ? { after: b } : {}) });
  }
  return out;
}

/** A verification in one shape whether written as a command or an object. */
function verification(v: Verification): Record<string, unknown> {
  return typeof v === 'string' ? { run: v, shell: 'bash' } : v;
}

/**
 * The longest common subsequence of two lists of distinct ids: the steps that kept their relative
 * order. Plans have at most 50 steps, so the quadratic table is small.
 */
function keptInOrder(a: string[], b: string[]): Set<string> {
  const len: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      len[i]![j] = a[i] === b[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

/** What changed from `before` to `after`, steps matched by id. */
export function diffPlans(before: Plan, after: Plan): PlanDelta {
  const oldIds = before.steps.map((s) => s.id);
  const newIds = after.steps.map((s) => s.id);
  const oldById = new Map(before.steps.map((s, i) => [s.id, { step: s, position: i + 1 }]));
  const newById = new Map(after.steps.map((s, i) => [s.id, { step: s, position: i + 1 }]));

  const added = after.steps
    .map((s, i) => ({ id: s.id, name: s.name, position: i + 1 }))
    .filter((s) => !oldById.has(s.id));
  const removed = before.steps
    .map((s, i) => ({ id: s.id, name: s.name, position: i + 1 }))
    .filter((s) => !newById.has(s.id));

  const common = newIds.filter((id) => oldById.has(id));
  const kept = keptInOrder(
    oldIds.filter((id) => newById.has(id)),
    common,
  );
  const moved = common
    .filter((id) => !kept.has(id))
    .map((id) => ({
      id,
      name: newById.get(id)!.step.name,
      from: oldById.get(id)!.position,
      to: newById.get(id)!.position,
    }));

  const changed: StepChange[] = [];
  for (const id of common) {
    const now = newById.get(id)!;
    const changes = compare(STEP_FIELDS, oldById.get(id)!.step, now.step);
    if (changes.length) changed.push({ id, name: now.step.name, position: now.position, changes });
  }

  const oldVerify = before.verify ?? {};
  const newVerify = after.verify ?? {};
  const verify: PlanDelta['verify'] = {
    added: Object.keys(newVerify).filter((k) => !Object.hasOwn(oldVerify, k)),
    removed: Object.keys(oldVerify).filter((k) => !Object.hasOwn(newVerify, k)),
    changed: [],
  };
  for (const name of Object.keys(newVerify)) {
    if (!Object.hasOwn(oldVerify, name)) continue;
    const a = verification(oldVerify[name]!);
    const b = verification(newVerify[name]!);
    const changes = compare(['run', 'shell', 'working-directory', 'env', 'timeout'], a, b);
    if (changes.length) verify.changed.push({ name, changes });
  }

  const planFields = compare(
    ['title', 'environment', 'estimate', 'risks', 'requirements', 'description'],
    before,
    after,
  );
  const configFields = compare(
    Object.keys({ ...before.config, ...after.config }),
    before.config,
    after.config,
  ).map((c) => ({ ...c, field: `config.${c.field}` }));
  return { added, removed, moved, changed, verify, plan: [...planFields, ...configFields] };
}

/** Whether the two plans run the same thing with the same settings (a delta with nothing in it). */
export function isEmptyDelta(d: PlanDelta): boolean {
  return (
    !d.added.length &&
    !d.removed.length &&
    !d.moved.length &&
    !d.changed.length &&
    !d.verify.added.length &&
    !d.verify.removed.length &&
    !d.verify.changed.length &&
    !d.plan.length
  );
}

/** One line of a line diff: kept, removed or added. */
export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

/** Past this many line pairs a diff is not searched for the fewest changes. */
const MAX_DIFF_CELLS = 250_000;

/** A line diff of two texts (a command before and after), fewest changed lines, LCS over lines. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  // A long script is not worth a large table: shown as removed, then added.
  if (a.length * b.length > MAX_DIFF_CELLS)
    return [
      ...a.map((text) => ({ kind: '-' as const, text })),
      ...b.map((text) => ({ kind: '+' as const, text })),
    ];
  const len: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      len[i]![j] = a[i] === b[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i]! });
      i++;
      j++;
    } else if (len[i + 1]![j]! >= len[i]![j + 1]!) out.push({ kind: '-', text: a[i++]! });
    else out.push({ kind: '+', text: b[j++]! });
  }
  while (i < a.length) out.push({ kind: '-', text: a[i++]! });
  while (j < b.length) out.push({ kind: '+', text: b[j++]! });
  return out;
}

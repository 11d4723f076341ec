/**
 * Plans whose steps leave a trace: every step appends `start <id> <pid>` to `$RUN_LOG` when it begins
 * and `end <id>` when it ends, so executions are counted from what real processes did, not from
 * what the gate says it did.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface TracedStep {
  id: string;
  /** Shell run between the start and end lines (e.g. a sleep, or a test that fails). */
  body?: string;
  checkpoint?: boolean;
  rollback?: boolean;
}

export interface TracedPlanOptions {
  title?: string;
  description?: string;
  steps: TracedStep[];
  /** A verification that logs `start verify`. */
  verify?: boolean;
  allowSkip?: boolean;
}

/** A double-quoted YAML scalar, safe for any text. */
export function yamlString(text: string): string {
  return JSON.stringify(text);
}

export function tracedPlan(o: TracedPlanOptions): string {
  const lines = [
    'version: 1',
    `title: ${yamlString(o.title ?? 'Traced plan')}`,
    ...(o.description ? [`description: ${yamlString(o.description)}`] : []),
    'config:',
    `  allow_skip: ${o.allowSkip ?? false}`,
    'steps:',
  ];
  for (const s of o.steps) {
    const run = [
      `echo "start ${s.id} $$" >> "$RUN_LOG"`,
      ...(s.body ? [s.body] : []),
      `echo "end ${s.id}" >> "$RUN_LOG"`,
    ];
    lines.push(`  - id: ${s.id}`, `    name: Step ${s.id}`, '    estimate: 1m', '    run: |');
    for (const l of run.join('\n').split('\n')) lines.push(`      ${l}`);
    if (s.checkpoint) lines.push('    checkpoint: true');
    if (s.rollback) lines.push(`    rollback: echo "start undo-${s.id} $$" >> "$RUN_LOG"`);
  }
  if (o.verify ?? true) lines.push('verify:', '  traced: echo "start verify $$" >> "$RUN_LOG"');
  return `${lines.join('\n')}\n`;
}

export interface TraceEntry {
  kind: 'start' | 'end';
  id: string;
  pid?: number;
}

/** The trace so far, oldest first. */
export function readTrace(path: string): TraceEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, id = '', pid] = line.split(' ');
      return { kind: kind === 'end' ? 'end' : 'start', id, ...(pid ? { pid: Number(pid) } : {}) };
    });
}

/** How many times each id started. */
export function startCounts(trace: TraceEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of trace) if (e.kind === 'start') counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
  return counts;
}

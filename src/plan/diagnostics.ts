/** A problem found in a YAML file, located in its source so editors, the CLI and check-run annotations can point at it. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  /** 1-based, from the YAML source. */
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
  /** Key path such as `steps[2].timeout`, `config.max_plan_steps`, `env.FOO`; '' for the document itself. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
}

/** One segment of a key path: a mapping key or a list index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['steps', 2, 'timeout']` → `steps[2].timeout`; keys that would read ambiguously are quoted: `env["A B"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `FILE:LINE:COL: path: message`, with `warning: ` before the message of a warning. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}:`;
  const path = d.path === '' ? '' : ` ${d.path}:`;
  const kind = d.severity === 'warning' ? ' warning:' : '';
  return `${where}${path}${kind} ${d.message}`;
}

/** Sorts by position (line, then column), keeping the original order for ties. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}

import { formatPath, type Diagnostic, type PathSegment } from './diagnostics.js';
import type { PositionIndex, SourceSpan } from './positions.js';
import type { Plan, Shell } from './schema.js';

/**
 * What a trivial command does, when that is all it does: "only prints text", "only creates the file `x`".
 * Deliberately narrow — it recognises a handful of single-purpose shell builtins and stays silent on
 * anything it cannot be sure of (pipes, `&&`, command substitution, any other program).
 */
export function trivialCommand(run: string, shell: Shell = 'bash'): string | undefined {
  if (shell !== 'bash' && shell !== 'sh') return undefined;
  // Read line by line and only as far as the verdict needs: a long script is judged by its first
  // line that does real work, not split and classified whole.
  const lines = commandLines(run);
  const first = lines.next();
  if (first.done) return 'holds only comments, so it does nothing';

  const heredoc = heredocStart(first.value);
  if (heredoc) {
    const rest = [...lines];
    return heredocWrite(heredoc, rest) ?? judgeLines(first.value, rest.values());
  }
  return judgeLines(first.value, lines);
}

/** The lines of a command that do something, trimmed: no blank lines, no comments. */
function* commandLines(run: string): Generator<string, void, undefined> {
  for (let start = 0; start <= run.length;) {
    let end = run.indexOf('\n', start);
    if (end === -1) end = run.length;
    // Trimming drops the `\r` of a CRLF line end too.
    const line = run.slice(start, end).trim();
    if (line !== '' && !line.startsWith('#')) yield line;
    start = end + 1;
  }
}

/**
 * Lines that only print or do nothing: which of the two; a single line that does one thing: what
 * it does; anything else: undefined, decided at the first line that is neither print nor no-op.
 */
function judgeLines(first: string, rest: Iterator<string>): string | undefined {
  const kind = classifyLine(first);
  if (kind !== 'print' && kind !== 'noop') return kind && rest.next().done ? kind.does : undefined;
  let prints = kind === 'print';
  for (let next = rest.next(); !next.done; next = rest.next()) {
    const other = classifyLine(next.value);
    if (other === 'print') prints = true;
    else if (other !== 'noop') return undefined;
  }
  return prints ? 'only prints text' : 'does nothing';
}

type LineKind = 'print' | 'noop' | { does: string } | undefined;

/** Quoted text replaced by `Q`, so operators inside quotes are not mistaken for shell syntax. */
function withoutQuotes(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, 'Q');
}

function classifyLine(line: string): LineKind {
  // Anything that runs another command, continues a line or chains commands is real work or unknown.
  if (/\$\(|`|\\$/.test(line)) return undefined;
  const bare = withoutQuotes(line);
  if (/[|&;<(){}]/.test(bare)) return undefined;
  if (/^(true|:|exit(\s+0)?)$/.test(bare)) return 'noop';
  const redirect = /^(?:(echo|printf)(?:\s+[^>]*)?|:)?\s*>>?\s*(\S+)$/.exec(bare);
  if (redirect && !/>/.test(redirect[2] ?? '')) {
    return { does: `only writes a single file (\`${target(line)}\`)` };
  }
  if (/>/.test(bare)) return undefined;
  if (/^(echo|printf)(\s|$)/.test(bare)) return 'print';
  const touch = /^touch\s+([^\s-]\S*)$/.exec(bare);
  if (touch) return { does: `only creates a single file (\`${touch[1] ?? ''}\`)` };
  const mkdir = /^mkdir(?:\s+-p)?\s+([^\s-]\S*)$/.exec(bare);
  if (mkdir) return { does: `only creates a directory (\`${mkdir[1] ?? ''}\`)` };
  return undefined;
}

function target(line: string): string {
  return />>?\s*("[^"]*"|'[^']*'|\S+)$/.exec(line)?.[1] ?? '';
}

interface HeredocStart {
  file: string;
  quote: string;
  tag: string;
}

/** `cat > f <<EOF`, `cat <<'EOF' > f`, `tee f <<EOF`: a first line that starts writing one file from a heredoc. */
function heredocStart(first: string): HeredocStart | undefined {
  const match =
    /^cat\s+>\s*(?<file>[^\s<>]+)\s+<<-?\s*(?<q>['"]?)(?<tag>\w+)\k<q>$/.exec(first) ??
    /^cat\s+<<-?\s*(?<q>['"]?)(?<tag>\w+)\k<q>\s+>\s*(?<file>[^\s<>]+)$/.exec(first) ??
    /^tee\s+(?<file>[^\s<>-][^\s<>]*)\s+<<-?\s*(?<q>['"]?)(?<tag>\w+)\k<q>$/.exec(first);
  const groups = match?.groups;
  return groups ? { file: groups.file ?? '', quote: groups.q ?? '', tag: groups.tag ?? '' } : undefined;
}

/** `cat > f <<EOF … EOF`, `cat <<'EOF' > f …`, `tee f <<EOF …`: the whole command writes one file. */
function heredocWrite(start: HeredocStart, rest: readonly string[]): string | undefined {
  if (rest.at(-1) !== start.tag) return undefined;
  // With an unquoted delimiter the body's `$(…)` runs, so the command may do more than write.
  const body = rest.slice(0, -1);
  if (start.quote === '' && body.some((line) => /\$\(|`/.test(line))) return undefined;
  return `only writes a single file (\`${start.file}\`)`;
}

/** Warnings for the plan anti-patterns: over-planning, no verify phase, missing estimates, duplicate commands. */
export function lintPlan(plan: Plan, positions: PositionIndex, file: string): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  const warn = (path: readonly PathSegment[], span: SourceSpan, message: string) => {
    warnings.push({ severity: 'warning', file, ...span, path: formatPath(path), message });
  };

  if (plan.verify === undefined) {
    warn(
      [],
      positions.root(),
      'the plan has no verify phase; add `verify:` with the commands that prove the result (for example `tests: npm test`), which proceed/verify runs before merge',
    );
  } else if (Object.keys(plan.verify).length === 0) {
    warn(
      ['verify'],
      positions.locate(['verify']),
      'the verify phase is empty; list the commands that prove the result (for example `tests: npm test`)',
    );
  }

  // The first step of each distinct command, by the command's length: a Map keyed by the commands
  // themselves would hash every long script in full, where comparing two scripts of one length
  // stops at their first difference.
  const firstWithCommand = new Map<number, { command: string; index: number }[]>();
  plan.steps.forEach((step, i) => {
    const stepPath = ['steps', i];
    // Looked up only for a warning about the step itself; most steps draw none.
    const stepSpan = () => positions.value(stepPath) ?? positions.locate(stepPath);
    if (step.run === undefined) {
      warn(
        stepPath,
        stepSpan(),
        'has no command (`run`), which is over-planning; merge it into a meaningful step, or give it the command that does the work',
      );
    } else {
      const runPath = [...stepPath, 'run'];
      const trivial = trivialCommand(step.run, step.shell);
      if (trivial) {
        warn(
          runPath,
          positions.locate(runPath),
          `${trivial}, which is over-planning; merge it into the meaningful step it belongs to`,
        );
      }
      const command = step.run.trim();
      const sameLength = firstWithCommand.get(command.length);
      const first = sameLength?.find((earlier) => earlier.command === command)?.index;
      if (first === undefined) {
        if (sameLength) sameLength.push({ command, index: i });
        else firstWithCommand.set(command.length, [{ command, index: i }]);
      } else {
        const earlier = plan.steps[first];
        warn(
          runPath,
          positions.locate(runPath),
          `runs the same command as steps[${first}] (\`${earlier?.id ?? ''}\`); merge the two steps or remove this one`,
        );
      }
    }
    if (plan.config.show_estimated_time && step.estimate === undefined) {
      warn(
        stepPath,
        stepSpan(),
        'has no estimate while config.show_estimated_time is on; add one (for example `estimate: 5m`) or set show_estimated_time: false',
      );
    }
  });
  return warnings;
}

/**
 * Finds the one command in a pull-request comment (SPEC §3).
 *
 * A command is a line of the comment that starts with `/proceed`, `/retry` … (case-insensitive,
 * after optional spaces or tabs), followed by whitespace or the end of the line. Only text that
 * GitHub shows as ordinary text counts: a command inside a fenced or indented code block, a block
 * quote (nested or lazily continued), an HTML comment, raw `<pre>`-like HTML, a
 * `<blockquote>`/`<pre>`/`<code>` element or an inline code span running over several lines is
 * quoted, not given; telling those apart needs CommonMark's block structure, which visible-lines.ts
 * follows. Quoting a command never runs anything.
 */
import { closestMatch } from '../plan/closest-match.js';
import { codeSpan } from '../render/markdown.js';
import { textLines } from './visible-lines.js';

export const COMMANDS = ['proceed', 'retry', 'skip', 'cancel', 'rollback', 'plan', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

export type ParsedComment =
  /** No command in it: not for us, no reaction. */
  | { kind: 'none' }
  /** `line` is 1-based; `args` is the rest of the line, trimmed (the product ignores it). */
  | { kind: 'command'; command: CommandName; line: number; args: string }
  /** Looked like ours but is wrong: a typo of a command, or two different commands. */
  | { kind: 'invalid'; line: number; message: string };

type GivenCommand = Extract<ParsedComment, { kind: 'command' }>;
type InvalidCommand = Extract<ParsedComment, { kind: 'invalid' }>;

export function isCommandName(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word);
}

/** A line that starts with `/` after spaces or tabs: no command can be in a comment without one. */
const SLASH_LINE = /(?:^\uFEFF?|[\r\n])[ \t]*\//;

export function parseComment(body: string): ParsedComment {
  // Most comments hold no slash at the start of a line; they need no block structure to say so.
  if (!SLASH_LINE.test(body)) return { kind: 'none' };
  const lines = body.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const visible = textLines(lines);

  let first: GivenCommand | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (!visible[i]) continue;
    const found = commandOnLine(lines[i] ?? '', i + 1);
    if (!found) continue;
    if (found.kind === 'invalid') return found;
    if (!first) first = found;
    else if (found.command !== first.command) {
      return {
        kind: 'invalid',
        line: found.line,
        message:
          `this comment gives both \`/${first.command}\` (line ${first.line}) and \`/${found.command}\` ` +
          `(line ${found.line}); write one command per comment`,
      };
    }
  }
  return first ?? { kind: 'none' };
}

/** Commands are short; a longer slash word is not a typo of one (and is not worth comparing). */
const LONGEST_TYPO = Math.max(...COMMANDS.map((c) => c.length)) + 3;

function commandOnLine(line: string, lineNumber: number): GivenCommand | InvalidCommand | undefined {
  const text = line.replace(/^[ \t]+/, '');
  if (!text.startsWith('/')) return undefined;
  const token = /^\S*/.exec(text)?.[0] ?? '';
  const word = token.slice(1).toLowerCase();
  if (isCommandName(word)) {
    return { kind: 'command', command: word, line: lineNumber, args: text.slice(token.length).trim() };
  }
  if (word === '' || word.length > LONGEST_TYPO) return undefined;
  // `/proceed.` or `/help?`: the command with punctuation stuck to it.
  const meant = COMMANDS.find((c) => word.startsWith(c) && /^[.,;:!?)'"`]+$/.test(word.slice(c.length)));
  if (meant) {
    return {
      kind: 'invalid',
      line: lineNumber,
      message: `${codeSpan(token)} is not a command: write \`/${meant}\` followed by a space or the end of the line`,
    };
  }
  const suggestion = closestMatch(word, COMMANDS);
  if (!suggestion) return undefined;
  return {
    kind: 'invalid',
    line: lineNumber,
    message: `${codeSpan(token)} is not a command; did you mean \`/${suggestion}\`? (\`/help\` lists them)`,
  };
}

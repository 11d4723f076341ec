/**
 * Safe building blocks for Markdown that GitHub renders. Every string that came from a plan goes
 * through one of these before it reaches a comment, so that plan text is always shown, never obeyed:
 * no HTML, no live links or images, no @mentions, no way out of a code block or a table cell, and no
 * `<!--` that could forge the bot's hidden state marker.
 */

const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Control characters, and the bidirectional overrides that can make a command read differently from
 * what runs ("Trojan Source"). Tab and newline are ordinary text.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** GitHub's limit on the body of a comment or review (the one place it is written; adapters and the fake read it). */
export const GITHUB_BODY_LIMIT = 65_536;
/** GitHub's limit on a check run's `output.summary` and `output.text`. */
export const GITHUB_CHECK_TEXT_LIMIT = 65_535;
/** Room left for the hidden state marker that callers append to a body. */
export const DEFAULT_MAX_LENGTH = GITHUB_BODY_LIMIT - 1_024;

/** Made on first use: building it loads ICU's data, which would cost every start of the Action. */
let numberFormat: Intl.NumberFormat | undefined;

/** `18765` → `18,765`. */
export function formatCount(n: number): string {
  numberFormat ??= new Intl.NumberFormat('en-US');
  return numberFormat.format(n);
}

/**
 * Shows control and bidi characters as `⟨U+202E⟩` so a reviewer sees exactly what will run. CRLF
 * becomes LF; a lone CR, which a terminal uses to overwrite a line, is shown like the others.
 */
export function revealInvisible(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(INVISIBLE, (c) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** `@user` and `@org/team` stay readable but never notify anyone. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, `@${ZERO_WIDTH_SPACE}`);
}

/**
 * Breaks every `<!--` so that plan text shown verbatim (in code) can never open an HTML comment,
 * which is how the bot hides its state. The zero-width space keeps the text looking the same.
 */
export function breakCommentOpeners(text: string): string {
  return text.replace(/<!--/g, `<${ZERO_WIDTH_SPACE}!--`);
}

/** HTML's `&`, `<` and `>`; emphasis, code, links and images, tables, strikethrough and math. */
const MARKUP = /[&<>\\`*_[\]|~$]/;
const MARKUP_ALL = new RegExp(MARKUP.source, 'g');

/** `&`, `<`, `>` as entities and the other markup characters backslash-escaped, in one pass. */
function escapeMarkup(text: string): string {
  if (!MARKUP.test(text)) return text;
  return text.replace(MARKUP_ALL, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`,
  );
}

function escapeMarkdownLine(line: string): string {
  // Leading indentation would turn the line into an indented code block.
  const escaped = escapeMarkup(line.replace(/^[ \t]+/, ''));
  return (
    escaped
      // Headings, list items, setext underlines and thematic breaks only start a line.
      .replace(/^[#+=-]/, '\\$&')
      // `1.` or `1)` at the start of a line would begin an ordered list.
      .replace(/^(\d+)([.)])/, '$1\\$2')
  );
}

/**
 * Plan text for a Markdown block or paragraph: shown literally, line breaks kept, no markup, no
 * HTML, no mentions. Not for HTML contexts (use `escapeHtml`) nor inside code (use `codeSpan` or
 * `fencedBlock`).
 */
export function escapeText(text: string): string {
  return neutralizeMentions(revealInvisible(text).split('\n').map(escapeMarkdownLine).join('\n'));
}

// ---------------------------------------------------------------------------------------------------
// Plain Markdown of plan authors: the little that cannot inject

/** A link the description may carry: http(s) only, no credentials, nothing Markdown would read. */
const SAFE_URL = /^https?:\/\/[A-Za-z0-9\-._~:/?#!$&+,;=%]+$/;
const LINK = /^\[([^[\]\n]{1,1000})\]\(([^()\s]{1,2000})\)/;
/** `**strong**`, `__strong__`, `*em*`, `_em_`: the delimiters are kept, what they hold is escaped. */
const EMPHASIS = /^(\*\*|__|\*|_)(?=\S)([^\n]*?\S)\1/;
/** A list item: its indentation, its marker (`-`, `*`, `+`, `1.`, `1)`), the space after it and its text. */
const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+)(.*)$/;

function safeUrl(raw: string): boolean {
  if (!SAFE_URL.test(raw)) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Plan text inside a code span, its delimiters no shorter than the author's (length only grows). */
function inlineCode(body: string, delimiterLength: number): string {
  const shown = breakCommentOpeners(revealInvisible(body));
  const delimiter = '`'.repeat(Math.max(delimiterLength, longestRun(shown, '`') + 1));
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${delimiter}${pad}${shown}${pad}${delimiter}`;
}

/** Text in the middle of a line: markup characters escaped, spaces kept (no line-start rules apply). */
function escapeMidLine(text: string): string {
  return escapeMarkup(text);
}

/**
 * One line of plan text with its code spans, emphasis and http(s) links kept and all else escaped;
 * `lineStart`: the text begins a line (or a list item), where headings and lists could begin.
 */
/** What `plainInline` looks at: the characters that may start a code span, a link or emphasis. */
const MARKUP_START = /[`[*_]/g;

function plainInline(line: string, lineStart: boolean): string {
  let out = '';
  let text = '';
  const flush = () => {
    if (text)
      out += neutralizeMentions(lineStart && out === '' ? escapeMarkdownLine(text) : escapeMidLine(text));
    text = '';
  };
  for (let i = 0; i < line.length;) {
    const c = line[i]!;
    if (c !== '`' && c !== '[' && c !== '*' && c !== '_') {
      // Up to the next character that may start markup, in one piece.
      MARKUP_START.lastIndex = i;
      const next = MARKUP_START.exec(line)?.index ?? line.length;
      text += line.slice(i, next);
      i = next;
      continue;
    }
    const rest = line.slice(i);
    if (c === '`') {
      const ticks = /^`+/.exec(rest)![0];
      const close = new RegExp(`(?<!\`)${ticks}(?!\`)`).exec(rest.slice(ticks.length));
      if (close) {
        flush();
        out += inlineCode(rest.slice(ticks.length, ticks.length + close.index), ticks.length);
        i += ticks.length * 2 + close.index;
      } else {
        text += ticks;
        i += ticks.length;
      }
      continue;
    }
    const link = c === '[' ? LINK.exec(rest) : null;
    if (link && safeUrl(link[2]!)) {
      flush();
      // `!` before a link would make it an image, which loads from anywhere: keep it a plain `!`.
      if (out.endsWith('!')) out = `${out.slice(0, -1)}\\!`;
      out += `[${neutralizeMentions(escapeMidLine(link[1]!))}](${link[2]})`;
      i += link[0].length;
      continue;
    }
    const emphasis = c === '*' || c === '_' ? EMPHASIS.exec(rest) : null;
    if (emphasis) {
      flush();
      out += `${emphasis[1]}${plainInline(emphasis[2]!, false)}${emphasis[1]}`;
      i += emphasis[0].length;
      continue;
    }
    text += c;
    i += 1;
  }
  flush();
  return out;
}

/**
 * A plan author's description as the plain Markdown people write in one: code spans, emphasis,
 * http(s) links and lists render; everything else (HTML, headings, tables, images, quotes, other
 * links) is shown as typed, @mentions notify nobody and nothing can open `<!--`. Line breaks are
 * kept. Never shorter than `escapedLengthAtLeast` counts.
 */
export function plainMarkdown(text: string): string {
  return revealInvisible(text)
    .split('\n')
    .map((line) => {
      const item = LIST_ITEM.exec(line);
      if (!item) return line.trim() === '' ? '' : plainInline(line.replace(/^[ \t]+/, ''), true);
      // Nesting by two spaces a level, at most three levels: deeper would read as a code block.
      const level = Math.min(3, Math.floor(item[1]!.replace(/\t/g, '  ').length / 2));
      return `${'  '.repeat(level)}${item[2]}${item[3]}${plainInline(item[4]!, true)}`;
    })
    .join('\n');
}

const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;

/**
 * A lower bound on `escapeText(text).length`, and on the escaped text with more appended (as
 * `truncate` appends its note), counted only until it passes `enough`. Escaping only adds, except
 * that it drops carriage returns and the spaces and tabs that start a line: this counts the rest.
 */
export function escapedLengthAtLeast(text: string, enough = Infinity): number {
  // Counting stops at the first count past `enough`: that count, whatever follows.
  const past = enough >= 0 ? Math.floor(enough) + 1 : 0;
  let kept = 0;
  let cr = text.indexOf('\r');
  // A line at a time, found with indexOf rather than read character by character.
  for (let i = 0; i < text.length && kept < past;) {
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++i);
    if (i >= text.length) break;
    const newline = text.indexOf('\n', i);
    const end = newline === -1 ? text.length : newline + 1;
    if (cr !== -1 && cr < i) cr = text.indexOf('\r', i);
    let dropped = 0;
    for (; cr !== -1 && cr < end; cr = text.indexOf('\r', cr + 1)) dropped++;
    kept += end - i - dropped;
    i = end;
  }
  return Math.max(0, Math.min(kept, past));
}

/** Newlines (and the blank space around them) become one space: for headings, list items and table cells. */
export function singleLine(text: string): string {
  return text.replace(/[ \t]*(?:\r?\n)+[ \t]*/g, ' ').trim();
}

/** Plan text on one line of Markdown, e.g. a heading or a table cell (`|` is escaped too). */
export function escapeInline(text: string): string {
  return escapeText(singleLine(text));
}

/**
 * Plan text inside raw HTML such as `<summary>`, where GitHub does not process Markdown (so
 * backslash escapes would show) but does link mentions.
 */
export function escapeHtml(text: string): string {
  return neutralizeMentions(
    revealInvisible(singleLine(text))
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
      // Inert already inside an HTML block; entities keep them inert should Markdown ever apply.
      .replace(/[[\]`]/g, (c) => `&#${c.charCodeAt(0)};`),
  );
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/**
 * Inline code that shows `text` verbatim: the delimiter is longer than any backtick run inside.
 * `inTable` escapes `|`, which GitHub reads as a cell border even inside code, and which it turns
 * back into `|` when shown.
 */
export function codeSpan(text: string, opts: { inTable?: boolean } = {}): string {
  let body = breakCommentOpeners(revealInvisible(singleLine(text)));
  if (opts.inTable) body = body.replace(/\|/g, '\\|');
  if (body === '') return '` `';
  const delimiter = '`'.repeat(longestRun(body, '`') + 1);
  // A backtick next to the delimiter would join it; CommonMark strips one padding space on each side.
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${delimiter}${pad}${body}${pad}${delimiter}`;
}

/**
 * A fenced code block showing `code` verbatim. The fence is longer than any backtick run inside, so
 * no line of the code can close it.
 */
export function fencedBlock(code: string, language = ''): string {
  const body = breakCommentOpeners(revealInvisible(code)).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${language}\n${body}\n${fence}`;
}

/**
 * A lower bound on `fencedBlock(code, language).length`, counted only until it passes `enough`:
 * the fences are three backticks at least, on lines of their own, the first naming the language;
 * the code loses only its carriage returns and the newlines that end it.
 */
export function fencedLengthAtLeast(code: string, language = '', enough = Infinity): number {
  let end = code.length;
  while (end > 0 && (code.charCodeAt(end - 1) === LF || code.charCodeAt(end - 1) === CR)) end--;
  const fences = 8 + language.length;
  // Counting stops at the first count past `enough`: that count, whatever follows.
  const past = enough >= 0 ? Math.floor(enough) + 1 : 0;
  if (fences >= past) return fences;
  let dropped = 0;
  for (let cr = code.indexOf('\r'); cr !== -1 && cr < end; cr = code.indexOf('\r', cr + 1)) {
    if (fences + cr - dropped >= past) break;
    dropped++;
  }
  return Math.min(fences + end - dropped, past);
}

/** Markdown (already safe) as a blockquote. */
export function blockquote(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

/** A GitHub alert block (`NOTE`, `TIP`, `IMPORTANT`, `WARNING`, `CAUTION`) around safe Markdown. */
export function alert(kind: 'NOTE' | 'TIP' | 'IMPORTANT' | 'WARNING' | 'CAUTION', markdown: string): string {
  return blockquote(`[!${kind}]\n${markdown}`);
}

/** A GFM table. Cells must already be safe for a table (see `escapeInline`, `codeSpan(…, { inTable })`). */
export function table(header: string[], align: ('left' | 'right' | 'center')[], rows: string[][]): string {
  const rule = align.map((a) => (a === 'right' ? '---:' : a === 'center' ? ':---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The visible note that replaces what `clip` cut off. */
export function omissionNote(omitted: number, unit = 'characters', where = 'see the plan file'): string {
  return `… ${formatCount(omitted)} more ${unit}, ${where}`;
}

/** The first `max` characters of `text` (never splitting a surrogate pair) and how many were cut. */
export function clip(text: string, max: number): { text: string; omitted: number } {
  if (text.length <= max) return { text, omitted: 0 };
  let end = Math.max(0, Math.floor(max));
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return { text: text.slice(0, end), omitted: text.length - end };
}

/** The last `max` characters of `text` (for log tails) and how many were cut from the front. */
export function clipStart(text: string, max: number): { text: string; omitted: number } {
  if (text.length <= max) return { text, omitted: 0 };
  let start = text.length - Math.max(0, Math.floor(max));
  if (start < text.length && isLowSurrogate(text.charCodeAt(start))) start += 1;
  return { text: text.slice(start), omitted: start };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * `text` cut to `max` characters with a visible note of what is missing. Apply it to the raw text,
 * before escaping or fencing, so markup is never cut in half. `compact` ends with a bare `…`, for
 * short labels whose full text is elsewhere.
 */
export function truncate(
  text: string,
  max: number,
  opts: { compact?: boolean; where?: string } = {},
): string {
  const { text: kept, omitted } = clip(text, max);
  if (omitted === 0) return text;
  if (opts.compact) return `${kept.trimEnd()}…`;
  return `${kept}\n${omissionNote(omitted, 'characters', opts.where)}`;
}

/**
 * Last resort for a body that no amount of shrinking got under `max`: keep whole lines from the
 * start, add a note, and keep `tail` (e.g. the "How to proceed" section) whole when it fits.
 */
export function fitByCutting(body: string, max: number, tail = '', where = 'see the plan file'): string {
  const note = `\n\n… the rest of this comment was cut to fit GitHub’s size limit, ${where}\n\n`;
  const room = max - note.length - tail.length;
  if (room <= 0) return clip(tail, max).text;
  const kept = body.slice(0, room);
  const lastLine = kept.lastIndexOf('\n');
  return `${lastLine > 0 ? kept.slice(0, lastLine) : kept}${note}${tail}`;
}

/**
 * Which lines of a comment GitHub shows as ordinary text (`textLines`), for commands.ts: a line inside
 * a fenced or indented code block, a block quote (nested or lazily continued), an HTML comment or
 * block, raw `<pre>`-like HTML, a `<blockquote>`/`<pre>`/`<code>` element, a link reference
 * definition (its destination or a multi-line title), a multi-line HTML attribute or an inline code
 * span running over several lines is not. It follows CommonMark 0.31 for containers (block quotes,
 * list items) and leaves (fences, indented code, HTML blocks, paragraphs), and is linear in the
 * length of the body (GitHub allows 65,536 characters).
 */
// ---------------------------------------------------------------------------------------------------
// Block structure: which lines GitHub shows as ordinary text.

type Container = { kind: 'quote' } | { kind: 'item'; indent: number };

interface ParagraphLine {
  index: number;
  /** The line's text inside the paragraph, without container markers or leading whitespace. */
  text: string;
}

type Leaf =
  | { kind: 'paragraph'; quoted: boolean; lines: ParagraphLine[] }
  | { kind: 'fence'; char: string; length: number }
  | { kind: 'indented' }
  | { kind: 'html'; end: HtmlEnd };

/** How an HTML block ends: CommonMark's types 1–5 at a marker, types 6–7 at a blank line. */
type HtmlEnd = 'comment' | 'raw' | 'pi' | 'decl' | 'cdata' | 'blank';

/** What ends each HTML block that ends at a marker (types 2–5; type 1 is `raw`). */
const HTML_END_MARKERS = { comment: '-->', pi: '?>', decl: '>', cdata: ']]>' } as const;

/** Deeper nesting is treated as text of the deepest container; it bounds the work per line. */
const MAX_CONTAINERS = 64;

/** HTML block type 6 of CommonMark: these tags start a raw HTML block that ends at a blank line. */
const BLOCK_TAGS = new Set(
  (
    'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir ' +
    'div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html ' +
    'iframe legend li link main menu menuitem nav noframes ol optgroup option p param search section summary ' +
    'table tbody td tfoot th thead title tr track ul'
  ).split(' '),
);

/** Elements whose content GitHub shows as quoted or as code. */
const QUOTING_TAG = /<(\/?)(blockquote|pre|code|kbd|samp|tt|q)(?=[\s>/])[^<>]*>/gi;

/** For each line, whether it is ordinary text (where a command may be given). */
export function textLines(lines: readonly string[]): boolean[] {
  const scanner = new BlockScanner(lines.length);
  lines.forEach((line, index) => scanner.scan(line, index));
  return scanner.finish();
}

class BlockScanner {
  private readonly visible: boolean[];
  private containers: Container[] = [];
  private leaf: Leaf | undefined;
  /** `<blockquote>`, `<pre>`, `<code>` … tags in text, in order. */
  private readonly tags: Array<{ index: number; name: string; closing: boolean }> = [];

  constructor(lineCount: number) {
    this.visible = new Array<boolean>(lineCount).fill(false);
  }

  finish(): boolean[] {
    this.closeLeaf();
    this.hideQuotingElements();
    return this.visible;
  }

  scan(raw: string, index: number): void {
    const text = raw.includes('\t') ? expandTabs(raw) : raw;

    // 1. Which open containers does this line continue?
    let pos = 0;
    let matched = 0;
    for (const container of this.containers) {
      if (container.kind === 'quote') {
        const indent = indentAt(text, pos);
        if (indent > 3 || text[pos + indent] !== '>') break;
        pos = afterQuoteMarker(text, pos + indent);
      } else if (isBlankFrom(text, pos)) {
        // A blank line continues a list item without consuming anything.
      } else if (indentAt(text, pos) >= container.indent) {
        pos += container.indent;
      } else break;
      matched++;
    }
    const allMatched = matched === this.containers.length;

    // 2. A code block or HTML block that goes on.
    const open = this.leaf;
    if (allMatched && open && open.kind !== 'paragraph') {
      if (open.kind === 'fence') {
        if (isClosingFence(text, pos, open)) this.leaf = undefined;
        return;
      }
      if (open.kind === 'html') {
        if (open.end === 'blank' && isBlankFrom(text, pos)) this.leaf = undefined;
        else {
          if (open.end === 'blank' && !this.containers.some((c) => c.kind === 'quote')) {
            this.markRawHtml(index, text.slice(pos));
          }
          if (htmlBlockEnds(open.end, text)) this.leaf = undefined;
        }
        return;
      }
      if (isBlankFrom(text, pos) || indentAt(text, pos) >= 4) return;
      this.leaf = undefined;
    }

    // 3. New block quotes and list items.
    const paragraphOpen = this.leaf?.kind === 'paragraph';
    const opened: Container[] = [];
    while (this.containers.length + opened.length < MAX_CONTAINERS) {
      const indent = indentAt(text, pos);
      if (indent >= 4) break;
      const at = pos + indent;
      if (text[at] === '>') {
        opened.push({ kind: 'quote' });
        pos = afterQuoteMarker(text, at);
        continue;
      }
      const item = listMarkerAt(text, at);
      if (!item || isThematicBreak(text, at)) break;
      // Only a non-empty bullet or a list starting at 1 may interrupt a paragraph.
      const interrupts = allMatched && paragraphOpen && opened.length === 0;
      if (interrupts && (item.empty || item.start > 1)) break;
      opened.push({ kind: 'item', indent: indent + item.width });
      pos = item.empty ? text.length : at + item.width;
    }

    // 4. What the rest of the line is.
    const blank = isBlankFrom(text, pos);
    const indent = indentAt(text, pos);
    const at = pos + indent;
    const start: LeafStart = blank
      ? 'blank'
      : indent >= 4
        ? opened.length === 0 && paragraphOpen
          ? 'text'
          : 'indented'
        : leafStartAt(text, at, allMatched && paragraphOpen && opened.length === 0);

    const paragraph = this.leaf?.kind === 'paragraph' ? this.leaf : undefined;
    if (!allMatched && opened.length === 0 && paragraph && start === 'text') {
      // A lazy continuation line: it belongs to the open paragraph, wherever that is.
      this.addParagraphLine(paragraph, index, text.slice(pos).trimStart());
      return;
    }
    if (!allMatched || opened.length > 0) this.closeLeaf();
    this.containers.length = matched;
    this.containers.push(...opened);
    const quoted = this.containers.some((c) => c.kind === 'quote');

    switch (start) {
      case 'blank':
      case 'heading':
        this.closeLeaf();
        return;
      case 'indented':
        this.closeLeaf();
        this.leaf = { kind: 'indented' };
        return;
      case 'fence': {
        this.closeLeaf();
        const char = text[at] ?? '`';
        this.leaf = { kind: 'fence', char, length: runLength(text, at, char) };
        return;
      }
      case 'comment':
      case 'raw':
      case 'pi':
      case 'decl':
      case 'cdata':
      case 'blank-html':
        this.closeLeaf();
        if (start === 'blank-html') {
          if (!quoted) this.markRawHtml(index, text.slice(at));
          this.leaf = { kind: 'html', end: 'blank' };
        } else if (!htmlBlockEnds(start, text)) {
          this.leaf = { kind: 'html', end: start };
        }
        return;
      case 'text': {
        const current = this.leaf?.kind === 'paragraph' ? this.leaf : undefined;
        const target = current ?? { kind: 'paragraph' as const, quoted, lines: [] };
        this.leaf = target;
        this.addParagraphLine(target, index, text.slice(at));
        return;
      }
    }
  }

  private addParagraphLine(
    paragraph: Extract<Leaf, { kind: 'paragraph' }>,
    index: number,
    text: string,
  ): void {
    paragraph.lines.push({ index, text });
    if (paragraph.quoted) return;
    this.visible[index] = true;
    this.noteQuotingTags(index, text);
  }

  /** Lines of a raw HTML block (`<details>` …) show as text. */
  private markRawHtml(index: number, text: string): void {
    this.visible[index] = true;
    this.noteQuotingTags(index, text);
  }

  private noteQuotingTags(index: number, text: string): void {
    if (!text.includes('<')) return;
    const literal = inlineHiddenRanges(text);
    let r = 0;
    for (const tag of text.matchAll(QUOTING_TAG)) {
      while (r < literal.length && (literal[r]?.[1] ?? 0) <= tag.index) r++;
      const range = literal[r];
      if (range && range[0] <= tag.index) continue;
      this.tags.push({ index, name: (tag[2] ?? '').toLowerCase(), closing: tag[1] === '/' });
    }
  }

  /** Hides the lines between an opening quoting tag and its closing tag (an unclosed one hides nothing). */
  private hideQuotingElements(): void {
    const open = new Map<string, number[]>();
    const depthChange = new Array<number>(this.visible.length + 1).fill(0);
    for (const tag of this.tags) {
      const stack = open.get(tag.name) ?? [];
      open.set(tag.name, stack);
      if (!tag.closing) stack.push(tag.index);
      else {
        const from = stack.pop();
        if (from === undefined || tag.index - from < 2) continue;
        depthChange[from + 1] = (depthChange[from + 1] ?? 0) + 1;
        depthChange[tag.index] = (depthChange[tag.index] ?? 0) - 1;
      }
    }
    let depth = 0;
    for (let i = 0; i < this.visible.length; i++) {
      depth += depthChange[i] ?? 0;
      if (depth > 0) this.visible[i] = false;
    }
  }

  private closeLeaf(): void {
    const leaf = this.leaf;
    this.leaf = undefined;
    if (leaf?.kind !== 'paragraph' || leaf.quoted || leaf.lines.length < 2) return;
    for (const index of linesStartingInsideInlineCode(leaf.lines)) this.visible[index] = false;
    // Link reference definitions at the paragraph's start render as nothing, however many lines they take.
    const defined = linkDefinitionsEnd(leaf.lines.map((l) => l.text).join('\n'));
    let offset = 0;
    for (const line of leaf.lines) {
      if (offset >= defined) break;
      this.visible[line.index] = false;
      offset += line.text.length + 1;
    }
  }
}

type LeafStart =
  'blank' | 'indented' | 'fence' | Exclude<HtmlEnd, 'blank'> | 'blank-html' | 'heading' | 'text';

/** The kind of block a line starts at `at` (indented at most 3 spaces). */
function leafStartAt(text: string, at: number, continuesParagraph: boolean): LeafStart {
  const c = text[at];
  if ((c === '`' || c === '~') && runLength(text, at, c) >= 3) {
    // A backtick fence's info string may not contain a backtick (it would be inline code).
    if (c === '~' || !text.includes('`', at + runLength(text, at, c))) return 'fence';
  }
  if (c === '<') {
    if (text.startsWith('<!--', at)) return 'comment';
    // Processing instructions, declarations and CDATA: GitHub shows none of their text.
    if (text.startsWith('<?', at)) return 'pi';
    if (text.startsWith('<![CDATA[', at)) return 'cdata';
    if (/^<![A-Za-z]/.test(text.slice(at, at + 3))) return 'decl';
    const rest = text.slice(at);
    if (/^<(?:pre|script|style|textarea)(?:[\s>]|$)/i.test(rest)) return 'raw';
    const tag = /^<\/?([a-z][a-z0-9-]*)(?:[\s>]|\/>|$)/i.exec(rest);
    if (tag?.[1] && BLOCK_TAGS.has(tag[1].toLowerCase())) return 'blank-html';
  }
  if (c === '#' && /^#{1,6}(?:[ \t]|$)/.test(text.slice(at, at + 8))) return 'heading';
  if (continuesParagraph && (c === '=' || c === '-') && isSetextUnderline(text, at)) return 'heading';
  if (isThematicBreak(text, at)) return 'heading';
  return 'text';
}

function htmlBlockEnds(end: HtmlEnd, line: string): boolean {
  if (end === 'comment' || end === 'pi' || end === 'decl' || end === 'cdata')
    return line.includes(HTML_END_MARKERS[end]);
  if (end === 'raw') return /<\/(?:pre|script|style|textarea)>/i.test(line);
  return false;
}

function isClosingFence(text: string, pos: number, fence: { char: string; length: number }): boolean {
  const indent = indentAt(text, pos);
  if (indent > 3) return false;
  const at = pos + indent;
  const n = runLength(text, at, fence.char);
  return n >= fence.length && isBlankFrom(text, at + n);
}

function listMarkerAt(
  text: string,
  at: number,
): { width: number; empty: boolean; start: number } | undefined {
  let end = at;
  let start = 1;
  const c = text[at];
  if (c === '-' || c === '+' || c === '*') end = at + 1;
  else {
    const ordered = /^(\d{1,9})[.)]/.exec(text.slice(at, at + 11));
    if (!ordered?.[1]) return undefined;
    start = Number(ordered[1]);
    end = at + ordered[0].length;
  }
  if (end < text.length && text[end] !== ' ') return undefined;
  const markerWidth = end - at;
  if (isBlankFrom(text, end)) return { width: markerWidth + 1, empty: true, start };
  const spaces = indentAt(text, end);
  // Five or more spaces after the marker: one belongs to the marker, the rest start indented code.
  return { width: markerWidth + (spaces > 4 ? 1 : spaces), empty: false, start };
}

function isThematicBreak(text: string, at: number): boolean {
  const c = text[at];
  if (c !== '*' && c !== '-' && c !== '_') return false;
  let count = 0;
  for (let i = at; i < text.length; i++) {
    const d = text[i];
    if (d === c) count++;
    else if (d !== ' ' && d !== '\t') return false;
  }
  return count >= 3;
}

function isSetextUnderline(text: string, at: number): boolean {
  const c = text[at] ?? '';
  return isBlankFrom(text, at + runLength(text, at, c));
}

function afterQuoteMarker(text: string, markerAt: number): number {
  return text[markerAt + 1] === ' ' ? markerAt + 2 : markerAt + 1;
}

function indentAt(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && text[i] === ' ') i++;
  return i - pos;
}

function isBlankFrom(text: string, pos: number): boolean {
  for (let i = pos; i < text.length; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}

function runLength(text: string, at: number, char: string): number {
  let i = at;
  while (i < text.length && text[i] === char) i++;
  return i - at;
}

/** Tabs to spaces with stops every 4 columns, as CommonMark counts indentation. */
function expandTabs(line: string): string {
  let out = '';
  for (const c of line) {
    out += c === '\t' ? ' '.repeat(4 - (out.length % 4)) : c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Inline structure: a paragraph line can start inside a code span or an HTML comment that an earlier
// line opened (`` `see\n/proceed` ``, `<!--\n/proceed\n-->`).

function linesStartingInsideInlineCode(lines: readonly ParagraphLine[]): number[] {
  const text = lines.map((l) => l.text).join('\n');
  const hidden = inlineHiddenRanges(text, true);
  if (hidden.length === 0) return [];
  const inside: number[] = [];
  let offset = 0;
  let r = 0;
  for (const line of lines) {
    while (r < hidden.length && (hidden[r]?.[1] ?? 0) <= offset) r++;
    const range = hidden[r];
    if (range && range[0] < offset && offset < range[1]) inside.push(line.index);
    offset += line.text.length + 1;
  }
  return inside;
}

/**
 * Code spans and HTML comments as [start, end) offsets, in order; with `rawHtml`, also raw HTML whose
 * inside GitHub does not show as text: tags (a quoted attribute may run over lines), processing
 * instructions, declarations and CDATA.
 */
function inlineHiddenRanges(text: string, rawHtml = false): Array<[number, number]> {
  // Closers are found by length through one cursor per length, so the scan stays linear.
  const runsByLength = new Map<number, number[]>();
  for (let i = 0; i < text.length;) {
    if (text[i] !== '`') {
      i++;
      continue;
    }
    const n = runLength(text, i, '`');
    const list = runsByLength.get(n) ?? [];
    list.push(i);
    runsByLength.set(n, list);
    i += n;
  }
  const cursor = new Map<number, number>();
  const nextRun = (length: number, after: number): number | undefined => {
    const list = runsByLength.get(length) ?? [];
    let k = cursor.get(length) ?? 0;
    while (k < list.length && (list[k] ?? 0) < after) k++;
    cursor.set(length, k);
    return list[k];
  };

  const ranges: Array<[number, number]> = [];
  let commentsCannotClose = false;
  // Like comments: once an opener finds no closer, no later one of its kind can, so the scan stays linear.
  const cannotClose = new Set<string>();
  const closeAt = (from: number, closer: string): number => {
    if (cannotClose.has(closer)) return -1;
    const at = text.indexOf(closer, from);
    if (at < 0) cannotClose.add(closer);
    return at < 0 ? -1 : at + closer.length;
  };
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
    } else if (c === '`') {
      const n = runLength(text, i, '`');
      const closer = nextRun(n, i + n);
      if (closer === undefined) i += n;
      else {
        ranges.push([i, closer + n]);
        i = closer + n;
      }
    } else if (c === '<' && text.startsWith('<!--', i)) {
      const shortForm = text.startsWith('<!-->', i) ? 5 : text.startsWith('<!--->', i) ? 6 : 0;
      const close = shortForm ? i + shortForm - 3 : commentsCannotClose ? -1 : text.indexOf('-->', i + 4);
      if (close < 0) {
        commentsCannotClose = true;
        i += 4;
      } else {
        ranges.push([i, close + 3]);
        i = close + 3;
      }
    } else if (c === '<' && rawHtml) {
      const end = rawHtmlEnd(text, i, closeAt);
      if (end === undefined) i++;
      else {
        ranges.push([i, end]);
        i = end;
      }
    } else i++;
  }
  return ranges;
}

/** An open tag, attributes and all; quoted values and the spaces between attributes may hold line ends. */
const OPEN_TAG =
  /<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>/y;
/** How far an open tag is looked for: a tag longer than this is taken for text. */
const LONGEST_TAG = 4_096;

/** Where the raw HTML starting at `i` (a `<`) ends, or undefined when it is not raw HTML. */
function rawHtmlEnd(
  text: string,
  i: number,
  closeAt: (from: number, closer: string) => number,
): number | undefined {
  if (text.startsWith('<?', i)) return orUndefined(closeAt(i + 2, '?>'));
  if (text.startsWith('<![CDATA[', i)) return orUndefined(closeAt(i + 9, ']]>'));
  if (/^<![A-Za-z]/.test(text.slice(i, i + 3))) return orUndefined(closeAt(i + 2, '>'));
  if (!/^<[A-Za-z]/.test(text.slice(i, i + 2))) return undefined;
  const window = text.slice(i, i + LONGEST_TAG);
  OPEN_TAG.lastIndex = 0;
  const m = OPEN_TAG.exec(window);
  return m ? i + m[0].length : undefined;
}

function orUndefined(n: number): number | undefined {
  return n < 0 ? undefined : n;
}

// ---------------------------------------------------------------------------------------------------
// Link reference definitions (`[label]: destination "title"`): shown as nothing, and a destination on
// the next line or a title over several lines can hold a line that looks like a command.

/** Where the link reference definitions that open a paragraph's text end (0 when there are none). */
function linkDefinitionsEnd(text: string): number {
  let end = 0;
  for (;;) {
    const next = linkDefinitionAt(text, end);
    if (next === undefined) return end;
    end = next;
  }
}

/** The offset after one definition starting at `p` (after its line end), or undefined when none starts there. */
function linkDefinitionAt(text: string, p: number): number | undefined {
  let i = p + Math.min(3, indentAt(text, p));
  if (text[i] !== '[') return undefined;
  // The label: up to 999 characters, no unescaped brackets, not only whitespace.
  let j = i + 1;
  for (; j < text.length && j - i <= 1000; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '[') return undefined;
    else if (c === ']') break;
  }
  if (text[j] !== ']' || text[j + 1] !== ':' || !text.slice(i + 1, j).trim()) return undefined;
  i = skipSpaceAndOneLineEnd(text, j + 2);
  // The destination: `<…>` on one line, or a run without spaces or control characters.
  let destEnd: number;
  if (text[i] === '<') {
    const close = text.slice(i, lineEnd(text, i)).search(/(?<!\\)>/);
    if (close < 0) return undefined;
    destEnd = i + close + 1;
  } else {
    destEnd = i;
    // Spaces and ASCII control characters end it.
    while (destEnd < text.length && (text.charCodeAt(destEnd) ?? 0) > 0x20) destEnd++;
    if (destEnd === i) return undefined;
  }
  const afterDest = restOfLineBlank(text, destEnd) ? lineEnd(text, destEnd) + 1 : undefined;
  const t = skipSpaceAndOneLineEnd(text, destEnd);
  const open = text[t];
  const closer = open === '"' ? '"' : open === "'" ? "'" : open === '(' ? ')' : undefined;
  if (closer && t > destEnd) {
    let k = t + 1;
    for (; k < text.length; k++) {
      const c = text[k];
      if (c === '\\') k++;
      else if (c === closer) break;
      else if (open === '(' && c === '(') break;
      // A title ends at a blank line (the paragraph would have ended there).
      else if (c === '\n' && restOfLineBlank(text, k + 1)) break;
    }
    if (text[k] === closer && restOfLineBlank(text, k + 1)) return lineEnd(text, k + 1) + 1;
  }
  return afterDest;
}

function skipSpaceAndOneLineEnd(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '\n') i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

function lineEnd(text: string, i: number): number {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : n;
}

function restOfLineBlank(text: string, i: number): boolean {
  return isBlankFrom(text.slice(i, lineEnd(text, i)), 0);
}

/**
 * A small reader of the Markdown structures the safety tests care about (CommonMark fenced code
 * blocks, code spans, GFM table rows), so tests can tell text GitHub would render as markup from
 * text shown verbatim.
 */

export interface Fence {
  info: string;
  body: string;
}

export interface Scan {
  fences: Fence[];
  /** Lines outside fenced code blocks. */
  outside: string[];
  /** A fence opened and never closed. */
  unclosed: boolean;
}

export function scanFences(markdown: string): Scan {
  const fences: Fence[] = [];
  const outside: string[] = [];
  let open: { char: string; length: number; info: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
      if (close && close[1]![0] === open.char && close[1]!.length >= open.length) {
        fences.push({ info: open.info, body: open.lines.join('\n') });
        open = undefined;
      } else open.lines.push(line);
      continue;
    }
    const start = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (start && !(start[1]![0] === '`' && start[2]!.includes('`'))) {
      open = { char: start[1]![0]!, length: start[1]!.length, info: start[2]!.trim(), lines: [] };
    } else outside.push(line);
  }
  return { fences, outside, unclosed: open !== undefined };
}

/** `line` without its code spans (a run of n backticks up to the next run of exactly n). */
export function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '`' && line[i - 1] !== '\\') {
      let n = 0;
      while (line[i + n] === '`') n++;
      const delimiter = '`'.repeat(n);
      let j = line.indexOf(delimiter, i + n);
      while (j >= 0 && (line[j + n] === '`' || line[j - 1] === '`')) j = line.indexOf(delimiter, j + 1);
      if (j < 0) {
        out += delimiter;
        i += n;
        continue;
      }
      i = j + n;
      out += '\u0000';
      continue;
    }
    out += line[i];
    i++;
  }
  return out;
}

/** What GitHub would treat as markup: lines outside fences, with code spans removed. */
export function liveText(markdown: string): string {
  return scanFences(markdown).outside.map(withoutCodeSpans).join('\n');
}

/** The cells of a GFM table row, split on pipes that are not escaped. */
export function tableCells(row: string): string[] {
  const cells = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/);
  return cells.map((c) => c.trim());
}

/** The rows of the table that starts at the line `header`, header and rule included. */
export function tableAfter(markdown: string, header: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) return [];
  const rows: string[] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows;
}

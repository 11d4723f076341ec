import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);

// src/plan/closest-match.ts
function editDistance(a, b) {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_2, j) => i === 0 ? j : j === 0 ? i : 0)
  );
  const at = (i, j) => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}
function closestMatch(word, candidates) {
  const normal = (s) => s.toLowerCase().replace(/_/g, "-");
  const target2 = normal(word);
  const allowed = target2.length <= 4 ? 1 : target2.length <= 8 ? 2 : 3;
  const ranked = candidates.map((candidate) => ({ candidate, distance: editDistance(target2, normal(candidate)) })).sort((a, b) => a.distance - b.distance);
  const [best, second] = ranked;
  if (!best || best.distance > allowed) return void 0;
  if (second && second.distance === best.distance) return void 0;
  return best.candidate;
}

// src/render/markdown.ts
var ZERO_WIDTH_SPACE = "\u200B";
var INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
var GITHUB_BODY_LIMIT = 65536;
var GITHUB_CHECK_TEXT_LIMIT = 65535;
var DEFAULT_MAX_LENGTH = GITHUB_BODY_LIMIT - 1024;
var numberFormat;
function formatCount(n) {
  numberFormat ??= new Intl.NumberFormat("en-US");
  return numberFormat.format(n);
}
function revealInvisible(text) {
  return text.replace(/\r\n/g, "\n").replace(INVISIBLE, (c) => `\u27E8U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}\u27E9`);
}
function neutralizeMentions(text) {
  return text.replace(/@(?=[A-Za-z0-9])/g, `@${ZERO_WIDTH_SPACE}`);
}
function breakCommentOpeners(text) {
  return text.replace(/<!--/g, `<${ZERO_WIDTH_SPACE}!--`);
}
var MARKUP = /[&<>\\`*_[\]|~$]/;
var MARKUP_ALL = new RegExp(MARKUP.source, "g");
function escapeMarkup(text) {
  if (!MARKUP.test(text)) return text;
  return text.replace(
    MARKUP_ALL,
    (c) => c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`
  );
}
function escapeMarkdownLine(line) {
  const escaped = escapeMarkup(line.replace(/^[ \t]+/, ""));
  return escaped.replace(/^[#+=-]/, "\\$&").replace(/^(\d+)([.)])/, "$1\\$2");
}
function escapeText(text) {
  return neutralizeMentions(revealInvisible(text).split("\n").map(escapeMarkdownLine).join("\n"));
}
var SAFE_URL = /^https?:\/\/[A-Za-z0-9\-._~:/?#!$&+,;=%]+$/;
var LINK = /^\[([^[\]\n]{1,1000})\]\(([^()\s]{1,2000})\)/;
var EMPHASIS = /^(\*\*|__|\*|_)(?=\S)([^\n]*?\S)\1/;
var LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+)(.*)$/;
function safeUrl(raw) {
  if (!SAFE_URL.test(raw)) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password;
  } catch {
    return false;
  }
}
function inlineCode(body, delimiterLength) {
  const shown = breakCommentOpeners(revealInvisible(body));
  const delimiter = "`".repeat(Math.max(delimiterLength, longestRun(shown, "`") + 1));
  const pad = shown.startsWith("`") || shown.endsWith("`") ? " " : "";
  return `${delimiter}${pad}${shown}${pad}${delimiter}`;
}
function escapeMidLine(text) {
  return escapeMarkup(text);
}
var MARKUP_START = /[`[*_]/g;
function plainInline(line, lineStart) {
  let out = "";
  let text = "";
  const flush = () => {
    if (text)
      out += neutralizeMentions(lineStart && out === "" ? escapeMarkdownLine(text) : escapeMidLine(text));
    text = "";
  };
  for (let i = 0; i < line.length; ) {
    const c = line[i];
    if (c !== "`" && c !== "[" && c !== "*" && c !== "_") {
      MARKUP_START.lastIndex = i;
      const next = MARKUP_START.exec(line)?.index ?? line.length;
      text += line.slice(i, next);
      i = next;
      continue;
    }
    const rest = line.slice(i);
    if (c === "`") {
      const ticks = /^`+/.exec(rest)[0];
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
    const link = c === "[" ? LINK.exec(rest) : null;
    if (link && safeUrl(link[2])) {
      flush();
      if (out.endsWith("!")) out = `${out.slice(0, -1)}\\!`;
      out += `[${neutralizeMentions(escapeMidLine(link[1]))}](${link[2]})`;
      i += link[0].length;
      continue;
    }
    const emphasis = c === "*" || c === "_" ? EMPHASIS.exec(rest) : null;
    if (emphasis) {
      flush();
      out += `${emphasis[1]}${plainInline(emphasis[2], false)}${emphasis[1]}`;
      i += emphasis[0].length;
      continue;
    }
    text += c;
    i += 1;
  }
  flush();
  return out;
}
function plainMarkdown(text) {
  return revealInvisible(text).split("\n").map((line) => {
    const item = LIST_ITEM.exec(line);
    if (!item) return line.trim() === "" ? "" : plainInline(line.replace(/^[ \t]+/, ""), true);
    const level = Math.min(3, Math.floor(item[1].replace(/\t/g, "  ").length / 2));
    return `${"  ".repeat(level)}${item[2]}${item[3]}${plainInline(item[4], true)}`;
  }).join("\n");
}
var CR = 13;
var LF = 10;
var SPACE = 32;
var TAB = 9;
function escapedLengthAtLeast(text, enough = Infinity) {
  const past = enough >= 0 ? Math.floor(enough) + 1 : 0;
  let kept = 0;
  let cr = text.indexOf("\r");
  for (let i = 0; i < text.length && kept < past; ) {
    let c = text.charCodeAt(i);
    while (c === SPACE || c === TAB || c === CR) c = text.charCodeAt(++i);
    if (i >= text.length) break;
    const newline = text.indexOf("\n", i);
    const end = newline === -1 ? text.length : newline + 1;
    if (cr !== -1 && cr < i) cr = text.indexOf("\r", i);
    let dropped = 0;
    for (; cr !== -1 && cr < end; cr = text.indexOf("\r", cr + 1)) dropped++;
    kept += end - i - dropped;
    i = end;
  }
  return Math.max(0, Math.min(kept, past));
}
function singleLine(text) {
  return text.replace(/[ \t]*(?:\r?\n)+[ \t]*/g, " ").trim();
}
function escapeInline(text) {
  return escapeText(singleLine(text));
}
function escapeHtml(text) {
  return neutralizeMentions(
    revealInvisible(singleLine(text)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/[[\]`]/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}
function longestRun(text, char) {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}
function codeSpan(text, opts = {}) {
  let body = breakCommentOpeners(revealInvisible(singleLine(text)));
  if (opts.inTable) body = body.replace(/\|/g, "\\|");
  if (body === "") return "` `";
  const delimiter = "`".repeat(longestRun(body, "`") + 1);
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${delimiter}${pad}${body}${pad}${delimiter}`;
}
function fencedBlock(code, language = "") {
  const body = breakCommentOpeners(revealInvisible(code)).replace(/\n+$/, "");
  const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
  return `${fence}${language}
${body}
${fence}`;
}
function fencedLengthAtLeast(code, language = "", enough = Infinity) {
  let end = code.length;
  while (end > 0 && (code.charCodeAt(end - 1) === LF || code.charCodeAt(end - 1) === CR)) end--;
  const fences = 8 + language.length;
  const past = enough >= 0 ? Math.floor(enough) + 1 : 0;
  if (fences >= past) return fences;
  let dropped = 0;
  for (let cr = code.indexOf("\r"); cr !== -1 && cr < end; cr = code.indexOf("\r", cr + 1)) {
    if (fences + cr - dropped >= past) break;
    dropped++;
  }
  return Math.min(fences + end - dropped, past);
}
function blockquote(markdown) {
  return markdown.split("\n").map((line) => line === "" ? ">" : `> ${line}`).join("\n");
}
function alert(kind, markdown) {
  return blockquote(`[!${kind}]
${markdown}`);
}
function table(header2, align, rows) {
  const rule = align.map((a) => a === "right" ? "---:" : a === "center" ? ":---:" : "---");
  return [header2, rule, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
function omissionNote(omitted, unit = "characters", where = "see the plan file") {
  return `\u2026 ${formatCount(omitted)} more ${unit}, ${where}`;
}
function clip(text, max) {
  if (text.length <= max) return { text, omitted: 0 };
  let end = Math.max(0, Math.floor(max));
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return { text: text.slice(0, end), omitted: text.length - end };
}
function clipStart(text, max) {
  if (text.length <= max) return { text, omitted: 0 };
  let start = text.length - Math.max(0, Math.floor(max));
  if (start < text.length && isLowSurrogate(text.charCodeAt(start))) start += 1;
  return { text: text.slice(start), omitted: start };
}
function isHighSurrogate(code) {
  return code >= 55296 && code <= 56319;
}
function isLowSurrogate(code) {
  return code >= 56320 && code <= 57343;
}
function truncate(text, max, opts = {}) {
  const { text: kept, omitted } = clip(text, max);
  if (omitted === 0) return text;
  if (opts.compact) return `${kept.trimEnd()}\u2026`;
  return `${kept}
${omissionNote(omitted, "characters", opts.where)}`;
}
function fitByCutting(body, max, tail = "", where = "see the plan file") {
  const note = `

\u2026 the rest of this comment was cut to fit GitHub\u2019s size limit, ${where}

`;
  const room = max - note.length - tail.length;
  if (room <= 0) return clip(tail, max).text;
  const kept = body.slice(0, room);
  const lastLine2 = kept.lastIndexOf("\n");
  return `${lastLine2 > 0 ? kept.slice(0, lastLine2) : kept}${note}${tail}`;
}

// src/gate/visible-lines.ts
var HTML_END_MARKERS = { comment: "-->", pi: "?>", decl: ">", cdata: "]]>" };
var MAX_CONTAINERS = 64;
var BLOCK_TAGS = new Set(
  "address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul".split(" ")
);
var QUOTING_TAG = /<(\/?)(blockquote|pre|code|kbd|samp|tt|q)(?=[\s>/])[^<>]*>/gi;
function textLines(lines) {
  const scanner = new BlockScanner(lines.length);
  lines.forEach((line, index) => scanner.scan(line, index));
  return scanner.finish();
}
var BlockScanner = class {
  visible;
  containers = [];
  leaf;
  /** `<blockquote>`, `<pre>`, `<code>` … tags in text, in order. */
  tags = [];
  constructor(lineCount) {
    this.visible = new Array(lineCount).fill(false);
  }
  finish() {
    this.closeLeaf();
    this.hideQuotingElements();
    return this.visible;
  }
  scan(raw, index) {
    const text = raw.includes("	") ? expandTabs(raw) : raw;
    let pos = 0;
    let matched = 0;
    for (const container of this.containers) {
      if (container.kind === "quote") {
        const indent3 = indentAt(text, pos);
        if (indent3 > 3 || text[pos + indent3] !== ">") break;
        pos = afterQuoteMarker(text, pos + indent3);
      } else if (isBlankFrom(text, pos)) {
      } else if (indentAt(text, pos) >= container.indent) {
        pos += container.indent;
      } else break;
      matched++;
    }
    const allMatched = matched === this.containers.length;
    const open2 = this.leaf;
    if (allMatched && open2 && open2.kind !== "paragraph") {
      if (open2.kind === "fence") {
        if (isClosingFence(text, pos, open2)) this.leaf = void 0;
        return;
      }
      if (open2.kind === "html") {
        if (open2.end === "blank" && isBlankFrom(text, pos)) this.leaf = void 0;
        else {
          if (open2.end === "blank" && !this.containers.some((c) => c.kind === "quote")) {
            this.markRawHtml(index, text.slice(pos));
          }
          if (htmlBlockEnds(open2.end, text)) this.leaf = void 0;
        }
        return;
      }
      if (isBlankFrom(text, pos) || indentAt(text, pos) >= 4) return;
      this.leaf = void 0;
    }
    const paragraphOpen = this.leaf?.kind === "paragraph";
    const opened = [];
    while (this.containers.length + opened.length < MAX_CONTAINERS) {
      const indent3 = indentAt(text, pos);
      if (indent3 >= 4) break;
      const at2 = pos + indent3;
      if (text[at2] === ">") {
        opened.push({ kind: "quote" });
        pos = afterQuoteMarker(text, at2);
        continue;
      }
      const item = listMarkerAt(text, at2);
      if (!item || isThematicBreak(text, at2)) break;
      const interrupts = allMatched && paragraphOpen && opened.length === 0;
      if (interrupts && (item.empty || item.start > 1)) break;
      opened.push({ kind: "item", indent: indent3 + item.width });
      pos = item.empty ? text.length : at2 + item.width;
    }
    const blank = isBlankFrom(text, pos);
    const indent2 = indentAt(text, pos);
    const at = pos + indent2;
    const start = blank ? "blank" : indent2 >= 4 ? opened.length === 0 && paragraphOpen ? "text" : "indented" : leafStartAt(text, at, allMatched && paragraphOpen && opened.length === 0);
    const paragraph = this.leaf?.kind === "paragraph" ? this.leaf : void 0;
    if (!allMatched && opened.length === 0 && paragraph && start === "text") {
      this.addParagraphLine(paragraph, index, text.slice(pos).trimStart());
      return;
    }
    if (!allMatched || opened.length > 0) this.closeLeaf();
    this.containers.length = matched;
    this.containers.push(...opened);
    const quoted = this.containers.some((c) => c.kind === "quote");
    switch (start) {
      case "blank":
      case "heading":
        this.closeLeaf();
        return;
      case "indented":
        this.closeLeaf();
        this.leaf = { kind: "indented" };
        return;
      case "fence": {
        this.closeLeaf();
        const char = text[at] ?? "`";
        this.leaf = { kind: "fence", char, length: runLength(text, at, char) };
        return;
      }
      case "comment":
      case "raw":
      case "pi":
      case "decl":
      case "cdata":
      case "blank-html":
        this.closeLeaf();
        if (start === "blank-html") {
          if (!quoted) this.markRawHtml(index, text.slice(at));
          this.leaf = { kind: "html", end: "blank" };
        } else if (!htmlBlockEnds(start, text)) {
          this.leaf = { kind: "html", end: start };
        }
        return;
      case "text": {
        const current = this.leaf?.kind === "paragraph" ? this.leaf : void 0;
        const target2 = current ?? { kind: "paragraph", quoted, lines: [] };
        this.leaf = target2;
        this.addParagraphLine(target2, index, text.slice(at));
        return;
      }
    }
  }
  addParagraphLine(paragraph, index, text) {
    paragraph.lines.push({ index, text });
    if (paragraph.quoted) return;
    this.visible[index] = true;
    this.noteQuotingTags(index, text);
  }
  /** Lines of a raw HTML block (`<details>` …) show as text. */
  markRawHtml(index, text) {
    this.visible[index] = true;
    this.noteQuotingTags(index, text);
  }
  noteQuotingTags(index, text) {
    if (!text.includes("<")) return;
    const literal2 = inlineHiddenRanges(text);
    let r = 0;
    for (const tag of text.matchAll(QUOTING_TAG)) {
      while (r < literal2.length && (literal2[r]?.[1] ?? 0) <= tag.index) r++;
      const range = literal2[r];
      if (range && range[0] <= tag.index) continue;
      this.tags.push({ index, name: (tag[2] ?? "").toLowerCase(), closing: tag[1] === "/" });
    }
  }
  /** Hides the lines between an opening quoting tag and its closing tag (an unclosed one hides nothing). */
  hideQuotingElements() {
    const open2 = /* @__PURE__ */ new Map();
    const depthChange = new Array(this.visible.length + 1).fill(0);
    for (const tag of this.tags) {
      const stack = open2.get(tag.name) ?? [];
      open2.set(tag.name, stack);
      if (!tag.closing) stack.push(tag.index);
      else {
        const from = stack.pop();
        if (from === void 0 || tag.index - from < 2) continue;
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
  closeLeaf() {
    const leaf = this.leaf;
    this.leaf = void 0;
    if (leaf?.kind !== "paragraph" || leaf.quoted || leaf.lines.length < 2) return;
    for (const index of linesStartingInsideInlineCode(leaf.lines)) this.visible[index] = false;
    const defined = linkDefinitionsEnd(leaf.lines.map((l) => l.text).join("\n"));
    let offset = 0;
    for (const line of leaf.lines) {
      if (offset >= defined) break;
      this.visible[line.index] = false;
      offset += line.text.length + 1;
    }
  }
};
function leafStartAt(text, at, continuesParagraph) {
  const c = text[at];
  if ((c === "`" || c === "~") && runLength(text, at, c) >= 3) {
    if (c === "~" || !text.includes("`", at + runLength(text, at, c))) return "fence";
  }
  if (c === "<") {
    if (text.startsWith("<!--", at)) return "comment";
    if (text.startsWith("<?", at)) return "pi";
    if (text.startsWith("<![CDATA[", at)) return "cdata";
    if (/^<![A-Za-z]/.test(text.slice(at, at + 3))) return "decl";
    const rest = text.slice(at);
    if (/^<(?:pre|script|style|textarea)(?:[\s>]|$)/i.test(rest)) return "raw";
    const tag = /^<\/?([a-z][a-z0-9-]*)(?:[\s>]|\/>|$)/i.exec(rest);
    if (tag?.[1] && BLOCK_TAGS.has(tag[1].toLowerCase())) return "blank-html";
  }
  if (c === "#" && /^#{1,6}(?:[ \t]|$)/.test(text.slice(at, at + 8))) return "heading";
  if (continuesParagraph && (c === "=" || c === "-") && isSetextUnderline(text, at)) return "heading";
  if (isThematicBreak(text, at)) return "heading";
  return "text";
}
function htmlBlockEnds(end, line) {
  if (end === "comment" || end === "pi" || end === "decl" || end === "cdata")
    return line.includes(HTML_END_MARKERS[end]);
  if (end === "raw") return /<\/(?:pre|script|style|textarea)>/i.test(line);
  return false;
}
function isClosingFence(text, pos, fence) {
  const indent2 = indentAt(text, pos);
  if (indent2 > 3) return false;
  const at = pos + indent2;
  const n = runLength(text, at, fence.char);
  return n >= fence.length && isBlankFrom(text, at + n);
}
function listMarkerAt(text, at) {
  let end = at;
  let start = 1;
  const c = text[at];
  if (c === "-" || c === "+" || c === "*") end = at + 1;
  else {
    const ordered = /^(\d{1,9})[.)]/.exec(text.slice(at, at + 11));
    if (!ordered?.[1]) return void 0;
    start = Number(ordered[1]);
    end = at + ordered[0].length;
  }
  if (end < text.length && text[end] !== " ") return void 0;
  const markerWidth = end - at;
  if (isBlankFrom(text, end)) return { width: markerWidth + 1, empty: true, start };
  const spaces = indentAt(text, end);
  return { width: markerWidth + (spaces > 4 ? 1 : spaces), empty: false, start };
}
function isThematicBreak(text, at) {
  const c = text[at];
  if (c !== "*" && c !== "-" && c !== "_") return false;
  let count = 0;
  for (let i = at; i < text.length; i++) {
    const d = text[i];
    if (d === c) count++;
    else if (d !== " " && d !== "	") return false;
  }
  return count >= 3;
}
function isSetextUnderline(text, at) {
  const c = text[at] ?? "";
  return isBlankFrom(text, at + runLength(text, at, c));
}
function afterQuoteMarker(text, markerAt) {
  return text[markerAt + 1] === " " ? markerAt + 2 : markerAt + 1;
}
function indentAt(text, pos) {
  let i = pos;
  while (i < text.length && text[i] === " ") i++;
  return i - pos;
}
function isBlankFrom(text, pos) {
  for (let i = pos; i < text.length; i++) {
    const c = text[i];
    if (c !== " " && c !== "	") return false;
  }
  return true;
}
function runLength(text, at, char) {
  let i = at;
  while (i < text.length && text[i] === char) i++;
  return i - at;
}
function expandTabs(line) {
  let out = "";
  for (const c of line) {
    out += c === "	" ? " ".repeat(4 - out.length % 4) : c;
  }
  return out;
}
function linesStartingInsideInlineCode(lines) {
  const text = lines.map((l) => l.text).join("\n");
  const hidden = inlineHiddenRanges(text, true);
  if (hidden.length === 0) return [];
  const inside = [];
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
function inlineHiddenRanges(text, rawHtml = false) {
  const runsByLength = /* @__PURE__ */ new Map();
  for (let i = 0; i < text.length; ) {
    if (text[i] !== "`") {
      i++;
      continue;
    }
    const n = runLength(text, i, "`");
    const list = runsByLength.get(n) ?? [];
    list.push(i);
    runsByLength.set(n, list);
    i += n;
  }
  const cursor = /* @__PURE__ */ new Map();
  const nextRun = (length, after) => {
    const list = runsByLength.get(length) ?? [];
    let k = cursor.get(length) ?? 0;
    while (k < list.length && (list[k] ?? 0) < after) k++;
    cursor.set(length, k);
    return list[k];
  };
  const ranges = [];
  let commentsCannotClose = false;
  const cannotClose = /* @__PURE__ */ new Set();
  const closeAt = (from, closer) => {
    if (cannotClose.has(closer)) return -1;
    const at = text.indexOf(closer, from);
    if (at < 0) cannotClose.add(closer);
    return at < 0 ? -1 : at + closer.length;
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === "\\") {
      i += 2;
    } else if (c === "`") {
      const n = runLength(text, i, "`");
      const closer = nextRun(n, i + n);
      if (closer === void 0) i += n;
      else {
        ranges.push([i, closer + n]);
        i = closer + n;
      }
    } else if (c === "<" && text.startsWith("<!--", i)) {
      const shortForm = text.startsWith("<!-->", i) ? 5 : text.startsWith("<!--->", i) ? 6 : 0;
      const close = shortForm ? i + shortForm - 3 : commentsCannotClose ? -1 : text.indexOf("-->", i + 4);
      if (close < 0) {
        commentsCannotClose = true;
        i += 4;
      } else {
        ranges.push([i, close + 3]);
        i = close + 3;
      }
    } else if (c === "<" && rawHtml) {
      const end = rawHtmlEnd(text, i, closeAt);
      if (end === void 0) i++;
      else {
        ranges.push([i, end]);
        i = end;
      }
    } else i++;
  }
  return ranges;
}
var OPEN_TAG = /<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)*\s*\/?>/y;
var LONGEST_TAG = 4096;
function rawHtmlEnd(text, i, closeAt) {
  if (text.startsWith("<?", i)) return orUndefined(closeAt(i + 2, "?>"));
  if (text.startsWith("<![CDATA[", i)) return orUndefined(closeAt(i + 9, "]]>"));
  if (/^<![A-Za-z]/.test(text.slice(i, i + 3))) return orUndefined(closeAt(i + 2, ">"));
  if (!/^<[A-Za-z]/.test(text.slice(i, i + 2))) return void 0;
  const window = text.slice(i, i + LONGEST_TAG);
  OPEN_TAG.lastIndex = 0;
  const m = OPEN_TAG.exec(window);
  return m ? i + m[0].length : void 0;
}
function orUndefined(n) {
  return n < 0 ? void 0 : n;
}
function linkDefinitionsEnd(text) {
  let end = 0;
  for (; ; ) {
    const next = linkDefinitionAt(text, end);
    if (next === void 0) return end;
    end = next;
  }
}
function linkDefinitionAt(text, p) {
  let i = p + Math.min(3, indentAt(text, p));
  if (text[i] !== "[") return void 0;
  let j = i + 1;
  for (; j < text.length && j - i <= 1e3; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === "[") return void 0;
    else if (c === "]") break;
  }
  if (text[j] !== "]" || text[j + 1] !== ":" || !text.slice(i + 1, j).trim()) return void 0;
  i = skipSpaceAndOneLineEnd(text, j + 2);
  let destEnd;
  if (text[i] === "<") {
    const close = text.slice(i, lineEnd(text, i)).search(/(?<!\\)>/);
    if (close < 0) return void 0;
    destEnd = i + close + 1;
  } else {
    destEnd = i;
    while (destEnd < text.length && (text.charCodeAt(destEnd) ?? 0) > 32) destEnd++;
    if (destEnd === i) return void 0;
  }
  const afterDest = restOfLineBlank(text, destEnd) ? lineEnd(text, destEnd) + 1 : void 0;
  const t = skipSpaceAndOneLineEnd(text, destEnd);
  const open2 = text[t];
  const closer = open2 === '"' ? '"' : open2 === "'" ? "'" : open2 === "(" ? ")" : void 0;
  if (closer && t > destEnd) {
    let k = t + 1;
    for (; k < text.length; k++) {
      const c = text[k];
      if (c === "\\") k++;
      else if (c === closer) break;
      else if (open2 === "(" && c === "(") break;
      else if (c === "\n" && restOfLineBlank(text, k + 1)) break;
    }
    if (text[k] === closer && restOfLineBlank(text, k + 1)) return lineEnd(text, k + 1) + 1;
  }
  return afterDest;
}
function skipSpaceAndOneLineEnd(text, i) {
  while (text[i] === " " || text[i] === "	") i++;
  if (text[i] === "\n") i++;
  while (text[i] === " " || text[i] === "	") i++;
  return i;
}
function lineEnd(text, i) {
  const n = text.indexOf("\n", i);
  return n < 0 ? text.length : n;
}
function restOfLineBlank(text, i) {
  return isBlankFrom(text.slice(i, lineEnd(text, i)), 0);
}

// src/gate/commands.ts
var COMMANDS = ["proceed", "retry", "skip", "cancel", "rollback", "plan", "help"];
function isCommandName(word) {
  return COMMANDS.includes(word);
}
var SLASH_LINE = /(?:^\uFEFF?|[\r\n])[ \t]*\//;
function parseComment(body) {
  if (!SLASH_LINE.test(body)) return { kind: "none" };
  const lines = body.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const visible = textLines(lines);
  let first;
  for (let i = 0; i < lines.length; i++) {
    if (!visible[i]) continue;
    const found = commandOnLine(lines[i] ?? "", i + 1);
    if (!found) continue;
    if (found.kind === "invalid") return found;
    if (!first) first = found;
    else if (found.command !== first.command) {
      return {
        kind: "invalid",
        line: found.line,
        message: `this comment gives both \`/${first.command}\` (line ${first.line}) and \`/${found.command}\` (line ${found.line}); write one command per comment`
      };
    }
  }
  return first ?? { kind: "none" };
}
var LONGEST_TYPO = Math.max(...COMMANDS.map((c) => c.length)) + 3;
function commandOnLine(line, lineNumber) {
  const text = line.replace(/^[ \t]+/, "");
  if (!text.startsWith("/")) return void 0;
  const token = /^\S*/.exec(text)?.[0] ?? "";
  const word = token.slice(1).toLowerCase();
  if (isCommandName(word)) {
    return { kind: "command", command: word, line: lineNumber, args: text.slice(token.length).trim() };
  }
  if (word === "" || word.length > LONGEST_TYPO) return void 0;
  const meant = COMMANDS.find((c) => word.startsWith(c) && /^[.,;:!?)'"`]+$/.test(word.slice(c.length)));
  if (meant) {
    return {
      kind: "invalid",
      line: lineNumber,
      message: `${codeSpan(token)} is not a command: write \`/${meant}\` followed by a space or the end of the line`
    };
  }
  const suggestion = closestMatch(word, COMMANDS);
  if (!suggestion) return void 0;
  return {
    kind: "invalid",
    line: lineNumber,
    message: `${codeSpan(token)} is not a command; did you mean \`/${suggestion}\`? (\`/help\` lists them)`
  };
}

// src/gate/events.ts
import { z } from "zod";
var PR_ACTIONS = ["opened", "synchronize", "reopened", "ready_for_review", "closed"];
var sender = z.object({ login: z.string().min(1), type: z.enum(["User", "Bot", "Organization"]) });
var pullRequestPayload = z.object({
  action: z.string(),
  pull_request: z.object({ number: z.number().int().positive() }),
  sender
});
var reviewPayload = z.object({
  action: z.string(),
  review: z.object({
    id: z.number(),
    state: z.string(),
    commit_id: z.string(),
    user: z.object({ login: z.string() }).nullable().optional()
  }),
  pull_request: z.object({ number: z.number().int().positive() }),
  sender
});
var commentPayload = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    pull_request: z.object({}).passthrough().optional()
  }),
  comment: z.object({ id: z.number(), body: z.string().nullable(), created_at: z.string().optional() }),
  sender
});
var checkRunPayload = z.object({
  action: z.string(),
  check_run: z.object({
    id: z.number(),
    head_sha: z.string(),
    pull_requests: z.array(z.object({ number: z.number().int().positive() }))
  }),
  requested_action: z.object({ identifier: z.string() }).optional(),
  sender
});
var mergeGroupPayload = z.object({
  action: z.string(),
  merge_group: z.object({
    head_sha: z.string().regex(/^[0-9a-f]{40}$/),
    head_ref: z.string().min(1),
    base_sha: z.string().regex(/^[0-9a-f]{40}$/),
    base_ref: z.string().min(1)
  }),
  sender
});
function invalid(name, error) {
  const first = error.issues[0];
  const where = first ? first.path.join(".") || "(payload)" : "(payload)";
  return {
    kind: "invalid",
    message: `the ${name} event payload is not what GitHub sends: ${where}: ${first?.message ?? "invalid"}`
  };
}
var ACTED_ON = {
  pull_request: PR_ACTIONS,
  pull_request_target: PR_ACTIONS,
  pull_request_review: ["submitted", "dismissed"],
  issue_comment: ["created"],
  check_run: ["requested_action"],
  merge_group: ["checks_requested"]
};
function actsOn(name, action) {
  return typeof action === "string" && (ACTED_ON[name]?.includes(action) ?? false);
}
function toGateEvent(name, payload) {
  const action = payload?.action;
  if (typeof action === "string" && ACTED_ON[name] && !actsOn(name, action))
    return { kind: "ignored", reason: `${name}.${action} is not acted on` };
  switch (name) {
    case "pull_request":
    case "pull_request_target": {
      const p = pullRequestPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      return {
        kind: "pull_request",
        action: p.data.action,
        number: p.data.pull_request.number,
        sender: p.data.sender
      };
    }
    case "pull_request_review": {
      const p = reviewPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      if (p.data.action === "dismissed") {
        const reviewer = p.data.review.user?.login;
        if (!reviewer) return { kind: "ignored", reason: "the dismissed review names no reviewer" };
        return {
          kind: "review-dismissed",
          number: p.data.pull_request.number,
          reviewId: p.data.review.id,
          reviewer,
          sender: p.data.sender
        };
      }
      return {
        kind: "review",
        number: p.data.pull_request.number,
        reviewId: p.data.review.id,
        state: p.data.review.state.toLowerCase(),
        commitId: p.data.review.commit_id,
        sender: p.data.sender
      };
    }
    case "issue_comment": {
      const p = commentPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      if (!p.data.issue.pull_request)
        return { kind: "ignored", reason: "the comment is on an issue, not a pull request" };
      return {
        kind: "comment",
        number: p.data.issue.number,
        commentId: p.data.comment.id,
        body: p.data.comment.body ?? "",
        sender: p.data.sender,
        ...p.data.comment.created_at ? { createdAt: p.data.comment.created_at } : {}
      };
    }
    case "check_run": {
      const p = checkRunPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      if (!p.data.requested_action)
        return { kind: "ignored", reason: "the check run names no requested action" };
      const pr = p.data.check_run.pull_requests[0];
      if (!pr) return { kind: "ignored", reason: "the check run belongs to no pull request" };
      return {
        kind: "button",
        number: pr.number,
        identifier: p.data.requested_action.identifier,
        checkRunId: p.data.check_run.id,
        headSha: p.data.check_run.head_sha,
        sender: p.data.sender
      };
    }
    case "merge_group": {
      const p = mergeGroupPayload.safeParse(payload);
      if (!p.success) return invalid(name, p.error);
      const g = p.data.merge_group;
      return {
        kind: "merge_group",
        headSha: g.head_sha,
        headRef: g.head_ref,
        baseSha: g.base_sha,
        baseRef: g.base_ref,
        sender: p.data.sender
      };
    }
    default:
      return { kind: "ignored", reason: `the ${name} event is not acted on` };
  }
}

// src/gate/actor.ts
async function actorOf(env, policy, sender2, command2, alsoTeams = []) {
  const type = sender2.type === "User" || sender2.type === "Organization" ? sender2.type : "Bot";
  if (command2 === "help" || command2 === "plan" || type !== "User")
    return { login: sender2.login, type, permission: "none", teams: [] };
  const permission = await env.port.getPermission(sender2.login);
  const teams = [];
  const asked = /* @__PURE__ */ new Map();
  for (const team of [...policy.approvers.teams, ...alsoTeams])
    if (!asked.has(team.toLowerCase())) asked.set(team.toLowerCase(), team);
  for (const team of asked.values()) {
    const [org, slug] = team.split("/");
    if (await env.port.isTeamMember(org, slug, sender2.login)) teams.push(team);
  }
  return { login: sender2.login, type, permission, teams };
}

// src/plan/audit-record.ts
import { z as z3 } from "zod";

// src/plan/schema.ts
import { posix } from "node:path";
import { z as z2 } from "zod";

// src/plan/duration.ts
var DURATION_PATTERN = "^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$";
var durationRe = new RegExp(DURATION_PATTERN);
function isDuration(text) {
  return text.length > 0 && durationRe.test(text);
}
function parseDuration(text) {
  const m = durationRe.exec(text);
  if (!m || text.length === 0)
    throw new Error(`not a duration: ${JSON.stringify(text)} (use 90s, 10m or 1h30m)`);
  const [, h, min, s] = m;
  return ((parseInt(h ?? "0", 10) * 60 + parseInt(min ?? "0", 10)) * 60 + parseInt(s ?? "0", 10)) * 1e3;
}
function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "\u2014";
  if (ms < 1e3) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1e3);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s || !h && !m ? `${s}s` : ""].join("");
}

// src/plan/schema.ts
var MAX_PLAN_STEPS = 50;
var DURATION_MESSAGE = "must be a duration such as 90s, 10m or 1h30m";
var duration = z2.string({ error: DURATION_MESSAGE }).regex(new RegExp(DURATION_PATTERN), { message: DURATION_MESSAGE }).describe("A duration: 90s, 10m, 1h30m");
var shellSchema = z2.enum(["bash", "sh", "pwsh", "python"]).describe("bash runs with -eo pipefail; sh with -e; pwsh and python run the command as a script");
var envSchema = z2.record(
  z2.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name" }),
  z2.union([z2.string(), z2.number(), z2.boolean()])
).describe("Extra environment variables for the command");
function workingDirectoryEscape(dir) {
  const slashed = dir.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    return `"${dir}" is an absolute path; give a directory relative to the repository root, e.g. db`;
  }
  const normal = posix.normalize(slashed);
  if (normal === ".." || normal.startsWith("../")) {
    return `"${dir}" leads outside the repository; give a directory inside it, relative to the repository root`;
  }
  return void 0;
}
var workingDirectory = z2.string().min(1).superRefine((dir, ctx) => {
  const escape = workingDirectoryEscape(dir);
  if (escape) ctx.addIssue({ code: "custom", message: escape });
});
var LOGIN = /^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
var TEAM = /^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
var loginSchema = z2.string().trim().regex(LOGIN, { message: "must be a GitHub login such as octocat" }).transform((login) => login.replace(/^@/, "")).describe("A GitHub login");
var teamSchema = z2.string().trim().regex(TEAM, { message: "must be a team as org/team-slug, such as octo-org/deployers" }).transform((team) => team.replace(/^@/, "")).describe("A team, as org/team-slug");
var MAX_CHECKPOINT_APPROVALS = 10;
var checkpointApproversSchema = z2.strictObject({
  permission: z2.enum(["write", "maintain", "admin"]).optional().describe("Minimum repository permission to confirm (never below the policy's)"),
  users: z2.array(loginSchema).default([]).describe("Only these logins may confirm (or the teams)"),
  teams: z2.array(teamSchema).default([]).describe("Only members of these org/team slugs may confirm (or the users)"),
  count: z2.number().int({ message: "must be a whole number of confirmations" }).min(1, { message: "must be at least 1" }).max(MAX_CHECKPOINT_APPROVALS, { message: `must be at most ${MAX_CHECKPOINT_APPROVALS}` }).default(1).describe("How many distinct allowed people must confirm before the step runs")
}).describe("Who may pass this checkpoint");
var STEP_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
var stepSchema = z2.strictObject({
  id: z2.string().regex(STEP_ID_PATTERN, {
    message: "must be lowercase letters, digits, - or _, starting with a letter or digit, at most 63 characters"
  }).optional().describe("Unique id; the check run is proceed/<id>. Default: a slug of name"),
  name: z2.string().trim().min(1, { message: "must not be empty" }).max(200).describe("What the step does, in a few words"),
  description: z2.string().optional(),
  run: z2.string().min(1, { message: "must not be empty" }).optional().describe("The command to run"),
  shell: shellSchema.default("bash"),
  "working-directory": workingDirectory.optional().describe("Relative to the repository root; the step and its rollback run there"),
  env: envSchema.optional(),
  timeout: duration.optional().describe("The process group is killed after it"),
  estimate: duration.optional(),
  checkpoint: z2.union([z2.boolean(), z2.strictObject({ approvers: checkpointApproversSchema })]).default(false).describe(
    "Stop before this step until someone allowed confirms; `{ approvers: \u2026 }` says who may confirm it"
  ),
  rollback: z2.string().min(1).optional().describe("Undoes the step; run by /rollback")
}).describe("One step of the plan, run in order");
var verificationSchema = z2.union([
  z2.string().min(1, { message: "must not be empty" }),
  z2.strictObject({
    run: z2.string().min(1, { message: "must not be empty" }),
    shell: shellSchema.default("bash"),
    "working-directory": workingDirectory.optional().describe("Relative to the repository root"),
    env: envSchema.optional(),
    timeout: duration.optional()
  })
]);
var ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/;
var VERIFY_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
var verifySchema = z2.record(
  z2.string().regex(VERIFY_NAME, { message: "must be lowercase letters, digits, - or _" }),
  verificationSchema
).describe("Phase 3: every command must pass for proceed/verify to succeed");
var configSchema = z2.strictObject({
  require_approval: z2.boolean().default(true),
  stop_on_error: z2.boolean().default(true),
  allow_skip: z2.boolean().default(false),
  checkpoint_between_steps: z2.boolean().default(false),
  max_plan_steps: z2.number().int().min(1).max(MAX_PLAN_STEPS).default(MAX_PLAN_STEPS),
  show_estimated_time: z2.boolean().default(true)
}).describe("The pattern's switches; they may tighten the repository policy, never loosen it");
function checkpointApprovers(step) {
  return typeof step.checkpoint === "object" ? step.checkpoint.approvers : void 0;
}
function slugify(name) {
  const slug = name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return slug || "step";
}
var planSchema = z2.strictObject({
  version: z2.literal(1, { message: "must be 1" }),
  title: z2.string().trim().min(1, { message: "must not be empty" }).max(300),
  description: z2.string().optional(),
  requirements: z2.array(z2.string()).optional().describe("What was gathered before planning"),
  risks: z2.array(z2.string()).optional().describe("Shown in the approval request"),
  estimate: duration.optional().describe("Default: the sum of the steps' estimates"),
  steps: z2.array(stepSchema).min(1, { message: "needs at least one step" }),
  verify: verifySchema.optional(),
  environment: z2.string().regex(ENVIRONMENT_NAME, { message: "must be an environment name such as production or staging" }).optional().describe(
    "The GitHub environment this plan deploys to: its execution is recorded as a deployment there (the repository's Environments page)"
  ),
  config: configSchema.default({
    require_approval: true,
    stop_on_error: true,
    allow_skip: false,
    checkpoint_between_steps: false,
    max_plan_steps: MAX_PLAN_STEPS,
    show_estimated_time: true
  })
}).superRefine((plan, ctx) => {
  const max = Math.min(plan.config.max_plan_steps, MAX_PLAN_STEPS);
  if (plan.steps.length > max) {
    ctx.addIssue({
      code: "custom",
      path: ["steps"],
      message: `has ${plan.steps.length} steps, more than max_plan_steps (${max}); split the work into smaller plans`
    });
  }
  const seen = /* @__PURE__ */ new Map();
  plan.steps.forEach((step, i) => {
    const id = step.id ?? slugify(step.name);
    const first = seen.get(id);
    if (first !== void 0) {
      ctx.addIssue({
        code: "custom",
        path: step.id ? ["steps", i, "id"] : ["steps", i, "name"],
        message: `step id "${id}" is already used by steps[${first}]; give one of them a different id`
      });
    } else seen.set(id, i);
  });
}).transform((plan) => ({
  ...plan,
  steps: plan.steps.map((step) => ({ ...step, id: step.id ?? slugify(step.name) }))
})).describe("A proceed plan: what will be done, step by step, and how success is verified");

// src/plan/audit-record.ts
var AUDIT_VERSION = 1;
var via = z3.enum(["review", "comment", "button"]).describe("How the person said it: an approving review, a comment, a check-run button");
var status = z3.enum(["success", "failure", "timed-out", "skipped", "cancelled"]);
var auditStepSchema = z3.object({
  id: z3.string(),
  name: z3.string(),
  /** The command as written in the plan (absent only when `commandsOmitted` says why). */
  run: z3.string().optional(),
  shell: z3.string(),
  workingDirectory: z3.string().optional(),
  checkpoint: z3.boolean(),
  /** Who alone may confirm the checkpoint, when the plan names them (issue 15, item 3). */
  checkpointApprovers: checkpointApproversSchema.optional(),
  rollback: z3.string().optional()
});
var auditRecordSchema = z3.object({
  proceedAudit: z3.literal(AUDIT_VERSION),
  repository: z3.string().describe("owner/name"),
  pullRequest: z3.number().int(),
  /** The commit the steps ran on (the head, exactly as checked out). */
  commit: z3.string(),
  plan: z3.object({
    path: z3.string(),
    /** SHA-256 of the plan file: what was approved, and the only plan that ran. */
    hash: z3.string(),
    title: z3.string(),
    environment: z3.string().optional(),
    steps: z3.array(auditStepSchema),
    verify: z3.array(z3.object({ name: z3.string(), run: z3.string().optional(), shell: z3.string() })),
    /** Set when the commands were left out to fit GitHub's limit: the plan file at `commit` has them (its hash is `hash`). */
    commandsOmitted: z3.boolean().optional()
  }),
  /** The commit the approval was given on (with `bind_approval_to: plan` it may be older than `commit`). */
  approvedCommit: z3.string().optional(),
  approvals: z3.array(
    z3.object({ by: z3.string(), via, at: z3.string(), commit: z3.string(), planHash: z3.string() })
  ),
  checkpoints: z3.array(z3.object({ step: z3.string(), by: z3.string(), via: via.optional(), at: z3.string() })),
  /**
   * Who cancelled, skipped or retried, when, and at which step (`verify` for the verify phase); a
   * checkpoint nobody confirmed in time is a `time-out` by the policy's `checkpoint_timeout`.
   */
  interventions: z3.array(
    z3.object({
      action: z3.enum(["cancel", "skip", "retry", "time-out"]),
      by: z3.string(),
      via: via.optional(),
      at: z3.string(),
      step: z3.string().optional()
    })
  ),
  /** Each job that executed (the first, and every resume): who started it, where, how it ended. */
  jobs: z3.array(
    z3.object({
      trigger: z3.enum(["proceed", "retry", "skip"]),
      by: z3.string(),
      via: via.optional(),
      /** The workflow run or app instance that ran it. */
      runner: z3.object({ kind: z3.string(), id: z3.string(), url: z3.string().optional() }),
      startedAt: z3.string(),
      endedAt: z3.string(),
      outcome: z3.enum(["verified", "verify-failed", "failed", "paused", "cancelled"]),
      /** The step it stopped at (paused, failed, cancelled). */
      next: z3.string().optional(),
      reason: z3.string().optional()
    })
  ),
  /** Every attempt of every step, in the order they happened; `attempt` counts the step's entries. */
  steps: z3.array(
    z3.object({
      id: z3.string(),
      attempt: z3.number().int().positive(),
      status,
      exitCode: z3.number().int().nullable(),
      signal: z3.string().nullable(),
      startedAt: z3.string(),
      endedAt: z3.string(),
      durationMs: z3.number(),
      reason: z3.string().optional()
    })
  ),
  verifications: z3.array(
    z3.object({
      name: z3.string(),
      attempt: z3.number().int().positive(),
      status,
      exitCode: z3.number().int().nullable(),
      signal: z3.string().nullable(),
      startedAt: z3.string(),
      endedAt: z3.string(),
      durationMs: z3.number()
    })
  ),
  /** Older step and verification entries dropped to fit GitHub's limit (the check runs of the steps keep each result). */
  droppedEntries: z3.number().int().optional(),
  /** The state the plan was left in, and when the record was last written. */
  state: z3.string(),
  updatedAt: z3.string()
});
function auditJson(record) {
  return JSON.stringify(record, null, 1).replace(
    /[<>&`]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  );
}
function parseAuditRecord(text) {
  let value2;
  try {
    value2 = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `the record is not valid JSON (${err.message})` };
  }
  const version = value2?.proceedAudit;
  if (version !== AUDIT_VERSION)
    return {
      ok: false,
      message: `the record has format version ${JSON.stringify(version)}; this proceed reads version ${AUDIT_VERSION} (upgrade proceed)`
    };
  const parsed = auditRecordSchema.safeParse(value2);
  if (!parsed.success)
    return {
      ok: false,
      message: `the record does not have the expected shape: ${parsed.error.issues[0]?.message ?? ""}`
    };
  return { ok: true, record: parsed.data };
}

// src/render/audit.ts
var AUDIT_START = "<!-- proceed:audit -->";
var AUDIT_END = "<!-- proceed:audit-end -->";
var JSON_OPEN = "```json";
var JSON_CLOSE = "```";
var cell = (text) => codeSpan(text, { inTable: true });
var when = (iso) => iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
function renderAuditTables(r) {
  const parts = [];
  parts.push(
    `Plan ${codeSpan(r.plan.path)} (SHA-256 ${codeSpan(r.plan.hash.slice(0, 12))}) ran on ${codeSpan(r.commit.slice(0, 7))}` + (r.approvedCommit ? `, approved on ${codeSpan(r.approvedCommit.slice(0, 7))}` : "") + (r.plan.environment ? `, environment ${codeSpan(r.plan.environment)}` : "") + `; the plan is now **${r.state}**.`
  );
  if (r.approvals.length)
    parts.push(
      "**Approvals**\n\n" + table(
        ["Who", "When", "How", "Commit"],
        ["left", "left", "left", "left"],
        r.approvals.map((a) => [cell(a.by), when(a.at), a.via, cell(a.commit.slice(0, 7))])
      )
    );
  if (r.checkpoints.length)
    parts.push(
      "**Checkpoints confirmed**\n\n" + table(
        ["Before step", "Who", "When", "How"],
        ["left", "left", "left", "left"],
        r.checkpoints.map((c) => [cell(c.step), cell(c.by), when(c.at), c.via ?? "\u2014"])
      )
    );
  if (r.interventions.length)
    parts.push(
      "**Cancelled, skipped, retried**\n\n" + table(
        ["What", "Who", "When", "Step"],
        ["left", "left", "left", "left"],
        r.interventions.map((i) => [i.action, cell(i.by), when(i.at), i.step ? cell(i.step) : "\u2014"])
      )
    );
  if (r.steps.length)
    parts.push(
      "**Steps**\n\n" + table(
        ["Step", "Attempt", "Result", "Exit", "Started", "Ended"],
        ["left", "right", "left", "right", "left", "left"],
        r.steps.map((s) => [
          cell(s.id),
          String(s.attempt),
          s.status,
          s.exitCode !== null ? String(s.exitCode) : s.signal ?? "\u2014",
          when(s.startedAt),
          when(s.endedAt)
        ])
      )
    );
  if (r.verifications.length)
    parts.push(
      "**Verifications**\n\n" + table(
        ["Check", "Attempt", "Result", "Exit", "Started", "Ended"],
        ["left", "right", "left", "right", "left", "left"],
        r.verifications.map((v) => [
          cell(v.name),
          String(v.attempt),
          v.status,
          v.exitCode !== null ? String(v.exitCode) : v.signal ?? "\u2014",
          when(v.startedAt),
          when(v.endedAt)
        ])
      )
    );
  if (r.jobs.length)
    parts.push(
      "**Executions**\n\n" + table(
        ["Started by", "Command", "Runner", "Started", "Ended", "Outcome"],
        ["left", "left", "left", "left", "left", "left"],
        r.jobs.map((j) => [
          cell(j.by),
          `/${j.trigger}${j.via ? ` (${j.via})` : ""}`,
          cell(`${j.runner.kind} ${j.runner.id}`),
          when(j.startedAt),
          when(j.endedAt),
          `${j.outcome}${j.next ? ` at ${cell(j.next)}` : ""}`
        ])
      )
    );
  return parts.join("\n\n");
}
function jsonBlock(json) {
  return `<details><summary>The record as JSON (<code>proceed audit PR --json</code> prints it)</summary>

${JSON_OPEN}
${json}
${JSON_CLOSE}

</details>`;
}
function fitRecord(record, room) {
  let r = record;
  if (jsonBlock(auditJson(r)).length <= room) return r;
  r = {
    ...r,
    plan: {
      ...r.plan,
      commandsOmitted: true,
      steps: r.plan.steps.map(({ run: _run, rollback: _rollback, ...s }) => s),
      verify: r.plan.verify.map(({ run: _run, ...v }) => v)
    }
  };
  while (jsonBlock(auditJson(r)).length > room && (r.steps.length || r.verifications.length)) {
    const drop = Math.max(1, Math.ceil((r.steps.length + r.verifications.length) / 10));
    const fromSteps = Math.min(drop, r.steps.length);
    r = {
      ...r,
      steps: r.steps.slice(fromSteps),
      verifications: r.verifications.slice(drop - fromSteps),
      droppedEntries: (r.droppedEntries ?? 0) + drop
    };
  }
  return r;
}
function auditCheckText(record, rest = "", limit = GITHUB_CHECK_TEXT_LIMIT) {
  const heading = "## \u{1F9FE} Audit record";
  const fitted = fitRecord(record, limit - heading.length - AUDIT_START.length - AUDIT_END.length - 400);
  const json = jsonBlock(auditJson(fitted));
  const head = `${AUDIT_START}
${heading}

${json}

`;
  const human = `${renderAuditTables(fitted)}

${AUDIT_END}${rest ? `

${rest}` : ""}`;
  const room = limit - head.length;
  if (human.length <= room) return head + human;
  const note = "\n\n\u2026 cut to fit GitHub\u2019s size limit; the JSON above is the whole record.";
  const kept = human.slice(0, Math.max(0, room - note.length - AUDIT_END.length - 2));
  const line = kept.lastIndexOf("\n");
  return `${head}${line > 0 ? kept.slice(0, line) : kept}${note}

${AUDIT_END}`;
}
function withoutAudit(text) {
  if (!text) return "";
  if (!text.startsWith(AUDIT_START)) return text;
  const end = text.indexOf(AUDIT_END);
  return end < 0 ? "" : text.slice(end + AUDIT_END.length).replace(/^\n+/, "");
}
function extractAuditRecord(text) {
  const start = text?.indexOf(AUDIT_START) ?? -1;
  if (!text || start < 0) return { kind: "none" };
  const open2 = text.indexOf(`${JSON_OPEN}
`, start);
  const close = open2 < 0 ? -1 : text.indexOf(`
${JSON_CLOSE}
`, open2 + JSON_OPEN.length);
  if (open2 < 0 || close < 0) return { kind: "invalid", message: "the record\u2019s JSON block is not there" };
  const parsed = parseAuditRecord(text.slice(open2 + JSON_OPEN.length + 1, close));
  return parsed.ok ? { kind: "record", record: parsed.record } : { kind: "invalid", message: parsed.message };
}
function auditSummary(record) {
  return auditCheckText(record, "", 1e6);
}

// src/gate/policy.ts
import { z as z6 } from "zod";

// src/plan/parse.ts
import { LineCounter, parseDocument } from "yaml";
import { z as z5 } from "zod";

// src/plan/diagnostics.ts
var PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
function formatPath(path) {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
function formatDiagnostic(d) {
  const where = `${d.file}:${d.line}:${d.col}:`;
  const path = d.path === "" ? "" : ` ${d.path}:`;
  const kind = d.severity === "warning" ? " warning:" : "";
  return `${where}${path}${kind} ${d.message}`;
}
function sortDiagnostics(diagnostics) {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}

// src/plan/hash.ts
import { createHash } from "node:crypto";
function planHash(source) {
  return createHash("sha256").update(source, "utf8").digest("hex");
}

// src/plan/lint.ts
function trivialCommand(run, shell = "bash") {
  if (shell !== "bash" && shell !== "sh") return void 0;
  const lines = commandLines(run);
  const first = lines.next();
  if (first.done) return "holds only comments, so it does nothing";
  const heredoc = heredocStart(first.value);
  if (heredoc) {
    const rest = [...lines];
    return heredocWrite(heredoc, rest) ?? judgeLines(first.value, rest.values());
  }
  return judgeLines(first.value, lines);
}
function* commandLines(run) {
  for (let start = 0; start <= run.length; ) {
    let end = run.indexOf("\n", start);
    if (end === -1) end = run.length;
    const line = run.slice(start, end).trim();
    if (line !== "" && !line.startsWith("#")) yield line;
    start = end + 1;
  }
}
function judgeLines(first, rest) {
  const kind = classifyLine(first);
  if (kind !== "print" && kind !== "noop") return kind && rest.next().done ? kind.does : void 0;
  let prints = kind === "print";
  for (let next = rest.next(); !next.done; next = rest.next()) {
    const other = classifyLine(next.value);
    if (other === "print") prints = true;
    else if (other !== "noop") return void 0;
  }
  return prints ? "only prints text" : "does nothing";
}
function withoutQuotes(line) {
  return line.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, "Q");
}
function classifyLine(line) {
  if (/\$\(|`|\\$/.test(line)) return void 0;
  const bare = withoutQuotes(line);
  if (/[|&;<(){}]/.test(bare)) return void 0;
  if (/^(true|:|exit(\s+0)?)$/.test(bare)) return "noop";
  const redirect = /^(?:(echo|printf)(?:\s+[^>]*)?|:)?\s*>>?\s*(\S+)$/.exec(bare);
  if (redirect && !/>/.test(redirect[2] ?? "")) {
    return { does: `only writes a single file (\`${target(line)}\`)` };
  }
  if (/>/.test(bare)) return void 0;
  if (/^(echo|printf)(\s|$)/.test(bare)) return "print";
  const touch = /^touch\s+([^\s-]\S*)$/.exec(bare);
  if (touch) return { does: `only creates a single file (\`${touch[1] ?? ""}\`)` };
  const mkdir3 = /^mkdir(?:\s+-p)?\s+([^\s-]\S*)$/.exec(bare);
  if (mkdir3) return { does: `only creates a directory (\`${mkdir3[1] ?? ""}\`)` };
  return void 0;
}
function target(line) {
  return />>?\s*("[^"]*"|'[^']*'|\S+)$/.exec(line)?.[1] ?? "";
}
function heredocStart(first) {
  const match = /^cat\s+>\s*(?<file>[^\s<>]+)\s+<<-?\s*(?<q>['"]?)(?<tag>\w+)\k<q>$/.exec(first) ?? /^cat\s+<<-?\s*(?<q>['"]?)(?<tag>\w+)\k<q>\s+>\s*(?<file>[^\s<>]+)$/.exec(first) ?? /^tee\s+(?<file>[^\s<>-][^\s<>]*)\s+<<-?\s*(?<q>['"]?)(?<tag>\w+)\k<q>$/.exec(first);
  const groups = match?.groups;
  return groups ? { file: groups.file ?? "", quote: groups.q ?? "", tag: groups.tag ?? "" } : void 0;
}
function heredocWrite(start, rest) {
  if (rest.at(-1) !== start.tag) return void 0;
  const body = rest.slice(0, -1);
  if (start.quote === "" && body.some((line) => /\$\(|`/.test(line))) return void 0;
  return `only writes a single file (\`${start.file}\`)`;
}
function lintPlan(plan, positions, file) {
  const warnings = [];
  const warn = (path, span, message) => {
    warnings.push({ severity: "warning", file, ...span, path: formatPath(path), message });
  };
  if (plan.verify === void 0) {
    warn(
      [],
      positions.root(),
      "the plan has no verify phase; add `verify:` with the commands that prove the result (for example `tests: npm test`), which proceed/verify runs before merge"
    );
  } else if (Object.keys(plan.verify).length === 0) {
    warn(
      ["verify"],
      positions.locate(["verify"]),
      "the verify phase is empty; list the commands that prove the result (for example `tests: npm test`)"
    );
  }
  const firstWithCommand = /* @__PURE__ */ new Map();
  plan.steps.forEach((step, i) => {
    const stepPath = ["steps", i];
    const stepSpan = () => positions.value(stepPath) ?? positions.locate(stepPath);
    if (step.run === void 0) {
      warn(
        stepPath,
        stepSpan(),
        "has no command (`run`), which is over-planning; merge it into a meaningful step, or give it the command that does the work"
      );
    } else {
      const runPath = [...stepPath, "run"];
      const trivial = trivialCommand(step.run, step.shell);
      if (trivial) {
        warn(
          runPath,
          positions.locate(runPath),
          `${trivial}, which is over-planning; merge it into the meaningful step it belongs to`
        );
      }
      const command2 = step.run.trim();
      const sameLength = firstWithCommand.get(command2.length);
      const first = sameLength?.find((earlier) => earlier.command === command2)?.index;
      if (first === void 0) {
        if (sameLength) sameLength.push({ command: command2, index: i });
        else firstWithCommand.set(command2.length, [{ command: command2, index: i }]);
      } else {
        const earlier = plan.steps[first];
        warn(
          runPath,
          positions.locate(runPath),
          `runs the same command as steps[${first}] (\`${earlier?.id ?? ""}\`); merge the two steps or remove this one`
        );
      }
    }
    if (plan.config.show_estimated_time && step.estimate === void 0) {
      warn(
        stepPath,
        stepSpan(),
        "has no estimate while config.show_estimated_time is on; add one (for example `estimate: 5m`) or set show_estimated_time: false"
      );
    }
  });
  return warnings;
}

// src/plan/limits.ts
var MAX_PLAN_BYTES = 1024 * 1024;
var MAX_ALIAS_COUNT = 100;
var MAX_ERRORS = 100;

// src/plan/positions.ts
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq
} from "yaml";
var DOCUMENT_START = { line: 1, col: 1, endLine: 1, endCol: 1 };
var PositionIndex = class {
  #doc;
  #lines;
  #pairIndex = /* @__PURE__ */ new WeakMap();
  #aliasTargets = /* @__PURE__ */ new WeakMap();
  constructor(doc, lines) {
    this.#doc = doc;
    this.#lines = lines;
  }
  /** The document's top node; 1:1 when the document is empty. */
  root() {
    return this.#span(this.#doc.contents) ?? DOCUMENT_START;
  }
  /** The key of a mapping entry (`timeout:`); for a list item, the item itself. */
  key(path) {
    const entry = this.#find(path);
    if (!entry) return void 0;
    return this.#span(entry.key) ?? this.#span(entry.value);
  }
  /** The value node (a scalar, or the start of a mapping or list). */
  value(path) {
    const entry = this.#find(path);
    return entry ? this.#span(entry.value) : void 0;
  }
  /**
   * Where to point a message about `path`: a written scalar value; otherwise (a mapping, a list, an
   * empty value) its key, which names it. Falls back to the nearest ancestor written in the source.
   */
  locate(path) {
    for (let n = path.length; n >= 0; n--) {
      const entry = this.#find(path.slice(0, n));
      if (!entry) continue;
      const { key, value: value2 } = entry;
      if (value2 && (isScalar(value2) || isAlias(value2)) && !isEmptyScalar(value2)) {
        const span2 = this.#span(value2);
        if (span2) return span2;
      }
      const span = this.#span(key) ?? this.#span(value2);
      if (span) return span;
    }
    return this.root();
  }
  /** Where a yaml node is written, if it was parsed from this source. */
  spanOf(node) {
    return isNode(node) ? this.#span(node) : void 0;
  }
  /** Offset → 1-based position. */
  at(offset) {
    const start = this.#lines.linePos(offset);
    return { line: start.line, col: start.col, endLine: start.line, endCol: start.col };
  }
  #span(node) {
    const range = node?.range;
    if (!range) return void 0;
    const start = this.#lines.linePos(range[0]);
    const end = this.#lines.linePos(range[1]);
    return { line: start.line, col: start.col, endLine: end.line, endCol: end.col };
  }
  #resolve(node) {
    if (!isAlias(node)) return node;
    if (!this.#aliasTargets.has(node)) this.#aliasTargets.set(node, node.resolve(this.#doc));
    return this.#aliasTargets.get(node);
  }
  #find(path) {
    let key;
    let value2 = this.#doc.contents;
    for (const segment of path) {
      const container = this.#resolve(value2);
      if (isMap(container)) {
        const pair = this.#findPair(container, String(segment), 0);
        if (!pair) return void 0;
        key = isNode(pair.key) ? pair.key : void 0;
        value2 = pair.value;
      } else if (isSeq(container) && typeof segment === "number") {
        if (segment >= container.items.length) return void 0;
        key = void 0;
        value2 = container.items[segment];
      } else return void 0;
    }
    return { key, value: isNode(value2) ? value2 : void 0 };
  }
  /** Built once per mapping: a plan may have many keys and every diagnostic looks one up. */
  #pairsByKey(map) {
    let index = this.#pairIndex.get(map);
    if (!index) {
      index = /* @__PURE__ */ new Map();
      for (const pair of map.items) {
        const key = scalarKey(pair);
        if (key !== void 0) index.set(key, pair);
      }
      this.#pairIndex.set(map, index);
    }
    return index;
  }
  /** The pair that supplies `key`, as `toJS` sees it: the last written one, else one brought in by a `<<` merge. */
  #findPair(map, key, depth) {
    const own = this.#pairsByKey(map).get(key);
    if (own || depth > 8) return own;
    for (const pair of map.items) {
      if (scalarKey(pair) !== "<<") continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const merged = this.#resolve(source);
        const found = isMap(merged) ? this.#findPair(merged, key, depth + 1) : void 0;
        if (found) return found;
      }
    }
    return void 0;
  }
};
function scalarKey(pair) {
  if (!isScalar(pair.key)) return void 0;
  const value2 = pair.key.value;
  return typeof value2 === "symbol" ? value2.description ?? "<<" : String(value2);
}
function isEmptyScalar(node) {
  return isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
}

// src/plan/schema-messages.ts
import { z as z4 } from "zod";
function schemasAt(schema, path) {
  let current = unwrap(schema);
  for (const segment of path) {
    current = current.flatMap((s) => unwrap(...childSchemas(s, segment)));
  }
  return current;
}
function unwrap(...schemas) {
  return schemas.flatMap((schema) => {
    const def = schema._zod.def;
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "nonoptional":
      case "catch":
      case "readonly":
        return unwrap(def.innerType);
      case "pipe":
        return unwrap(def.in);
      case "union":
        return unwrap(...def.options);
      case "lazy":
        return unwrap(def.getter());
      default:
        return [schema];
    }
  });
}
function childSchemas(schema, segment) {
  const def = schema._zod.def;
  switch (def.type) {
    case "object": {
      const child = Object.hasOwn(def.shape, segment) ? def.shape[segment] : void 0;
      return child ? [child] : [];
    }
    case "array":
      return typeof segment === "number" ? [def.element] : [];
    case "record":
      return [def.valueType];
    default:
      return [];
  }
}
function knownKeys(schema, path) {
  const keys = schemasAt(schema, path).flatMap((s) => {
    const def = s._zod.def;
    return def.type === "object" ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}
function requiredKeys(schema) {
  return unwrap(schema).flatMap((s) => {
    const def = s._zod.def;
    if (def.type !== "object") return [];
    return Object.entries(def.shape).filter(([, field]) => !z4.safeParse(field, void 0).success).map(([key]) => key);
  });
}
function listWords(words, conjunction) {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words.at(-1) ?? ""}`;
}
var EXPECTED = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  null: "empty"
};
function describeExpected(expected) {
  return EXPECTED[expected] ?? expected;
}
function describeValue(value2) {
  if (value2 === null) return "an empty value";
  if (Array.isArray(value2)) return "a list";
  switch (typeof value2) {
    case "string": {
      const shown = value2.length > 40 ? `${value2.slice(0, 40)}\u2026` : value2;
      return `the string ${JSON.stringify(shown)}`;
    }
    case "number":
      return `the number ${value2}`;
    case "boolean":
      return `${value2}`;
    case "object":
      return "a mapping";
    default:
      return typeof value2;
  }
}
function literal(value2) {
  return typeof value2 === "string" ? value2 : JSON.stringify(value2);
}
var defaultMessage = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${describeExpected(issue.expected)}`;
    case "invalid_value":
      return issue.values.length === 1 ? `must be ${literal(issue.values[0])}` : `must be one of ${listWords(issue.values.map(literal), "or")}`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string")
        return min <= 1 ? "must not be empty" : `must be at least ${min} characters long`;
      if (issue.origin === "array") return `needs at least ${min} item${min === 1 ? "" : "s"}`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return `must be at most ${max} characters long`;
      if (issue.origin === "array") return `may have at most ${max} item${max === 1 ? "" : "s"}`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case "invalid_format":
      return issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return void 0;
  }
};
function valueAt(data, path) {
  let value2 = data;
  for (const segment of path) {
    if (value2 === null || typeof value2 !== "object" || !Object.hasOwn(value2, segment)) {
      return { found: false, value: void 0 };
    }
    value2 = value2[segment];
  }
  return { found: true, value: value2 };
}
function toSegments(path) {
  return path.map((segment) => typeof segment === "number" ? segment : String(segment));
}
function issueDiagnostics(issue, ctx) {
  const path = toSegments(issue.path);
  const error = (span, at, message) => ({
    severity: "error",
    file: ctx.file,
    ...span,
    path: formatPath(at),
    message
  });
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(ctx.schema, path);
    return issue.keys.slice(0, MAX_ERRORS + 1).map((key) => {
      const at = [...path, key];
      const suggestion = closestMatch(key, known);
      const hint = suggestion ? `did you mean \`${suggestion}\`?` : `expected one of ${listWords(
        known.map((k) => `\`${k}\``),
        "or"
      )}`;
      return error(ctx.positions.key(at) ?? ctx.positions.locate(path), at, `unknown key; ${hint}`);
    });
  }
  if (issue.code === "invalid_key") {
    const reasons = issue.issues.map((inner) => inner.message).join("; ");
    return [error(ctx.positions.key(path) ?? ctx.positions.locate(path), path, `invalid key: ${reasons}`)];
  }
  if (issue.code === "invalid_union") {
    const typeMismatch = (branch) => branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0;
    const closer = issue.errors.filter((branch) => !typeMismatch(branch));
    const [only] = closer;
    if (closer.length === 1 && only) {
      return only.flatMap(
        (inner) => issueDiagnostics({ ...inner, path: [...issue.path, ...inner.path] }, ctx)
      );
    }
    const expected = issue.errors.flatMap(
      (branch) => branch[0]?.code === "invalid_type" ? [describeExpected(branch[0].expected)] : []
    );
    const got = valueAt(ctx.data, issue.path);
    if (!got.found) return [error(missingSpan(path, ctx.positions), path, "is required")];
    const message = expected.length === issue.errors.length ? `must be ${listWords(
      [...new Set(expected)].map((e) => e === EXPECTED.boolean ? "a boolean" : e),
      "or"
    )}, got ${describeValue(got.value)}` : issue.message;
    return [error(ctx.positions.locate(path), path, message)];
  }
  if (issue.code === "invalid_type" || issue.code === "invalid_value") {
    const got = valueAt(ctx.data, issue.path);
    if (!got.found) return [error(missingSpan(path, ctx.positions), path, "is required")];
    let message = `${issue.message}, got ${describeValue(got.value)}`;
    if (issue.code === "invalid_value" && typeof got.value === "string") {
      const suggestion = closestMatch(
        got.value,
        issue.values.filter((v) => typeof v === "string")
      );
      if (suggestion) message += `; did you mean \`${suggestion}\`?`;
    }
    return [error(ctx.positions.locate(path), path, message)];
  }
  return [error(ctx.positions.locate(path), path, issue.message)];
}
function missingSpan(path, positions) {
  const parent = path.slice(0, -1);
  return positions.value(parent) ?? positions.locate(parent);
}

// src/plan/yaml-errors.ts
import {
  isAlias as isAlias2,
  isMap as isMap2,
  isNode as isNode2,
  isScalar as isScalar2,
  isSeq as isSeq2,
  Lexer,
  visit
} from "yaml";
var TOO_DEEP = "the document is nested too deeply to read; flatten it";
var YAML_MESSAGES = {
  MULTIPLE_DOCS: () => "the file holds more than one YAML document (a second `---` starts here); keep a single document: remove this separator and what follows, or move it to its own file",
  TAB_AS_INDENT: () => "a tab is used for indentation; YAML indents with spaces only, so replace the tab with spaces",
  BAD_INDENT: (m) => `${m}; indent with spaces and line up the keys of one mapping (and the \`-\` of one list) at the same column`,
  BLOCK_AS_IMPLICIT_KEY: (m) => `${m}: a line is indented deeper than the key above it, or a plain value contains ": "; line up the keys of one mapping and put such values in quotes`,
  MULTILINE_IMPLICIT_KEY: (m) => `${m}: a line is indented deeper than the key above it, or a key is missing its ":"; line up the keys of one mapping`,
  BAD_SCALAR_START: (m) => `${m}; put the value in quotes`,
  MISSING_CHAR: (m) => /quote/.test(m) ? `${m}: the quote opened here is never closed; close it at the end of the value` : `${m}; close the quote or bracket that was opened before this point`,
  BAD_DQ_ESCAPE: (m) => `${m}; inside double quotes write a backslash as \\\\, or use single quotes`,
  BLOCK_IN_FLOW: (m) => `${m}; inside { } or [ ] write values on one line, or use indented block style instead`,
  NON_STRING_KEY: () => "a key must be plain text, not a list or a mapping; write the key as text",
  KEY_OVER_1024_CHARS: () => "a key is longer than 1024 characters; shorten it",
  RESOURCE_EXHAUSTION: () => TOO_DEEP,
  TAG_RESOLVE_FAILED: (m) => `${m}; remove the tag (a plain value needs none)`
};
function unterminatedQuoteStart(source, errorOffset) {
  let offset = 0;
  let opened;
  for (const token of new Lexer().lex(source)) {
    if (token === "" || token === "" || token === "") continue;
    if ((token[0] === '"' || token[0] === "'") && offset <= errorOffset && errorOffset <= offset + token.length)
      opened = offset;
    offset += token.length;
    if (offset > errorOffset) break;
  }
  return opened;
}
function yamlErrorDiagnostic(error, severity, positions, file, source) {
  const quoteStart = error.code === "MISSING_CHAR" && /quote/.test(error.message) ? unterminatedQuoteStart(source, error.pos[0]) : void 0;
  const offset = quoteStart ?? error.pos[0];
  const start = positions.at(offset);
  const end = positions.at(quoteStart === void 0 ? error.pos[1] : quoteStart + 1);
  const span = { line: start.line, col: start.col, endLine: end.line, endCol: end.col };
  const friendly = YAML_MESSAGES[error.code];
  const message = friendly ? friendly(error.message) : `YAML syntax error: ${error.message}`;
  return { severity, file, ...span, path: "", message };
}
function duplicateKeyErrors(doc, positions, file) {
  const errors = [];
  const pending = [{ node: doc.contents, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next;
    if (isSeq2(node)) node.items.forEach((item, i) => pending.push({ node: item, path: [...path, i] }));
    if (!isMap2(node)) continue;
    const first = /* @__PURE__ */ new Map();
    for (const pair of node.items) {
      const key = scalarKey(pair);
      if (key === void 0) continue;
      pending.push({ node: pair.value, path: [...path, key] });
      const earlier = first.get(key);
      if (!earlier) {
        if (key !== "<<" || !isScalar2(pair.key) || typeof pair.key.value !== "symbol") first.set(key, pair);
        continue;
      }
      const span = positions.spanOf(pair.key);
      if (!span) continue;
      const firstLine = positions.spanOf(earlier.key)?.line;
      const firstAt = firstLine !== void 0 && firstLine !== span.line ? ` (first at line ${firstLine})` : "";
      errors.push({
        severity: "error",
        file,
        ...span,
        path: formatPath([...path, key]),
        message: `duplicate key \`${key}\`${firstAt}; a key may appear only once in a mapping, so remove or rename one of them`
      });
    }
  }
  return errors;
}
function conversionDiagnostic(doc, error, positions, file) {
  const aliases = [];
  const anchors = /* @__PURE__ */ new Set();
  let unresolved;
  visit(doc, (_, node) => {
    if (isAlias2(node)) {
      aliases.push(node);
      if (!anchors.has(node.source)) unresolved ??= node;
    } else if (isNode2(node) && node.anchor) anchors.add(node.anchor);
  });
  const diagnostic = (alias, message) => {
    const span = alias?.range ? positions.at(alias.range[0]) : positions.root();
    const end = alias?.range ? positions.at(alias.range[1]) : span;
    return { severity: "error", file, ...span, endLine: end.line, endCol: end.col, path: "", message };
  };
  if (unresolved) {
    return diagnostic(
      unresolved,
      `alias \`*${unresolved.source}\` has no anchor \`&${unresolved.source}\` before it; define the anchor first or write the value out`
    );
  }
  if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
    return diagnostic(
      aliases[0],
      `aliases expand into too much data (more than ${MAX_ALIAS_COUNT} aliased nodes), as in a "billion laughs" attack; write the values out instead of nesting anchors`
    );
  }
  if (error instanceof RangeError) return diagnostic(void 0, TOO_DEEP);
  const reason = error instanceof Error ? error.message : String(error);
  return diagnostic(aliases[0], `cannot read the YAML: ${reason}`);
}

// src/plan/parse.ts
function capErrors(errors, file) {
  if (errors.length <= MAX_ERRORS) return errors;
  const last = errors[MAX_ERRORS - 1];
  const more = documentError(
    file,
    `more errors follow; fix the ${MAX_ERRORS} above first, then check again`,
    {
      line: last?.line ?? 1,
      col: last?.col ?? 1,
      endLine: last?.line ?? 1,
      endCol: last?.col ?? 1
    }
  );
  return [...errors.slice(0, MAX_ERRORS), more];
}
function dedupeByPosition(diagnostics) {
  const seen = /* @__PURE__ */ new Set();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.col}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
function documentError(file, message, span = DOCUMENT_START) {
  return { severity: "error", file, ...span, path: "", message };
}
function readYaml(source) {
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter: lines,
    prettyErrors: false,
    merge: true,
    // yaml's own duplicate check compares every pair with every other; duplicateKeyErrors is linear.
    uniqueKeys: false,
    stringKeys: true
  });
  return { doc, lines };
}
function parseYamlWithSchema(source, file, schema) {
  let doc;
  let lines;
  try {
    ({ doc, lines } = readYaml(source));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [documentError(file, `cannot read the YAML: ${reason}`)], warnings: [] };
  }
  const positions = new PositionIndex(doc, lines);
  const warnings = doc.warnings.map((w) => yamlErrorDiagnostic(w, "warning", positions, file, source));
  const exhausted = doc.errors.filter((e) => e.code === "RESOURCE_EXHAUSTION").slice(0, 1);
  const syntaxErrors = [
    ...(exhausted.length > 0 ? exhausted : doc.errors).map(
      (e) => yamlErrorDiagnostic(e, "error", positions, file, source)
    ),
    ...exhausted.length > 0 ? [] : duplicateKeyErrors(doc, positions, file)
  ];
  if (syntaxErrors.length > 0) {
    return { ok: false, errors: capErrors(dedupeByPosition(sortDiagnostics(syntaxErrors)), file), warnings };
  }
  if (doc.contents === null) {
    const empty = z5.safeParse(schema, {});
    if (empty.success) return { ok: true, value: empty.data, positions, warnings };
    const required = requiredKeys(schema);
    const needs = required.length ? `; it needs at least ${listWords(required, "and")}` : "";
    return { ok: false, errors: [documentError(file, `the file is empty${needs}`)], warnings };
  }
  let data;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { ok: false, errors: [conversionDiagnostic(doc, error, positions, file)], warnings };
  }
  const result2 = z5.safeParse(schema, data, { error: defaultMessage });
  if (result2.success) return { ok: true, value: result2.data, positions, warnings };
  const ctx = { data, schema, positions, file };
  const errors = result2.error.issues.slice(0, MAX_ERRORS + 1).flatMap((issue) => issueDiagnostics(issue, ctx));
  return { ok: false, errors: capErrors(sortDiagnostics(errors), file), warnings };
}
function parsePlan(source, file) {
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > MAX_PLAN_BYTES) {
    const message = `the plan is ${bytes} bytes, more than the ${MAX_PLAN_BYTES} allowed; keep long scripts in files that the steps run`;
    return { ok: false, errors: [documentError(file, message)], warnings: [], file };
  }
  const parsed = parseYamlWithSchema(source, file, planSchema);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: parsed.warnings, file };
  const warnings = sortDiagnostics([...parsed.warnings, ...lintPlan(parsed.value, parsed.positions, file)]);
  return {
    ok: true,
    plan: parsed.value,
    source,
    hash: planHash(source),
    file,
    warnings,
    positions: parsed.positions
  };
}

// src/gate/policy.ts
var POLICY_FILE = ".github/proceed.yml";
var APPROVER_PERMISSIONS = ["write", "maintain", "admin"];
var MERGE_QUEUE_MODES = ["verified", "re-verify"];
var durationSchema = z6.string().regex(new RegExp(DURATION_PATTERN), { message: "must be a duration such as 90s, 10m or 1h30m" }).refine((text) => !isDuration(text) || parseDuration(text) > 0, { message: "must be longer than 0s" }).describe("A duration: 90s, 10m, 1h30m");
var MAX_APPROVALS = 10;
var CODEOWNERS_MODES = ["plan", "changed-files"];
var approverFields = {
  permission: z6.enum(APPROVER_PERMISSIONS).default("write").describe("Minimum repository permission to approve or /proceed"),
  users: z6.array(loginSchema).default([]).describe("Optional allowlist of logins"),
  teams: z6.array(teamSchema).default([]).describe("Optional allowlist of org/team slugs"),
  count: z6.number().int({ message: "must be a whole number of approvals" }).min(1, { message: "must be at least 1" }).max(MAX_APPROVALS, { message: `must be at most ${MAX_APPROVALS}` }).default(1).describe(
    "How many distinct allowed people must approve the same head and plan before anything runs (reviews and /proceed both count)"
  )
};
var approversDescription = "Who may approve and run: everyone with `permission` or more, narrowed to `users` and `teams` when either is set; `count` of them must approve";
var approversSchema = z6.strictObject(approverFields).describe(approversDescription);
var globalApproversSchema = z6.strictObject({
  ...approverFields,
  codeowners: z6.enum(CODEOWNERS_MODES).optional().describe(
    "At least one approver must be a code owner (CODEOWNERS on the base branch) of the plan file (plan) or of every changed path (changed-files)"
  )
}).describe(approversDescription);
var policySchema = z6.strictObject({
  approvers: globalApproversSchema.prefault({}),
  self_approval: z6.boolean().default(false).describe("May the pull request's author /proceed their own plan"),
  forks: z6.boolean().default(false).describe("Execute plans of pull requests from forks"),
  bind_approval_to: z6.enum(["head", "plan"]).default("head").describe("head: any new commit voids approval; plan: only a change of the plan file does"),
  checkpoint_timeout: durationSchema.default("24h").describe("A paused plan whose checkpoint nobody confirms ends as timed out"),
  approval_ttl: durationSchema.optional().describe(
    "An approval older than this no longer starts or resumes an execution; /proceed or an approving review renews it"
  ),
  verify: verifySchema.default({}).describe("Always run in the verify phase, whatever the plan says"),
  environments: z6.record(
    z6.string().min(1),
    z6.strictObject({
      production: z6.boolean().optional().describe(
        "Recorded as a production environment (default: the environment is named 'production')"
      ),
      approvers: approversSchema.optional().describe(
        "Who may approve a plan for this environment: needed on top of the global `approvers`"
      )
    }).prefault({})
  ).optional().describe("The environments plans may name (`environment:`); when set, any other is refused"),
  merge_queue: z6.enum(MERGE_QUEUE_MODES).default("verified").describe(
    "verified: a merge group passes when every pull request in it is verified on its head; re-verify: also run the verify phase on the group's commit"
  )
}).describe("proceed repository policy (.github/proceed.yml, read from the base branch)");
var DEFAULT_POLICY = policySchema.parse({});
function parsePolicyFile(content, path) {
  if (content === void 0) return { policy: DEFAULT_POLICY, errors: [] };
  const parsed = parseYamlWithSchema(content, path, policySchema);
  return parsed.ok ? { policy: parsed.value, errors: [] } : { policy: DEFAULT_POLICY, errors: parsed.errors };
}
function mergePlanConfig(config, policy) {
  const notices = [];
  if (!config.require_approval) {
    notices.push(
      "`require_approval: false` in the plan is ignored: this repository always requires approval before a step runs (`.github/proceed.yml`)."
    );
  }
  return {
    settings: {
      ...config,
      require_approval: true,
      checkpoint_timeout_ms: parseDuration(policy.checkpoint_timeout)
    },
    notices
  };
}
function mergeVerify(planVerify, policy) {
  const verify = { ...policy.verify };
  const notices = [];
  for (const [name, check] of Object.entries(planVerify ?? {})) {
    if (Object.hasOwn(verify, name)) {
      notices.push(
        `\`verify.${name}\` in the plan is replaced by \`verify.${name}\` of \`.github/proceed.yml\`, which always runs; give the plan's check another name to run both.`
      );
    } else verify[name] = check;
  }
  return { verify, notices };
}

// src/gate/discover.ts
import picomatch from "picomatch";
var DEFAULT_PLAN_GLOBS = ["**/*.plan.yml", "**/*.plan.yaml"];
function parseGlobList(text) {
  const globs = (text ?? "").split(/[,\n]/).map((g) => g.trim()).filter(Boolean);
  return globs.length ? globs : DEFAULT_PLAN_GLOBS;
}
function discoverPlan(files, globs) {
  const isPlan = picomatch(globs, { dot: true });
  const plans = files.filter((f) => f.status !== "removed" && f.sha && isPlan(f.filename));
  if (plans.length === 0) return { kind: "none" };
  if (plans.length > 1) return { kind: "many", paths: plans.map((f) => f.filename).sort() };
  return { kind: "one", path: plans[0].filename, blobSha: plans[0].sha };
}

// src/gate/state.ts
import { z as z7 } from "zod";

// src/plan/lifecycle.ts
var LIFECYCLE_STATES = [
  "proposed",
  "approved",
  "executing",
  "paused",
  "failed",
  "cancelled",
  "verifying",
  "verified",
  "verify-failed"
];
var LIFECYCLE_COMMANDS = ["proceed", "retry", "skip", "cancel", "rollback"];
var COMMANDS_BY_STATE = {
  proposed: { proceed: "offer", rollback: "accept" },
  approved: { proceed: "accept", cancel: "offer", rollback: "accept" },
  executing: { proceed: "accept", retry: "accept", cancel: "offer" },
  verifying: { proceed: "accept", cancel: "offer", rollback: "accept" },
  paused: { proceed: "offer", skip: "offer", cancel: "offer", rollback: "accept" },
  failed: { retry: "offer", skip: "offer", cancel: "offer", rollback: "offer" },
  cancelled: { proceed: "offer", rollback: "offer" },
  verified: { rollback: "offer" },
  "verify-failed": { retry: "offer", cancel: "accept", rollback: "offer" }
};
function applies(state, command2) {
  return COMMANDS_BY_STATE[state][command2] !== void 0;
}
function offered(state, allows) {
  return LIFECYCLE_COMMANDS.filter(
    (c) => COMMANDS_BY_STATE[state][c] === "offer" && (c !== "skip" || allows.skip) && (c !== "rollback" || allows.rollback)
  );
}
var ANY = LIFECYCLE_STATES;
var EDGES = {
  /** A push voided the approval (another plan, or a new head under `bind_approval_to: head`). */
  reset: { from: ANY, to: "proposed" },
  /** The same plan on a new commit under `bind_approval_to: plan`: still approved, nothing run there yet. */
  carry: { from: ANY, to: "approved" },
  /** The approving review an approval rests on was dismissed before anything ran (issue 15). */
  withdraw: { from: ["approved"], to: "proposed" },
  /** `/proceed` or an approving review by someone allowed. */
  approve: { from: ["proposed"], to: "approved" },
  /** An execution starts or resumes (`/proceed`, `/retry`, `/skip`). */
  start: {
    from: ["approved", "executing", "verifying", "paused", "failed", "cancelled", "verify-failed"],
    to: "executing"
  },
  /** The execution reached a checkpoint. */
  pause: { from: ["executing"], to: "paused" },
  /** A step failed or timed out. */
  fail: { from: ["executing"], to: "failed" },
  /** Every step and every verification passed. */
  verify: { from: ["executing"], to: "verified" },
  /** A verification failed. */
  "fail-verify": { from: ["executing"], to: "verify-failed" },
  /** `/cancel`, a close, a push or a lost lock stopped the running execution. */
  stop: { from: ["executing"], to: "cancelled" },
  /** `/cancel` while nothing runs. */
  cancel: { from: ["approved", "verifying", "paused", "failed", "verify-failed"], to: "cancelled" },
  /** A checkpoint nobody confirmed within `checkpoint_timeout`. */
  "time-out": { from: ["paused"], to: "cancelled" },
  /** The pull request was closed while the plan was still going. */
  close: { from: ["approved", "executing", "paused", "failed"], to: "cancelled" },
  /** `/rollback` undid the completed steps. */
  "roll-back": { from: ANY.filter((s) => s !== "executing"), to: "cancelled" },
  /** A rollback command failed. */
  "fail-rollback": { from: ANY.filter((s) => s !== "executing"), to: "failed" }
};
function follow(edge) {
  return EDGES[edge].to;
}

// src/gate/state.ts
var approvalSchema = z7.object({
  by: z7.string(),
  via: z7.enum(["review", "comment", "button"]),
  at: z7.string(),
  headSha: z7.string(),
  planBlob: z7.string(),
  planHash: z7.string()
});
var approvalEntrySchema = z7.object({
  by: z7.string(),
  via: z7.enum(["review", "comment", "button"]),
  at: z7.string(),
  headSha: z7.string(),
  planHash: z7.string(),
  teams: z7.array(z7.string()).max(50).default([])
});
var confirmationSchema = z7.object({ step: z7.string(), by: z7.string(), at: z7.string() });
var storedStateSchema = z7.object({
  v: z7.literal(1),
  state: z7.enum(LIFECYCLE_STATES),
  planPath: z7.string(),
  planBlob: z7.string(),
  planHash: z7.string(),
  headSha: z7.string(),
  approval: approvalSchema.optional(),
  /** Every approval given for this head and plan, at most one per person (the newest). */
  approvals: z7.array(approvalEntrySchema).max(20).optional(),
  /** Confirmations of the checkpoint the plan waits at, while fewer than its approvers' `count`. */
  confirmations: z7.array(confirmationSchema).max(20).optional(),
  /** Step ids whose checkpoint someone allowed has confirmed, for this approval. */
  confirmed: z7.array(z7.string()).default([]),
  /** When the bot first rendered the plan at `headSha`: a command written before it was written about another plan. */
  renderedAt: z7.string().optional(),
  /** The step a resume starts from, after a pause at a checkpoint or a failure. */
  next: z7.string().optional(),
  /** When the plan paused at a checkpoint; it times out after the policy's `checkpoint_timeout`. */
  pausedAt: z7.string().optional(),
  /** Why the plan stopped (failed, cancelled, timed out), for the review. */
  reason: z7.string().max(300).optional(),
  /**
   * Ids of comments (and, negated, of approving reviews) already acted on, newest last, so a
   * redelivered webhook or a re-run workflow does nothing twice.
   */
  handled: z7.array(z7.number()).default([]),
  /**
   * The watermark of commands (issue 12): the newest comment id and review id acted on. GitHub's ids
   * grow with time, so a command at or below it was handled already or was overtaken by a later one;
   * unlike `handled`, it never forgets.
   */
  lastComment: z7.number().optional(),
  lastReview: z7.number().optional(),
  /** When the lifecycle state last changed: a command written before it was about another situation. */
  changedAt: z7.string().optional(),
  /** Who pushed commits onto the pull request (the senders of its `synchronize` events), for `self_approval`. */
  pushers: z7.array(z7.object({ login: z7.string(), sha: z7.string() })).max(20).optional(),
  /**
   * The plan rendered before the last change of the plan (issue 15, item 5): its commit, path and blob,
   * from which the review reads it back through the API to show what changed since.
   */
  planBefore: z7.object({ sha: z7.string(), path: z7.string(), blob: z7.string() }).optional(),
  /**
   * A run that someone allowed asked for on `headSha`, recorded by a door that cannot execute it
   * (the app's `dispatch` executor); the Action in `mode: execute` runs exactly this and nothing else.
   */
  requested: z7.object({
    command: z7.enum(["proceed", "retry", "skip", "rollback"]),
    by: z7.string(),
    headSha: z7.string(),
    /** How the person asked (review, comment, button), for the audit record. */
    via: z7.enum(["review", "comment", "button"]).optional()
  }).optional()
});

// src/gate/marker.ts
var MARKER = /<!-- proceed:state ([A-Za-z0-9+/=]+) -->\s*$/;
var MARKER_BUDGET = 2048;
var HANDLED_KEPT = 20;
function encodeState(state) {
  let kept = HANDLED_KEPT;
  for (; ; ) {
    const trimmed = { ...state, handled: kept > 0 ? state.handled.slice(-kept) : [] };
    const marker = `

<!-- proceed:state ${Buffer.from(JSON.stringify(trimmed), "utf8").toString("base64")} -->`;
    if (marker.length <= MARKER_BUDGET || kept === 0) return marker;
    kept = Math.floor(kept / 2);
  }
}
function decodeState(body) {
  const m = MARKER.exec(body);
  if (!m) return void 0;
  try {
    const parsed = storedStateSchema.safeParse(JSON.parse(Buffer.from(m[1], "base64").toString("utf8")));
    return parsed.success ? parsed.data : void 0;
  } catch {
    return void 0;
  }
}

// src/gate/rules/codeowners.ts
import picomatch2 from "picomatch";
var CODEOWNERS_LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
function parseCodeowners(text, path) {
  const rules = [];
  const skipped = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const tokens = tokenize(raw);
    const [pattern, ...rest] = tokens;
    if (!pattern) return;
    if (pattern.startsWith("!") || /[[\]]/.test(pattern)) {
      skipped.push(`${line}: ${pattern} (GitHub supports neither \`!\` nor \`[ ]\` in CODEOWNERS)`);
      return;
    }
    rules.push({ pattern, owners: rest, line, matches: matcher(pattern) });
  });
  return { path, rules, skipped };
}
function tokenize(raw) {
  const tokens = [];
  let current = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\" && i + 1 < raw.length) {
      current += raw[++i];
      continue;
    }
    if (c === "#") break;
    if (/\s/.test(c)) {
      if (current) tokens.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  if (current) tokens.push(current);
  return tokens;
}
function matcher(pattern) {
  let glob = pattern;
  const directoryOnly = glob.endsWith("/");
  glob = glob.replace(/\/+$/, "");
  const anchored = glob.startsWith("/") || glob.includes("/");
  glob = glob.replace(/^\/+/, "");
  if (!glob) glob = "**";
  if (!anchored) glob = `**/${glob}`;
  const test = picomatch2(glob, { dot: true });
  const ownsUnderMatch = !glob.endsWith("/*") && glob !== "*";
  return (path) => {
    const clean = path.replace(/^\/+/, "");
    if (!directoryOnly && test(clean)) return true;
    if (!ownsUnderMatch) return false;
    const parts = clean.split("/");
    for (let n = parts.length - 1; n >= 1; n--) if (test(parts.slice(0, n).join("/"))) return true;
    return false;
  };
}
function ownersOf(codeowners, path) {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (rule.matches(path)) return rule.owners;
  }
  return [];
}
function ownerTeams(owners) {
  return owners.filter((o) => /^@[^/@\s]+\/[^/@\s]+$/.test(o)).map((o) => o.slice(1));
}
function isOwner(owners, login, teams) {
  const lower = login.toLowerCase();
  const memberOf = new Set(teams.map((t) => t.toLowerCase()));
  return owners.some((owner) => {
    if (!owner.startsWith("@")) return false;
    const name = owner.slice(1).toLowerCase();
    return name.includes("/") ? memberOf.has(name) : name === lower;
  });
}
function ownerWords(owners) {
  return owners.map((o) => codeSpan(o)).join(", ");
}

// src/gate/rules/quorum.ts
function approvalNeed(policy, environment2, codeowners) {
  const forEnvironment = environment2 ? policy.environments?.[environment2]?.approvers?.count : void 0;
  return {
    count: Math.max(policy.approvers.count, forEnvironment ?? 1),
    ...policy.approval_ttl ? { ttl: { text: policy.approval_ttl, ms: parseDuration(policy.approval_ttl) } } : {},
    ...codeowners ? { codeowners } : {}
  };
}
function asksMore(need) {
  return need.count > 1 || !!need.ttl || !!need.codeowners;
}
function liveApprovals(stored, binding) {
  return (stored?.approvals ?? []).filter(
    (a) => a.planHash === binding.planHash && (binding.bindTo === "plan" || a.headSha === binding.headSha)
  );
}
function recordApproval(approvals, entry) {
  const others = approvals.filter((a) => a.by.toLowerCase() !== entry.by.toLowerCase());
  return [...others, entry].slice(-20);
}
function approvalEntry(by, via2, at, headSha, planHash2, teams) {
  return { by, via: via2, at: at.toISOString(), headSha, planHash: planHash2, teams: [...teams].slice(0, 50) };
}
function quorumStatus(approvals, need, now3) {
  const expired = need.ttl ? approvals.filter((a) => now3.getTime() - Date.parse(a.at) > need.ttl.ms) : [];
  const fresh = approvals.filter((a) => !expired.includes(a));
  const missing = Math.max(0, need.count - fresh.length);
  const owners = need.codeowners;
  const problem = owners ? codeownersProblem(owners) : void 0;
  const ownersMissing = owners ? owners.paths.filter((p) => !fresh.some((a) => isOwner(p.owners, a.by, a.teams))) : [];
  return {
    satisfied: missing === 0 && !problem && ownersMissing.length === 0,
    fresh,
    expired,
    missing,
    ownersMissing,
    ...problem ? { problem } : {}
  };
}
function codeownersProblem(owners) {
  const key = `\`approvers.codeowners: ${owners.mode}\``;
  if (!owners.file) {
    return `${key} in ${codeSpan(POLICY_FILE)} needs a CODEOWNERS file on the base branch, and there is none (looked for ${CODEOWNERS_LOCATIONS.map((l) => codeSpan(l)).join(", ")}). Add one there, or remove the key.`;
  }
  if (owners.unowned.length) {
    return `${key} needs a code owner of the plan file ${codeSpan(owners.unowned[0])}, and no line of ${codeSpan(owners.file)} on the base branch gives it one. Add a line owning it there.`;
  }
  return void 0;
}
var PATHS_SHOWN = 10;
function shortfallWords(status2, need) {
  const parts = [];
  if (status2.expired.length && need.ttl) {
    const names = status2.expired.map((a) => codeSpan(a.by)).join(", ");
    parts.push(
      `The approval${status2.expired.length === 1 ? "" : "s"} of ${names} ${status2.expired.length === 1 ? "is" : "are"} older than \`approval_ttl: ${need.ttl.text}\` and no longer ${status2.expired.length === 1 ? "counts" : "count"}; to renew, approve the pull request again or comment \`/proceed\`.`
    );
  }
  if (status2.missing > 0) {
    parts.push(
      `${status2.fresh.length} of ${need.count} approvals given: ${status2.missing} more ${status2.missing === 1 ? "is" : "are"} needed from other people allowed to approve (an approving review or \`/proceed\`).`
    );
  }
  if (status2.problem) parts.push(status2.problem);
  else if (status2.ownersMissing.length) {
    const shown = status2.ownersMissing.slice(0, PATHS_SHOWN).map((p) => `${codeSpan(p.path)} (owners: ${ownerWords(p.owners)})`);
    const more = status2.ownersMissing.length > PATHS_SHOWN ? `, and ${status2.ownersMissing.length - PATHS_SHOWN} more` : "";
    const file = need.codeowners?.file ? ` in ${codeSpan(need.codeowners.file)}` : "";
    parts.push(
      `A code owner${file} must approve too: nobody who approved owns ${shown.join(", ")}${more}. One of those owners has to approve.`
    );
  }
  return parts.join(" ");
}
function approvalsBlock(approvals, need, now3) {
  const status2 = quorumStatus(approvals, need, now3);
  const rows = approvals.map((a) => {
    const until2 = need.ttl ? new Date(Date.parse(a.at) + need.ttl.ms).toISOString() : void 0;
    const expired = status2.expired.includes(a);
    return `- ${codeSpan(a.by)} approved ${codeSpan(a.headSha.slice(0, 7))} by ${a.via === "review" ? "review" : a.via === "button" ? "button" : "`/proceed`"} at ${a.at}` + (until2 ? expired ? ` (expired at ${until2}, older than \`approval_ttl\`)` : ` (counts until ${until2})` : "");
  });
  const ttl = need.ttl ? `; each counts for \`approval_ttl: ${need.ttl.text}\`` : "";
  const owners = need.codeowners ? `; a code owner of ${need.codeowners.mode === "plan" ? "the plan file" : "every changed path"} among them` : "";
  const head = `**Approvals:** ${need.count} needed${owners}${ttl}.`;
  const tail = status2.satisfied ? "Enough approvals to run." : shortfallWords(status2, need);
  return [head, rows.length ? rows.join("\n") : "- none yet", tail].join("\n\n");
}

// src/gate/view.ts
var DEFAULT_POLL_MS = 1e4;
function pollIntervalFromEnv(env) {
  const value2 = Number(env.PROCEED_POLL_INTERVAL_MS);
  return Number.isFinite(value2) && value2 >= 50 ? value2 : DEFAULT_POLL_MS;
}
var CHECK_PLAN = "proceed/plan";
var CHECK_VERIFY = "proceed/verify";
function stepCheckName(stepId) {
  return `proceed/${stepId}`;
}
function stepExternalId(planHash2, stepId) {
  return `${planHash2.slice(0, 40)}:${stepId}`;
}
function unreadablePlan(path, blobSha) {
  const message = "the pull request changes this plan file, but GitHub does not return it as a file at the head (a symbolic link or a submodule?); commit the plan as a regular YAML file";
  const at = { severity: "error", file: path, line: 1, col: 1, path: "", message };
  return { kind: "invalid", path, blobSha, errors: [at], warnings: [] };
}
async function loadView(env, number, o = {}) {
  const { port } = env;
  const prRead = port.getPullRequest(number);
  const lists = Promise.all([port.listChangedFiles(number), port.listReviews(number)]);
  lists.catch(() => void 0);
  const pr = await prRead;
  o.withHead?.(pr.headSha);
  const planRead = lists.then(async ([files2]) => {
    const found2 = discoverPlan(files2, env.planGlobs);
    return { found: found2, file: found2.kind === "one" ? await port.readFile(found2.path, pr.headSha) : void 0 };
  });
  const [[files, reviews], policyFile, { found, file }] = await Promise.all([
    lists,
    // The base branch's copy, never the pull request's: a pull request cannot weaken its own gate.
    port.readFile(env.policyPath, pr.baseSha),
    planRead
  ]);
  let policy = DEFAULT_POLICY;
  let policyErrors = [];
  if (policyFile) {
    const parsed = parseYamlWithSchema(policyFile.content, env.policyPath, policySchema);
    if (parsed.ok) policy = parsed.value;
    else policyErrors = parsed.errors;
  }
  const review = ownReview(reviews, env.botLogin);
  const stored = review ? decodeState(review.body) : void 0;
  let plan;
  if (found.kind !== "one") plan = found;
  else {
    if (!file) plan = unreadablePlan(found.path, found.blobSha);
    else {
      const parsed = parsePlan(file.content, found.path);
      plan = parsed.ok ? {
        kind: "valid",
        path: found.path,
        blobSha: file.sha,
        plan: parsed.plan,
        source: parsed.source,
        hash: parsed.hash,
        warnings: parsed.warnings
      } : {
        kind: "invalid",
        path: found.path,
        blobSha: file.sha,
        errors: parsed.errors,
        warnings: parsed.warnings
      };
    }
  }
  const approvedSha = stored?.approval?.headSha;
  const sinceApproval = policy.bind_approval_to === "plan" && approvedSha && approvedSha !== pr.headSha ? { approvedSha, files: await port.compareCommits(approvedSha, pr.headSha).catch(() => void 0) } : void 0;
  const before = plan.kind === "valid" && stored ? planBeforeOf(stored, plan) : void 0;
  const planBefore = before ? await readPlanBefore(port, before) : void 0;
  const codeOwners = policy.approvers.codeowners && plan.kind === "valid" ? await loadCodeOwners(port, pr.baseSha, policy.approvers.codeowners, plan.path, files) : void 0;
  return {
    pr,
    policy,
    policyErrors,
    plan,
    review,
    stored,
    ...sinceApproval ? { sinceApproval } : {},
    ...planBefore ? { planBefore } : {},
    ...codeOwners ? { codeOwners } : {}
  };
}
function planBeforeOf(stored, plan) {
  if (stored.planBlob && (stored.planHash !== plan.hash || stored.planPath !== plan.path))
    return { sha: stored.headSha, path: stored.planPath, blob: stored.planBlob };
  const kept = stored.planBefore;
  if (!kept || kept.blob === plan.blobSha) return void 0;
  return stored.approval?.planHash === plan.hash ? void 0 : kept;
}
async function readPlanBefore(port, ref) {
  const file = await port.readFile(ref.path, ref.sha).catch(() => void 0);
  if (!file || file.sha !== ref.blob) return { sha: ref.sha, plan: void 0 };
  const parsed = parsePlan(file.content, ref.path);
  return { sha: ref.sha, plan: parsed.ok ? parsed.plan : void 0 };
}
async function loadCodeOwners(port, baseSha, mode, planPath, files) {
  let found;
  for (const location of CODEOWNERS_LOCATIONS) {
    const file = await port.readFile(location, baseSha);
    if (file) {
      found = { path: location, content: file.content };
      break;
    }
  }
  if (!found) return { mode, file: void 0, paths: [], unowned: [] };
  const codeowners = parseCodeowners(found.content, found.path);
  const wanted = mode === "plan" ? [planPath] : files.map((f) => f.filename);
  const paths = wanted.map((path) => ({ path, owners: ownersOf(codeowners, path) }));
  return {
    mode,
    file: found.path,
    paths: paths.filter((p) => p.owners.length > 0),
    unowned: mode === "plan" ? paths.filter((p) => !p.owners.length).map((p) => p.path) : []
  };
}
function ownReview(reviews, botLogin) {
  const own = reviews.filter((r) => r.user?.login.toLowerCase() === botLogin.toLowerCase());
  return own.find((r) => decodeState(r.body)) ?? own[0];
}
function bound(stored, view) {
  const a = stored.approval;
  if (!a || view.plan.kind !== "valid") return false;
  if (a.planHash !== view.plan.hash || a.planBlob !== view.plan.blobSha || stored.planPath !== view.plan.path)
    return false;
  return view.policy.bind_approval_to === "plan" || a.headSha === view.pr.headSha;
}
function freshState(view) {
  const plan = view.plan.kind === "valid" ? view.plan : void 0;
  return {
    v: 1,
    state: "proposed",
    planPath: plan?.path ?? "",
    planBlob: plan?.blobSha ?? "",
    planHash: plan?.hash ?? "",
    headSha: view.pr.headSha,
    confirmed: [],
    handled: []
  };
}
function bindingAfterPush(view) {
  if (view.plan.kind !== "valid") return { stored: view.stored };
  const prev = view.stored;
  if (!prev) return { stored: freshState(view) };
  const headMoved = prev.headSha !== view.pr.headSha;
  const live = liveApprovals(prev, {
    headSha: view.pr.headSha,
    planHash: view.plan.hash,
    bindTo: view.policy.bind_approval_to
  });
  const voided = (prev.approvals ?? []).filter((a) => !live.includes(a));
  const fresh = {
    ...prev,
    planPath: view.plan.path,
    planBlob: view.plan.blobSha,
    planHash: view.plan.hash,
    headSha: view.pr.headSha,
    // The plan rendered before the last change of the plan, for the review's delta (issue 15, item 5).
    planBefore: planBeforeOf(prev, view.plan),
    ...prev.approvals ? { approvals: live } : {},
    ...headMoved ? { confirmations: void 0 } : {}
  };
  if (!prev.approval) {
    const notice = voided.length ? `The approval${voided.length === 1 ? "" : "s"} of ${voided.map((a) => codeSpan(a.by)).join(", ")} ${voided.length === 1 ? "was" : "were"} reset: new commit ${codeSpan(short(view.pr.headSha))} changed what was approved. Approve again or comment \`/proceed\`.` : void 0;
    return {
      stored: headMoved ? { ...fresh, state: "proposed", next: void 0 } : fresh,
      ...notice ? { notice } : {}
    };
  }
  if (bound(prev, view)) {
    if (!headMoved) return { stored: fresh };
    return {
      stored: {
        ...fresh,
        state: "approved",
        confirmed: [],
        next: void 0
      }
    };
  }
  const planChanged = prev.approval.planHash !== view.plan.hash || prev.planPath !== view.plan.path;
  const why = planChanged ? `the plan changed in ${codeSpan(short(view.pr.headSha))}` : `new commit ${codeSpan(short(view.pr.headSha))} was pushed (\`bind_approval_to: head\`)`;
  return {
    stored: {
      ...fresh,
      state: "proposed",
      approval: void 0,
      approvals: [],
      confirmed: [],
      next: void 0
    },
    notice: `Approval by ${[prev.approval.by, ...voided.map((a) => a.by)].filter((by, i, all) => all.findIndex((o) => o.toLowerCase() === by.toLowerCase()) === i).map((by) => codeSpan(by)).join(", ")} was reset: ${why}. Approve again or comment \`/proceed\`.`
  };
}
function stepChecks(checks, planHash2, stepIds) {
  const byStep = /* @__PURE__ */ new Map();
  for (const id of stepIds) {
    const newest = checks.filter((c) => c.name === stepCheckName(id) && c.externalId === stepExternalId(planHash2, id)).sort((a, b) => b.id - a.id)[0];
    if (newest) byStep.set(id, newest);
  }
  return byStep;
}
function short(sha) {
  return sha.slice(0, 7);
}

// src/gate/audit.ts
var GATES_READ = 5;
function baseRecord(previous, view, stored, verify, at) {
  const { plan, path, hash } = view.plan;
  const same = previous && previous.commit === view.pr.headSha && previous.plan.hash === hash;
  const record = same ? structuredClone(previous) : {
    proceedAudit: AUDIT_VERSION,
    repository: "",
    pullRequest: view.pr.number,
    commit: view.pr.headSha,
    plan: {
      path,
      hash,
      title: plan.title,
      ...plan.environment ? { environment: plan.environment } : {},
      steps: plan.steps.map((s) => ({
        id: s.id,
        name: s.name,
        ...s.run !== void 0 ? { run: s.run } : {},
        shell: s.shell,
        ...s["working-directory"] ? { workingDirectory: s["working-directory"] } : {},
        checkpoint: s.checkpoint !== false,
        ...typeof s.checkpoint === "object" ? { checkpointApprovers: s.checkpoint.approvers } : {},
        ...s.rollback !== void 0 ? { rollback: s.rollback } : {}
      })),
      verify: Object.entries(verify).map(
        ([name, v]) => typeof v === "string" ? { name, run: v, shell: "bash" } : { name, run: v.run, shell: v.shell }
      )
    },
    approvals: [],
    checkpoints: [],
    interventions: [],
    jobs: [],
    steps: [],
    verifications: [],
    state: stored.state,
    updatedAt: at
  };
  const a = stored.approval;
  if (a) record.approvedCommit = a.headSha;
  const quorum2 = view.policy.approvers.count > 1 ? stored.approvals ?? [] : [];
  for (const x of [...a ? [a] : [], ...quorum2]) {
    if (!record.approvals.some((y) => y.by === x.by && y.commit === x.headSha && y.planHash === x.planHash))
      record.approvals.push({ by: x.by, via: x.via, at: x.at, commit: x.headSha, planHash: x.planHash });
  }
  return record;
}
var endOf = (r) => new Date(Date.parse(r.startedAt) + r.durationMs).toISOString();
function recordExecution(previous, view, prior, verify, job, repository) {
  const r = baseRecord(previous, view, prior, verify, job.endedAt);
  r.repository = repository;
  if (job.confirmed)
    r.checkpoints.push({
      step: job.confirmed,
      by: job.by,
      ...job.via ? { via: job.via } : {},
      at: job.startedAt
    });
  if (job.trigger !== "proceed")
    r.interventions.push({
      action: job.trigger,
      by: job.by,
      ...job.via ? { via: job.via } : {},
      at: job.startedAt,
      step: prior.next ?? (prior.state === "verify-failed" ? "verify" : void 0)
    });
  for (const s of job.steps) {
    const attempt = r.steps.filter((e) => e.id === s.id).length + 1;
    r.steps.push({
      id: s.id,
      attempt,
      status: s.status,
      exitCode: s.exitCode,
      signal: s.signal,
      startedAt: s.startedAt,
      endedAt: endOf(s),
      durationMs: s.durationMs,
      ...s.reason ? { reason: s.reason.slice(0, 300) } : {}
    });
  }
  for (const v of job.report.verify?.checks ?? []) {
    const attempt = r.verifications.filter((e) => e.name === v.id).length + 1;
    r.verifications.push({
      name: v.id,
      attempt,
      status: v.status,
      exitCode: v.exitCode,
      signal: v.signal,
      startedAt: v.startedAt,
      endedAt: endOf(v),
      durationMs: v.durationMs
    });
  }
  if (job.cancelledBy)
    r.interventions.push({
      action: "cancel",
      by: job.cancelledBy,
      at: job.endedAt,
      ...job.report.next ? { step: job.report.next.stepId } : {}
    });
  r.jobs.push({
    trigger: job.trigger,
    by: job.by,
    ...job.via ? { via: job.via } : {},
    runner: { kind: job.runner.kind, id: job.runner.id, ...job.runner.url ? { url: job.runner.url } : {} },
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    outcome: job.report.outcome,
    ...job.report.next ? { next: job.report.next.stepId } : {},
    ...job.report.reason ? { reason: job.report.reason.slice(0, 300) } : {}
  });
  r.state = job.state;
  r.updatedAt = job.endedAt;
  return r;
}
function recordIntervention(previous, view, stored, verify, intervention, repository) {
  const r = baseRecord(previous, view, stored, verify, intervention.at);
  r.repository = repository;
  r.interventions.push({
    action: intervention.action,
    by: intervention.by,
    at: intervention.at,
    ...stored.next ? { step: stored.next } : {}
  });
  r.state = intervention.state;
  r.updatedAt = intervention.at;
  return r;
}
async function auditIntervention(port, view, stored, intervention, checks) {
  if (!stored.approval) return;
  const sha = view.pr.headSha;
  const audited = await readAuditRecord(port, checks ?? await port.listCheckRuns(sha, CHECK_VERIFY));
  const same = audited && audited.record.commit === sha && audited.record.plan.hash === view.plan.hash ? audited.record : void 0;
  const { verify } = mergeVerify(view.plan.plan.verify, view.policy);
  const record = recordIntervention(same, view, stored, verify, intervention, `${port.owner}/${port.repo}`);
  await attachAuditRecord(port, sha, record);
}
async function readAuditRecord(port, gates) {
  const newest = gates.filter((c) => c.name === CHECK_VERIFY).sort((a, b) => b.id - a.id).slice(0, GATES_READ);
  for (const check of newest) {
    const found = extractAuditRecord(await port.getCheckRunText(check.id));
    if (found.kind === "record") return { record: found.record, check };
  }
  return void 0;
}
async function attachAuditRecord(port, sha, record) {
  const gate = (await port.listCheckRuns(sha, CHECK_VERIFY)).sort((a, b) => b.id - a.id)[0];
  if (!gate) return;
  const own = withoutAudit(await port.getCheckRunText(gate.id));
  await port.updateCheckRun(gate.id, {
    title: gate.title ?? "proceed/verify",
    summary: gate.summary || gate.title || "proceed/verify",
    text: auditCheckText(record, own)
  });
}

// src/gate/deployments.ts
function isProduction(policy, environment2) {
  return policy.environments?.[environment2]?.production ?? environment2 === "production";
}
function deploymentRecorder(env, view, logUrl, approvedBy) {
  const environment2 = view.plan.plan.environment;
  if (!environment2) return void 0;
  const sha = view.pr.headSha;
  let id;
  let failed = false;
  const attempt = async (what, write) => {
    if (failed) return;
    try {
      await write();
    } catch (err) {
      failed = true;
      env.log(
        `Could not ${what} for ${environment2} at ${short(sha)}: ${err.message}. The steps go on; give the token \`deployments: write\` (the app: Deployments read and write) to record them.`
      );
    }
  };
  const status2 = (state, description) => attempt(`set the deployment ${state}`, async () => {
    if (id !== void 0) await env.port.setDeploymentStatus(id, { state, logUrl, description });
  });
  return {
    onEvent: async (event) => {
      if (event.type !== "step-started" || id !== void 0 || failed) return;
      let resumed = false;
      await attempt("create the deployment", async () => {
        const open2 = await env.port.findDeployment(sha, environment2);
        if (open2 && open2.state === "in_progress") {
          id = open2.id;
          resumed = true;
          return;
        }
        id = (await env.port.createDeployment({
          sha,
          environment: environment2,
          production: isProduction(view.policy, environment2),
          description: `${view.plan.plan.title} (#${view.pr.number}, approved by ${approvedBy ?? "someone allowed"})`
        })).id;
      });
      if (!resumed) await status2("in_progress", `Executing ${view.plan.path}`);
    },
    finish: async (report) => {
      if (id === void 0) return;
      const states = {
        verified: "success",
        failed: "failure",
        "verify-failed": "failure",
        cancelled: "inactive"
      };
      const state = states[report.outcome];
      if (state) await status2(state, report.reason ?? `The plan is ${report.outcome}`);
    }
  };
}
async function endOpenDeployment(env, view, logUrl, why) {
  const environment2 = view.plan.plan.environment;
  if (!environment2) return;
  try {
    const open2 = await env.port.findDeployment(view.pr.headSha, environment2);
    if (open2?.state === "in_progress")
      await env.port.setDeploymentStatus(open2.id, {
        state: "inactive",
        logUrl,
        description: why
      });
  } catch (err) {
    env.log(`Could not end the deployment to ${environment2}: ${err.message}.`);
  }
}
function deploymentLogUrl(env, view) {
  const holder = env.runner?.holder;
  return holder && "url" in holder && typeof holder.url === "string" ? holder.url : `${view.pr.htmlUrl}/checks`;
}

// src/gate/buttons.ts
var BUTTONS = {
  proceed: { label: "Proceed", description: "Approve and run, or resume (/proceed)", identifier: "proceed" },
  retry: { label: "Retry", description: "Run it again, then continue (/retry)", identifier: "retry" },
  cancel: { label: "Cancel", description: "Stop here; the rest is cancelled", identifier: "cancel" }
};
function buttons(env, ...commands) {
  return env.buttons ? { actions: commands.map((c) => BUTTONS[c]) } : {};
}
function liveButtons(check, checks, stored, plan) {
  const state = stored?.state ?? "proposed";
  const pending = stored?.requested?.headSha === check.headSha;
  const carries = (hosts, commands) => hosts.includes(state) ? commands.filter((c) => applies(state, c) && (c === "cancel" || !pending)) : [];
  if (check.name === CHECK_VERIFY) {
    const newest = checks.filter((c) => c.name === CHECK_VERIFY).sort((a, b) => b.id - a.id)[0];
    if (newest?.id !== check.id) return [];
    if (check.status !== "completed") return carries(["proposed", "approved"], ["proceed"]);
    return check.conclusion === "failure" ? carries(["verify-failed"], ["retry"]) : [];
  }
  const stepId = plan.stepIds.find((id) => check.externalId === stepExternalId(plan.hash, id));
  if (!stepId || stepChecks(checks, plan.hash, [stepId]).get(stepId)?.id !== check.id) return [];
  if (check.status !== "completed") return carries(["executing"], ["cancel"]);
  if (stored?.next !== stepId) return [];
  if (check.conclusion === "action_required") return carries(["paused"], ["proceed", "cancel"]);
  if (check.conclusion === "failure" || check.conclusion === "timed_out")
    return carries(["failed"], ["retry", "cancel"]);
  return [];
}
var CANCEL_REQUEST = /<!-- proceed:cancel-request by=([A-Za-z0-9-]+) -->/;
function cancelRequestComment(login) {
  return `### \u2298 Cancel requested

${codeSpan(login)} pressed **Cancel**; the running execution stops at its next check.

<!-- proceed:cancel-request by=${login} -->`;
}
function cancelRequestedBy(body) {
  return CANCEL_REQUEST.exec(body)?.[1];
}

// src/gate/lock.ts
import { z as z8 } from "zod";

// src/gate/lock-trust.ts
var CLOCK_SKEW_MS = 5 * 6e4;
function untrustedHolder(holder, now3, committers) {
  if (holder.kind === "unknown") return "its commit message is not a lock proceed wrote";
  if (committers && !sameIdentity(committers.lock, committers.ours))
    return `its commit was made by ${committers.lock.name} <${committers.lock.email}>, not by ${committers.ours.name} as proceed's locks are`;
  const ahead = (time) => time !== void 0 && Date.parse(time) - now3.getTime() > CLOCK_SKEW_MS;
  if (ahead(holder.at) || ahead(holder.beat))
    return `it claims a time still to come (${holder.beat ?? holder.at})`;
  if (holder.kind === "workflow-run" && !/^\d+$/.test(holder.id))
    return `its workflow run "${holder.id}" is not a run id GitHub could vouch for`;
  return void 0;
}
function sameIdentity(a, b) {
  return a.name.toLowerCase() === b.name.toLowerCase() && a.email.toLowerCase() === b.email.toLowerCase();
}

// src/gate/lock.ts
var LOCK_REF_PREFIX = "proceed/locks/pr-";
var MAX_ROUNDS = 5;
var MISSED_BEATS = 4;
var isoTime = z8.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO 8601 time");
var holderIdentitySchema = z8.object({
  kind: z8.enum(["workflow-run", "app"]),
  /** The workflow run's id, or the app instance's. */
  id: z8.string().min(1),
  url: z8.string().optional(),
  /** The workflow run's attempt (`GITHUB_RUN_ATTEMPT`): a later attempt means this one has ended. */
  attempt: z8.number().int().positive().optional(),
  /** The holder moves the lock on at least this often while it lives (app instances; see `beat`). */
  heartbeatMs: z8.number().int().positive().optional()
});
var lockHolderSchema = holderIdentitySchema.extend({
  /** When the lock was taken. */
  at: isoTime,
  /** The holder's last heartbeat, when it promised them. */
  beat: isoTime.optional(),
  /** The head commit being executed. */
  sha: z8.string()
});
var lockMessageSchema = z8.object({
  "proceed-lock": z8.literal(1),
  pr: z8.number().int(),
  holder: lockHolderSchema
});
async function acquireLock(port, o) {
  const now3 = o.now ?? (() => /* @__PURE__ */ new Date());
  const ref = LOCK_REF_PREFIX + String(o.number);
  const fullRef = `refs/${ref}`;
  let tree;
  const lockCommit = async (parents, taken) => {
    tree ??= await headTree(port, o.headSha, o.number);
    const { kind, id, url, attempt, heartbeatMs } = o.holder;
    const at = now3().toISOString();
    const holder = {
      kind,
      id,
      url,
      attempt,
      heartbeatMs,
      at: taken?.at ?? at,
      beat: taken ? at : void 0,
      sha: o.headSha
    };
    const message = JSON.stringify({ "proceed-lock": 1, pr: o.number, holder });
    const { sha } = await port.createCommit({ message, tree, parents });
    return { sha, holder };
  };
  const held = (mine) => {
    let current = mine.sha;
    let lost = false;
    return {
      acquired: true,
      lock: {
        ref: fullRef,
        get sha() {
          return current;
        },
        holder: mine.holder,
        beat: async () => {
          if (lost) return "lost";
          const next = await lockCommit([current], mine.holder);
          if (await port.updateRef(ref, next.sha, false) === "updated" || (await port.getRef(ref))?.sha === next.sha) {
            current = next.sha;
            return "kept";
          }
          lost = true;
          return "lost";
        },
        release: async () => {
          if (!lost && (await port.getRef(ref))?.sha === current) await port.deleteRef(ref);
        }
      }
    };
  };
  let create = true;
  let attempted;
  let ours;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (create) {
      attempted = await lockCommit([]);
      if (await port.createRef(ref, attempted.sha) === "created") return held(attempted);
    }
    const current = await port.getRef(ref);
    if (attempted && current?.sha === attempted.sha) return held(attempted);
    if (!current) {
      create = true;
      continue;
    }
    const { holder, committer } = await readHolder(port, fullRef, current.sha, o.number);
    if (attempted) ours ??= (await port.getCommit(attempted.sha))?.committer;
    const committers = ours ? { lock: committer, ours } : void 0;
    if (!await isStale(port, holder, o.maxAgeMs, now3(), committers))
      return { acquired: false, holder, ref: fullRef };
    attempted = await lockCommit([current.sha]);
    if (await port.updateRef(ref, attempted.sha, false) === "updated") return held(attempted);
    create = false;
  }
  throw new Error(
    `Could not take the lock ${fullRef} of pull request #${o.number}: it changed hands ${MAX_ROUNDS} times while we tried. Try again; if it keeps happening, look for runs competing for this pull request.`
  );
}
async function forceReleaseLock(port, number) {
  await port.deleteRef(LOCK_REF_PREFIX + String(number));
}
function describeHolder(holder, now3) {
  const age = now3.getTime() - Date.parse(holder.at);
  const when2 = age < 0 ? `taken at ${holder.at}` : age < 1e3 ? "taken just now" : `taken ${formatDuration(Math.floor(age / 1e3) * 1e3)} ago`;
  if (holder.kind === "unknown") return `an unrecognised lock (commit ${holder.id.slice(0, 7)}), ${when2}`;
  const who = holder.kind === "workflow-run" ? `workflow run ${holder.id}${holder.attempt && holder.attempt > 1 ? ` (attempt ${holder.attempt})` : ""}` : `app instance ${holder.id}`;
  let alive = "";
  if (holder.heartbeatMs) {
    const seen = Math.max(0, now3.getTime() - Date.parse(holder.beat ?? holder.at));
    const limit = MISSED_BEATS * holder.heartbeatMs;
    alive = `; last seen ${seen < 1e3 ? "just now" : `${formatDuration(Math.floor(seen / 1e3) * 1e3)} ago`}, and counted as ended once not seen for ${formatDuration(Math.max(1e3, Math.ceil(limit / 1e3) * 1e3))}`;
  }
  return `${who}${holder.url ? ` (${holder.url})` : ""}, ${when2}${holder.sha ? ` for ${holder.sha.slice(0, 7)}` : ""}${alive}`;
}
async function headTree(port, headSha, number) {
  const head = await port.getCommit(headSha);
  if (!head) {
    throw new Error(
      `Cannot take the lock of pull request #${number}: commit ${headSha} is not in ${port.owner}/${port.repo}. Push the branch again, or re-run once GitHub has the commit.`
    );
  }
  return head.tree;
}
async function readHolder(port, fullRef, sha, number) {
  const commit = await port.getCommit(sha);
  if (!commit) {
    throw new Error(
      `The lock ${fullRef} of pull request #${number} points at ${sha}, which is not a commit; nothing proceed made. Delete the ref (git push origin :${fullRef}) to free the lock.`
    );
  }
  const parsed = lockMessageSchema.safeParse(parseJson(commit.message));
  const { committer } = commit;
  if (parsed.success && parsed.data.pr === number) return { holder: parsed.data.holder, committer };
  return { holder: { kind: "unknown", id: sha, at: commit.committedAt, sha: "" }, committer };
}
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return void 0;
  }
}
async function isStale(port, holder, maxAgeMs, now3, committers) {
  if (untrustedHolder(holder, now3, committers)) return true;
  if (now3.getTime() - Date.parse(holder.at) > maxAgeMs) return true;
  if (holder.heartbeatMs && now3.getTime() - Date.parse(holder.beat ?? holder.at) > MISSED_BEATS * holder.heartbeatMs)
    return true;
  if (holder.kind !== "workflow-run" || !/^\d+$/.test(holder.id)) return false;
  let run;
  try {
    run = await port.getWorkflowRun(Number(holder.id));
  } catch {
    return false;
  }
  if (!run) return true;
  if (run.status === "completed") return true;
  return holder.attempt !== void 0 && run.attempt > holder.attempt;
}

// src/gate/lock-session.ts
var JOB_LIMIT_MS = 6 * 60 * 60 * 1e3;
async function withPlanLock(env, view, holder, maxAgeMs, refused, body) {
  const lock = await acquireLock(env.port, {
    number: view.pr.number,
    headSha: view.pr.headSha,
    holder,
    maxAgeMs
  });
  if (!lock.acquired) return refused(describeHolder(lock.holder, env.now?.() ?? /* @__PURE__ */ new Date()));
  const lost = new AbortController();
  const heartbeat = holder.heartbeatMs ? startHeartbeat(env, lock.lock, holder.heartbeatMs, lost) : void 0;
  try {
    return await body(lost.signal);
  } finally {
    await heartbeat?.stop();
    await lock.lock.release();
  }
}
function startHeartbeat(env, lock, intervalMs, lost) {
  let beating = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(async () => {
      if (lost.signal.aborted) return;
      try {
        if (await lock.beat() === "lost") {
          clearInterval(timer);
          lost.abort(`the lock ${lock.ref} was taken over`);
        }
      } catch (err) {
        env.log(`Could not renew the lock ${lock.ref}: ${err.message}`);
      }
    });
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await beating;
    }
  };
}
function lockMaxAgeMs(plan) {
  const total = plan.steps.reduce((sum, s) => sum + (s.timeout ? parseDuration(s.timeout) : JOB_LIMIT_MS), 0);
  return Math.min(total, JOB_LIMIT_MS) + 10 * 60 * 1e3;
}

// src/render/problem.ts
var HOW = "\n\n---\nPush a fix; the review is updated in place. `/help` lists the commands.";
function renderPlanProblem(problem, maxLength = DEFAULT_MAX_LENGTH) {
  let body;
  switch (problem.kind) {
    case "invalid":
      body = `## \u26D4 The plan ${codeSpan(problem.path)} is invalid

Nothing can be approved until it validates. ${problem.errors.length} error(s), also annotated on the file in the \`proceed/plan\` check:

` + diagnosticList(problem.errors) + `

Run \`npx proceed validate ${problem.path.replace(/[`\s]/g, "")}\` locally to check it before pushing.`;
      break;
    case "many":
      body = `## \u26D4 More than one plan

One plan per pull request: this one changes ${problem.paths.length} plan files. Keep one and move the others to their own pull requests:

` + problem.paths.map((p) => `- ${codeSpan(p)}`).join("\n");
      break;
    case "removed":
      body = `## The plan ${codeSpan(problem.path)} is no longer in this pull request

There is nothing to approve or run; \`proceed/verify\` passes.`;
      break;
  }
  return body.length + HOW.length <= maxLength ? body + HOW : fitByCutting(body, maxLength, HOW, "see the `proceed/plan` check");
}
var DIAGNOSTIC_CHARS = 500;
var DIAGNOSTIC_LIST_CHARS = 5e4;
function diagnosticList(diagnostics) {
  const lines = [];
  let size = 0;
  for (const [i, d] of diagnostics.entries()) {
    const { text, omitted } = clip(formatDiagnostic(d), DIAGNOSTIC_CHARS);
    const line = `- ${codeSpan(omitted ? `${text}\u2026` : text)}`;
    if (size + line.length > DIAGNOSTIC_LIST_CHARS) {
      lines.push(
        `- \u2026 and ${diagnostics.length - i} more; run \`npx proceed validate\` on the plan to see them all.`
      );
      break;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n");
}

// src/plan/checkpoints.ts
function stopsBefore(plan, index) {
  const step = plan.steps[index];
  if (!step) return false;
  return !!step.checkpoint || plan.config.checkpoint_between_steps && index > 0;
}
function checkpointIndexes(plan) {
  return plan.steps.flatMap((_, i) => stopsBefore(plan, i) ? [i] : []);
}

// src/render/plan-summary.ts
function stepEstimateMs(step) {
  return step.estimate === void 0 ? void 0 : parseDuration(step.estimate);
}
function summarizeEstimate(plan) {
  const estimates = plan.steps.map(stepEstimateMs).filter((ms) => ms !== void 0);
  const sum = estimates.length > 0 ? estimates.reduce((a, b) => a + b, 0) : void 0;
  return {
    totalMs: plan.estimate !== void 0 ? parseDuration(plan.estimate) : sum,
    fromPlan: plan.estimate !== void 0,
    estimatedSteps: estimates.length,
    steps: plan.steps.length
  };
}
function describeEstimate(summary) {
  const { totalMs, fromPlan, estimatedSteps, steps } = summary;
  if (totalMs !== void 0 && (fromPlan || estimatedSteps === steps)) return formatDuration(totalMs);
  if (totalMs === void 0)
    return steps === 1 ? "none (the step has no estimate)" : "none (no step has an estimate)";
  const coverage = `${estimatedSteps} of ${steps} steps ${estimatedSteps === 1 ? "has an estimate" : "have estimates"}`;
  return `at least ${formatDuration(totalMs)} (${coverage})`;
}
function estimatedAside(summary) {
  return summary.totalMs === void 0 ? "no estimate" : `estimated ${describeEstimate(summary)}`;
}
function latestStepResults(plan, results) {
  const ids = new Set(plan.steps.map((s) => s.id));
  const latest2 = /* @__PURE__ */ new Map();
  for (const result2 of results) {
    if (!ids.has(result2.id)) continue;
    const previous = latest2.get(result2.id);
    latest2.set(result2.id, { result: result2, attempts: (previous?.attempts ?? 0) + 1 });
  }
  return latest2;
}
function rollbackResults(results) {
  return results.filter((r) => r.id.startsWith("rollback:"));
}
function reportOutcome(plan, results, verify) {
  const latest2 = latestStepResults(plan, results);
  const statuses = plan.steps.map((s) => latest2.get(s.id)?.result.status);
  if (statuses.some((s) => s === "failure" || s === "timed-out")) return "failed";
  if (statuses.includes("cancelled") || verify?.status === "cancelled") return "cancelled";
  if (statuses.includes(void 0) || verify === void 0) return "paused";
  return verify.status === "success" ? "verified" : "verify-failed";
}
function formatDelta(actualMs, estimateMs) {
  const delta = actualMs - estimateMs;
  if (Math.abs(delta) < 500) return "\xB10s";
  return `${delta > 0 ? "+" : "\u2212"}${formatDuration(Math.abs(delta))}`;
}

// src/render/status.ts
var STEP_STATUS_ICON = {
  pending: "\u26AA",
  running: "\u{1F504}",
  success: "\u2705",
  failure: "\u274C",
  "timed-out": "\u231B",
  skipped: "\u23ED\uFE0F",
  cancelled: "\u{1F6AB}",
  waiting: "\u23F8\uFE0F"
};
var STEP_STATUS_TEXT = {
  pending: "Pending",
  running: "Running",
  success: "Success",
  failure: "Failed",
  "timed-out": "Timed out",
  skipped: "Skipped",
  cancelled: "Cancelled",
  waiting: "Waiting at checkpoint"
};
function stepStatusLabel(status2) {
  return `${STEP_STATUS_ICON[status2]} ${STEP_STATUS_TEXT[status2]}`;
}
var STATE_LABEL = {
  proposed: "\u23F3 Awaiting approval",
  approved: "\u{1F44D} Approved",
  executing: "\u{1F504} Executing",
  paused: "\u23F8\uFE0F Paused at a checkpoint",
  failed: "\u274C Failed",
  cancelled: "\u{1F6AB} Cancelled",
  verifying: "\u{1F50D} Verifying",
  verified: "\u2705 Verified",
  "verify-failed": "\u274C Verification failed"
};
var OUTCOME_LABEL = {
  verified: "\u2705 Verified",
  "verify-failed": "\u274C Verification failed",
  failed: "\u274C Failed",
  paused: "\u23F8\uFE0F Paused",
  cancelled: "\u{1F6AB} Cancelled"
};

// src/render/diagram.ts
var MERMAID_ENTITY = {
  '"': "#quot;",
  "#": "#35;",
  "%": "#37;",
  "&": "#38;",
  ";": "#59;",
  "<": "#60;",
  ">": "#62;",
  "`": "#96;"
};
function mermaidLabel(text) {
  return neutralizeMentions(
    revealInvisible(singleLine(text)).replace(/["#%&;<>`]/g, (c) => MERMAID_ENTITY[c] ?? c)
  );
}
var STATUS_CLASS = {
  pending: void 0,
  running: { name: "running", style: "fill:#ddf4ff,stroke:#0969da,color:#1f2328" },
  success: { name: "success", style: "fill:#dafbe1,stroke:#1a7f37,color:#1f2328" },
  failure: { name: "failure", style: "fill:#ffebe9,stroke:#cf222e,color:#1f2328" },
  "timed-out": { name: "timedout", style: "fill:#ffebe9,stroke:#cf222e,color:#1f2328" },
  skipped: { name: "skipped", style: "fill:#f6f8fa,stroke:#8c959f,color:#59636e" },
  cancelled: { name: "cancelled", style: "fill:#f6f8fa,stroke:#8c959f,color:#59636e" },
  waiting: { name: "waiting", style: "fill:#fff8c5,stroke:#9a6700,color:#1f2328" }
};
var CHECKPOINT_CLASS = { name: "checkpoint", style: "fill:#fff8c5,stroke:#9a6700,color:#1f2328" };
function renderFlowDiagram(plan, opts = {}) {
  const {
    statuses = {},
    verifyStatus = "pending",
    showEstimates = true,
    verifyNames = [],
    maxLabel = 60
  } = opts;
  const nodes = ['  approval(["\u{1F44D} Approval"])'];
  const edges = [];
  const classes = /* @__PURE__ */ new Map();
  const addClass = (cls, node) => {
    const entry = classes.get(cls.name) ?? { style: cls.style, nodes: [] };
    entry.nodes.push(node);
    classes.set(cls.name, entry);
  };
  let previous = "approval";
  plan.steps.forEach((step, i) => {
    const node = `s${i + 1}`;
    const checkpoint = stopsBefore(plan, i);
    const status2 = statuses[step.id] ?? "pending";
    const icon = status2 === "pending" ? checkpoint ? "\u23F8\uFE0F " : "" : `${STEP_STATUS_ICON[status2]} `;
    const estimateMs = stepEstimateMs(step);
    const estimate = showEstimates && estimateMs !== void 0 ? `<br/>~${formatDuration(estimateMs)}` : "";
    const label = `${icon}${i + 1}. ${mermaidLabel(truncate(step.name, maxLabel, { compact: true }))}${estimate}`;
    nodes.push(checkpoint ? `  ${node}{{"${label}"}}` : `  ${node}["${label}"]`);
    edges.push(checkpoint ? `  ${previous} -->|"\u23F8\uFE0F checkpoint"| ${node}` : `  ${previous} --> ${node}`);
    const statusClass = STATUS_CLASS[status2];
    if (statusClass) addClass(statusClass, node);
    else if (checkpoint) addClass(CHECKPOINT_CLASS, node);
    previous = node;
  });
  const shown = verifyNames.slice(0, 6).map((name) => mermaidLabel(truncate(name, 30, { compact: true })));
  if (verifyNames.length > shown.length) shown.push(`+${verifyNames.length - shown.length} more`);
  const checks = shown.length > 0 ? `<br/>${shown.join(" \xB7 ")}` : "";
  const verifyIcon = verifyStatus === "pending" ? "\u{1F50D}" : STEP_STATUS_ICON[verifyStatus];
  nodes.push(`  verify{"${verifyIcon} proceed/verify${checks}"}`, '  merge(["\u2705 Ready to merge"])');
  edges.push(`  ${previous} --> verify`, "  verify --> merge");
  const verifyClass = STATUS_CLASS[verifyStatus];
  if (verifyClass) addClass(verifyClass, "verify");
  const styling = [...classes].flatMap(([name, { style, nodes: members }]) => [
    `  classDef ${name} ${style}`,
    `  class ${members.join(",")} ${name}`
  ]);
  return fencedBlock(["flowchart TD", ...nodes, ...edges, ...styling].join("\n"), "mermaid");
}

// src/render/review.ts
var FULL = {
  text: Infinity,
  command: Infinity,
  itemText: Infinity,
  items: Infinity,
  name: Infinity,
  details: true,
  diagram: true,
  essentials: false,
  rows: Infinity
};
var ESSENTIALS = {
  ...FULL,
  text: 0,
  command: 0,
  itemText: 0,
  items: 0,
  name: 40,
  details: false,
  diagram: false,
  essentials: true
};
var REVIEW_BUDGETS = [
  FULL,
  { ...FULL, text: 4e3, command: 6e3, itemText: 1e3, items: 200 },
  { ...FULL, text: 2e3, command: 3e3, itemText: 500, items: 100 },
  { ...FULL, text: 1e3, command: 1500, itemText: 300, items: 50 },
  { ...FULL, text: 500, command: 700, itemText: 200, items: 30 },
  { ...FULL, text: 250, command: 300, itemText: 150, items: 20, name: 120, diagram: false },
  { ...FULL, text: 120, command: 150, itemText: 100, items: 10, name: 80, diagram: false },
  { ...FULL, text: 300, command: 80, itemText: 100, items: 10, name: 60, details: false, diagram: false },
  { ...FULL, text: 0, command: 60, itemText: 60, items: 5, name: 40, details: false, diagram: false },
  ESSENTIALS,
  { ...ESSENTIALS, name: 20 }
];
var SHELL_LANGUAGE = {
  bash: "bash",
  sh: "sh",
  pwsh: "powershell",
  python: "python"
};
function renderReview(plan, opts) {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  for (const budget of REVIEW_BUDGETS) {
    if (certainlyLonger(plan, budget, maxLength)) continue;
    const body = composeReview(plan, opts, budget);
    if (body.length <= maxLength) return body;
  }
  const smallest = REVIEW_BUDGETS[REVIEW_BUDGETS.length - 1];
  let low = 1;
  let high = plan.steps.length - 1;
  let best;
  while (low <= high) {
    const rows = Math.floor((low + high) / 2);
    const body = composeReview(plan, opts, { ...smallest, rows });
    if (body.length <= maxLength) {
      best = body;
      low = rows + 1;
    } else high = rows - 1;
  }
  if (best !== void 0) return best;
  const howTo = `${howToProceed(plan, opts, smallest)}
`;
  return fitByCutting(composeReview(plan, opts, { ...smallest, rows: 1 }), maxLength, howTo);
}
function certainlyLonger(plan, budget, max) {
  if (budget.essentials || max === Infinity) return false;
  let total = 0;
  const over = (n) => (total += n) > max;
  const prose = (text, limit) => text !== void 0 && limit > 0 && over(escapedLengthAtLeast(clip(text, limit).text, max - total));
  const code = (text, shell) => text !== void 0 && over(fencedLengthAtLeast(clip(text, budget.command).text, SHELL_LANGUAGE[shell], max - total));
  const items = (list) => (list ?? []).slice(0, budget.items).some((item) => over(2) || prose(item, budget.itemText));
  if (prose(plan.description, budget.text) || items(plan.requirements) || items(plan.risks)) return true;
  if (!budget.details) return false;
  return plan.steps.some(
    (step) => over(DETAILS_MARKUP) || prose(step.description, budget.text) || code(step.run, step.shell) || code(step.rollback, step.shell)
  );
}
var DETAILS_MARKUP = "<details>\n<summary><b></b><code>proceed/</code></summary></details>".length;
var SHORTENED = "Long text in this plan was shortened to fit GitHub\u2019s comment size limit; the plan file has it in full.";
var ESSENTIALS_ONLY = "This plan is too long for a GitHub comment, so only its steps are shown here; the plan file has the rest.";
function composeReview(plan, opts, budget) {
  const showEstimates = plan.config.show_estimated_time;
  const full = !budget.essentials;
  const sections = [
    header(plan, opts),
    opts.notice ? alert("IMPORTANT", opts.notice) : "",
    opts.delta ?? "",
    budget !== FULL ? alert("NOTE", budget.essentials ? ESSENTIALS_ONLY : SHORTENED) : "",
    full && plan.description && budget.text > 0 ? plainMarkdown(truncate(plan.description, budget.text)) : "",
    full && plan.requirements?.length ? `### \u{1F4DD} Requirements

${bulletList(plan.requirements, budget)}` : "",
    stepsSection(plan, opts, budget),
    full && budget.diagram ? `### \u{1F5FA}\uFE0F Flow

${renderFlowDiagram(plan, diagramOptions(plan, opts))}` : "",
    full ? verifySection(plan, opts, budget) : "",
    full ? approvalSection(plan, opts, budget, showEstimates) : "",
    howToProceed(plan, opts, budget)
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}
`;
}
function header(plan, opts) {
  const estimate = plan.config.show_estimated_time ? ` \xB7 \u23F1\uFE0F ${describeEstimate(summarizeEstimate(plan))}` : "";
  const count = `${plan.steps.length} ${plan.steps.length === 1 ? "step" : "steps"}`;
  const lines = [
    `## \u{1F4CB} ${escapeInline(plan.title)}`,
    "",
    `**${STATE_LABEL[opts.state]}** \xB7 ${codeSpan(opts.planPath)} \xB7 ${count}${estimate}`
  ];
  if (opts.approval) {
    lines.push(
      "",
      `Approved by **${escapeInline(`@${opts.approval.by}`)}** on ${codeSpan(opts.approval.sha.slice(0, 7))}`
    );
  }
  return lines.join("\n");
}
function bulletList(items, budget) {
  const shown = items.slice(0, budget.items).map((item) => {
    const [first = "", ...rest] = plainMarkdown(truncate(item, budget.itemText)).split("\n");
    return [`- ${first}`, ...rest.map((line) => line === "" ? "" : `  ${line}`)].join("\n");
  });
  if (items.length > shown.length) shown.push(`- ${omissionNote(items.length - shown.length, "items")}`);
  return shown.join("\n");
}
function stepsSection(plan, opts, budget) {
  const rows = Math.min(budget.rows, plan.steps.length);
  const showEstimates = plan.config.show_estimated_time;
  const progress = opts.steps !== void 0;
  const columns = [
    "#",
    "Step",
    ...showEstimates ? ["Estimate"] : [],
    ...progress ? ["Actual"] : [],
    "Checkpoint",
    "Status"
  ];
  const align = columns.map(
    (c) => c === "#" || c === "Estimate" || c === "Actual" ? "right" : c === "Checkpoint" ? "center" : "left"
  );
  const body = plan.steps.slice(0, rows).map((step, i) => {
    const state = opts.steps?.[step.id];
    const estimateMs = stepEstimateMs(step);
    return [
      String(i + 1),
      escapeInline(truncate(step.name, budget.name, { compact: true })),
      ...showEstimates ? [estimateMs === void 0 ? "\u2014" : formatDuration(estimateMs)] : [],
      ...progress ? [state?.durationMs === void 0 ? "\u2014" : formatDuration(state.durationMs)] : [],
      stopsBefore(plan, i) ? "\u23F8\uFE0F" : "",
      stepStatusLabel(state?.status ?? "pending")
    ];
  });
  const parts = [`### \u{1FA9C} Steps`, table(columns, align, body)];
  if (rows < plan.steps.length) parts.push(omissionNote(plan.steps.length - rows, "steps"));
  const totals = [];
  if (showEstimates) totals.push(`\u23F1\uFE0F **Estimated time:** ${describeEstimate(summarizeEstimate(plan))}`);
  if (progress) {
    const elapsed = Object.values(opts.steps ?? {}).reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    totals.push(`**Elapsed:** ${formatDuration(elapsed)}`);
  }
  if (totals.length) parts.push(totals.join(" \xB7 "));
  if (budget.details)
    parts.push(plan.steps.map((step, i) => stepDetails(step, i, plan, budget)).join("\n\n"));
  else if (!budget.essentials) {
    parts.push("_Commands are not shown here to fit GitHub\u2019s comment size limit; see the plan file._");
  }
  return parts.join("\n\n");
}
function stepDetails(step, index, plan, budget) {
  const summary = [`<b>${index + 1}. ${escapeHtml(truncate(step.name, budget.name, { compact: true }))}</b>`];
  if (stopsBefore(plan, index)) summary.push("\u23F8\uFE0F checkpoint");
  summary.push(`<code>proceed/${escapeHtml(step.id)}</code>`);
  const parts = [`<details>
<summary>${summary.join(" \xB7 ")}</summary>`];
  if (step.description && budget.text > 0) parts.push(plainMarkdown(truncate(step.description, budget.text)));
  parts.push(step.run === void 0 ? "_No command._" : command(step.run, step.shell, budget));
  const facts = [];
  if (step.shell !== "bash") facts.push(`**Shell:** ${step.shell}`);
  if (step["working-directory"] !== void 0) {
    facts.push(
      `**Working directory:** ${codeSpan(truncate(step["working-directory"], budget.itemText, { compact: true }))}`
    );
  }
  if (step.timeout !== void 0) facts.push(`**Timeout:** ${step.timeout}`);
  if (facts.length) parts.push(facts.join(" \xB7 "));
  if (step.env && Object.keys(step.env).length > 0)
    parts.push(`**Environment**

${environment(step.env, budget)}`);
  if (step.rollback !== void 0)
    parts.push(`**Rollback** (run by \`/rollback\`)

${command(step.rollback, step.shell, budget)}`);
  parts.push("</details>");
  return parts.join("\n\n");
}
function command(run, shell, budget) {
  const { text, omitted } = clip(run, budget.command);
  const block = fencedBlock(omitted ? `${text}\u2026` : text, SHELL_LANGUAGE[shell]);
  return omitted ? `${block}

_${omissionNote(omitted)}_` : block;
}
function environment(env, budget) {
  const entries = Object.entries(env);
  const lines = entries.slice(0, budget.items).map(([key, value2]) => `${key}=${truncate(String(value2), budget.itemText, { compact: true })}`);
  if (entries.length > lines.length)
    lines.push(`# ${omissionNote(entries.length - lines.length, "variables")}`);
  return fencedBlock(lines.join("\n"), "sh");
}
function verifyRows(plan, opts) {
  const fromPlan = Object.entries(plan.verify ?? {}).map(
    ([name, v]) => typeof v === "string" ? { name, run: v, shell: "bash", source: "plan" } : {
      name,
      run: v.run,
      shell: v.shell,
      timeout: v.timeout,
      workingDirectory: v["working-directory"],
      source: "plan"
    }
  );
  const fromPolicy = Object.entries(opts.verifyExtra ?? {}).map(([name, run]) => ({
    name,
    run,
    shell: "bash",
    source: "policy"
  }));
  const same = (a, b) => a.name === b.name && a.run === b.run && a.shell === b.shell && !b.workingDirectory && !b.timeout;
  return [
    ...fromPolicy.map((p) => fromPlan.some((q) => same(p, q)) ? { ...p, source: "both" } : p),
    ...fromPlan.filter((q) => !fromPolicy.some((p) => same(p, q)))
  ];
}
var VERIFY_STATUS = {
  verifying: "running",
  verified: "success",
  "verify-failed": "failure"
};
function diagramOptions(plan, opts) {
  const statuses = Object.fromEntries(Object.entries(opts.steps ?? {}).map(([id, s]) => [id, s.status]));
  return {
    statuses,
    verifyStatus: VERIFY_STATUS[opts.state],
    showEstimates: plan.config.show_estimated_time,
    verifyNames: [...new Set(verifyRows(plan, opts).map((r) => r.name))]
  };
}
var INLINE_COMMAND = 100;
function verifySection(plan, opts, budget) {
  const rows = verifyRows(plan, opts);
  const intro = "Runs after the last step, on the same commit. The `proceed/verify` check, which branch protection requires, passes only when every step and every check here passed.";
  if (rows.length === 0) {
    return `### \u{1F50D} Verify

${intro}

\u26A0\uFE0F No checks: neither the plan nor the repository policy defines a verification.`;
  }
  const shown = rows.slice(0, budget.items);
  const long = [];
  const cells = shown.map((row) => {
    const multiline = row.run.includes("\n") || row.run.length > INLINE_COMMAND;
    let cell2;
    if (!multiline) cell2 = codeSpan(row.run, { inTable: true });
    else if (budget.details) {
      cell2 = "see below";
      long.push(
        `<details>
<summary><b>${escapeHtml(row.name)}</b></summary>

${command(row.run, row.shell, budget)}

</details>`
      );
    } else
      cell2 = codeSpan(truncate(row.run, Math.min(budget.command, INLINE_COMMAND), { compact: true }), {
        inTable: true
      });
    const notes = [
      row.workingDirectory !== void 0 ? `in ${codeSpan(truncate(row.workingDirectory, 60, { compact: true }), { inTable: true })}` : "",
      row.timeout !== void 0 ? `timeout ${row.timeout}` : "",
      row.shell !== "bash" ? row.shell : ""
    ].filter((n) => n !== "");
    return [
      `**${escapeInline(truncate(row.name, 60, { compact: true }))}**`,
      notes.length ? `${cell2} \xB7 ${notes.join(" \xB7 ")}` : cell2,
      { plan: "plan", policy: "repository policy", both: "plan, repository policy" }[row.source]
    ];
  });
  const parts = [
    `### \u{1F50D} Verify`,
    intro,
    table(["Check", "Command", "From"], ["left", "left", "left"], cells)
  ];
  if (rows.length > shown.length) parts.push(omissionNote(rows.length - shown.length, "checks"));
  if (long.length) parts.push(long.join("\n\n"));
  return parts.join("\n\n");
}
function approvalSection(plan, opts, budget, showEstimates) {
  const risks = plan.risks?.length ? bulletList(plan.risks, budget) : "";
  if (opts.state !== "proposed") return risks ? `### \u26A0\uFE0F Risks

${risks}` : "";
  const checks = verifyRows(plan, opts).length;
  const sentences = [
    `This plan runs **${formatCount(plan.steps.length)} ${plan.steps.length === 1 ? "step" : "steps"}** in order`,
    checks > 0 ? `, then **${formatCount(checks)} ${checks === 1 ? "check" : "checks"}** in the verify phase.` : "."
  ];
  if (showEstimates) sentences.push(` Estimated time: **${describeEstimate(summarizeEstimate(plan))}**.`);
  const parts = [
    sentences.join(""),
    risks ? `**Risks**

${risks}` : "",
    "**Proceed with execution?**"
  ].filter((p) => p !== "");
  return `### \u{1F64B} Approval requested

${blockquote(parts.join("\n\n"))}`;
}
function stepRef(plan, index, budget) {
  const step = plan.steps[index];
  return step ? `step ${index + 1} (**${escapeInline(truncate(step.name, Math.min(budget.name, 60), { compact: true }))}**)` : `step ${index + 1}`;
}
function checkpointSentence(plan, budget, from = 0) {
  const stops = checkpointIndexes(plan).filter((i) => i >= from);
  if (stops.length === 0) return "";
  if (plan.config.checkpoint_between_steps && from <= 1) {
    return "It stops before every step after the first and waits for `/proceed` again.";
  }
  const refs = stops.slice(0, 5).map((i) => stepRef(plan, i, budget));
  if (stops.length > refs.length) refs.push(`${stops.length - refs.length} more`);
  const list = refs.length === 1 ? refs[0] : `${refs.slice(0, -1).join(", ")} and ${refs[refs.length - 1]}`;
  return `It stops before ${list} and waits for \`/proceed\` again.`;
}
function howToProceed(plan, opts, budget) {
  const lines = [];
  const commands = offered(opts.state, {
    skip: plan.config.allow_skip,
    rollback: plan.steps.some((s) => s.rollback !== void 0)
  });
  const has = (command2) => commands.includes(command2);
  const rollback = has("rollback") ? " `/rollback` runs the rollback commands of completed steps, newest first." : "";
  const statusIndex = (wanted) => plan.steps.findIndex((s) => {
    const status2 = opts.steps?.[s.id]?.status;
    return status2 !== void 0 && wanted.includes(status2);
  });
  switch (opts.state) {
    case "proposed": {
      if (has("proceed"))
        lines.push(
          "- \u2705 **Approve** this pull request, or comment `/proceed`, to run the plan on this commit. Only people the repository policy allows can start it."
        );
      const stops = checkpointSentence(plan, budget);
      if (stops) lines.push(`- \u23F8\uFE0F ${stops}`);
      break;
    }
    case "approved":
    case "executing":
    case "verifying": {
      lines.push(
        `- \u{1F504} The plan is running.${has("cancel") ? " Comment `/cancel` to stop it; steps not run yet are marked cancelled." : ""}`
      );
      const running = statusIndex(["running"]);
      const stops = checkpointSentence(plan, budget, running >= 0 ? running + 1 : 0);
      if (stops && opts.state !== "verifying") lines.push(`- \u23F8\uFE0F ${stops}`);
      break;
    }
    case "paused": {
      const waiting = statusIndex(["waiting"]);
      const at = waiting >= 0 ? ` before ${stepRef(plan, waiting, budget)}` : "";
      const ways2 = [
        ...has("proceed") ? ["`/proceed` to continue"] : [],
        ...has("cancel") ? ["`/cancel` to stop"] : []
      ];
      lines.push(`- \u23F8\uFE0F Paused at a checkpoint${at}.${ways2.length ? ` Comment ${ways2.join(" or ")}.` : ""}`);
      if (has("skip")) lines.push("- \u23ED\uFE0F Comment `/skip` to skip this step and continue with the next.");
      break;
    }
    case "failed": {
      const failed = statusIndex(["failure", "timed-out"]);
      const which = failed >= 0 ? stepRef(plan, failed, budget) : "the failed step";
      if (has("retry")) lines.push(`- \u{1F501} Comment \`/retry\` to run ${which} again and continue.`);
      if (has("skip")) lines.push("- \u23ED\uFE0F Comment `/skip` to skip it and continue with the next step.");
      if (has("cancel")) lines.push(`- \u{1F6AB} Comment \`/cancel\` to stop here.${rollback}`);
      else if (rollback) lines.push(`-${rollback}`);
      break;
    }
    case "cancelled":
      lines.push(`- \u{1F6AB} Execution was cancelled; steps that had not run are marked cancelled.${rollback}`);
      if (has("proceed"))
        lines.push("- \u25B6\uFE0F Comment `/proceed` to resume from the first step that did not succeed.");
      break;
    case "verified":
      lines.push(
        `- \u2705 Every step and every check passed on this commit; \`proceed/verify\` is green and the pull request can merge.${rollback}`
      );
      break;
    case "verify-failed":
      lines.push(
        `- \u274C A check of the verify phase failed, so \`proceed/verify\` blocks the merge. Push a fix; the plan is rendered again for the new commit.${rollback}`
      );
      if (has("retry")) lines.push("- \u{1F501} Comment `/retry` to run the verify phase again.");
      break;
  }
  lines.push("- \u{1F4AC} `/plan` renders this plan again; `/help` lists the commands and who may use them.");
  return `### \u25B6\uFE0F How to proceed

${lines.join("\n")}`;
}

// src/plan/delta.ts
var STEP_FIELDS = [
  "name",
  "run",
  "shell",
  "working-directory",
  "env",
  "timeout",
  "checkpoint",
  "rollback",
  "estimate",
  "description"
];
function asText(value2) {
  if (value2 === void 0) return void 0;
  if (typeof value2 === "string") return value2;
  if (Array.isArray(value2))
    return value2.map((v) => typeof v === "string" ? v : JSON.stringify(v)).join("\n");
  if (typeof value2 === "object" && value2 !== null) {
    const sorted = Object.fromEntries(Object.entries(value2).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
    return Object.entries(sorted).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join("\n");
  }
  return String(value2);
}
function compare(fields, before, after) {
  const out = [];
  for (const field of fields) {
    const a = asText(before[field]);
    const b = asText(after[field]);
    if (a === b) continue;
    out.push({ field, ...a !== void 0 ? { before: a } : {}, ...b !== void 0 ? { after: b } : {} });
  }
  return out;
}
function verification(v) {
  return typeof v === "string" ? { run: v, shell: "bash" } : v;
}
function keptInOrder(a, b) {
  const len = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      len[i][j] = a[i] === b[j] ? len[i + 1][j + 1] + 1 : Math.max(len[i + 1][j], len[i][j + 1]);
  const kept = /* @__PURE__ */ new Set();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      kept.add(a[i]);
      i++;
      j++;
    } else if (len[i + 1][j] >= len[i][j + 1]) i++;
    else j++;
  }
  return kept;
}
function diffPlans(before, after) {
  const oldIds = before.steps.map((s) => s.id);
  const newIds = after.steps.map((s) => s.id);
  const oldById = new Map(before.steps.map((s, i) => [s.id, { step: s, position: i + 1 }]));
  const newById = new Map(after.steps.map((s, i) => [s.id, { step: s, position: i + 1 }]));
  const added = after.steps.map((s, i) => ({ id: s.id, name: s.name, position: i + 1 })).filter((s) => !oldById.has(s.id));
  const removed = before.steps.map((s, i) => ({ id: s.id, name: s.name, position: i + 1 })).filter((s) => !newById.has(s.id));
  const common = newIds.filter((id) => oldById.has(id));
  const kept = keptInOrder(
    oldIds.filter((id) => newById.has(id)),
    common
  );
  const moved = common.filter((id) => !kept.has(id)).map((id) => ({
    id,
    name: newById.get(id).step.name,
    from: oldById.get(id).position,
    to: newById.get(id).position
  }));
  const changed = [];
  for (const id of common) {
    const now3 = newById.get(id);
    const changes = compare(STEP_FIELDS, oldById.get(id).step, now3.step);
    if (changes.length) changed.push({ id, name: now3.step.name, position: now3.position, changes });
  }
  const oldVerify = before.verify ?? {};
  const newVerify = after.verify ?? {};
  const verify = {
    added: Object.keys(newVerify).filter((k) => !Object.hasOwn(oldVerify, k)),
    removed: Object.keys(oldVerify).filter((k) => !Object.hasOwn(newVerify, k)),
    changed: []
  };
  for (const name of Object.keys(newVerify)) {
    if (!Object.hasOwn(oldVerify, name)) continue;
    const a = verification(oldVerify[name]);
    const b = verification(newVerify[name]);
    const changes = compare(["run", "shell", "working-directory", "env", "timeout"], a, b);
    if (changes.length) verify.changed.push({ name, changes });
  }
  const planFields = compare(
    ["title", "environment", "estimate", "risks", "requirements", "description"],
    before,
    after
  );
  const configFields = compare(
    Object.keys({ ...before.config, ...after.config }),
    before.config,
    after.config
  ).map((c) => ({ ...c, field: `config.${c.field}` }));
  return { added, removed, moved, changed, verify, plan: [...planFields, ...configFields] };
}
function isEmptyDelta(d) {
  return !d.added.length && !d.removed.length && !d.moved.length && !d.changed.length && !d.verify.added.length && !d.verify.removed.length && !d.verify.changed.length && !d.plan.length;
}
var MAX_DIFF_CELLS = 25e4;
function diffLines(before, after) {
  const a = before.replace(/\n$/, "").split("\n");
  const b = after.replace(/\n$/, "").split("\n");
  if (a.length * b.length > MAX_DIFF_CELLS)
    return [
      ...a.map((text) => ({ kind: "-", text })),
      ...b.map((text) => ({ kind: "+", text }))
    ];
  const len = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i2 = a.length - 1; i2 >= 0; i2--)
    for (let j2 = b.length - 1; j2 >= 0; j2--)
      len[i2][j2] = a[i2] === b[j2] ? len[i2 + 1][j2 + 1] + 1 : Math.max(len[i2 + 1][j2], len[i2][j2 + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: " ", text: a[i] });
      i++;
      j++;
    } else if (len[i + 1][j] >= len[i][j + 1]) out.push({ kind: "-", text: a[i++] });
    else out.push({ kind: "+", text: b[j++] });
  }
  while (i < a.length) out.push({ kind: "-", text: a[i++] });
  while (j < b.length) out.push({ kind: "+", text: b[j++] });
  return out;
}

// src/render/delta.ts
var DIFF_LINES = 40;
var CONTEXT = 2;
var INLINE = 80;
var DELTA_MAX_LENGTH = 12e3;
var LABEL = { run: "command", rollback: "rollback command" };
function renderPlanDelta(delta, opts) {
  const max = opts.maxLength ?? DELTA_MAX_LENGTH;
  const commit = codeSpan(opts.sha.slice(0, 7));
  const heading = `### \u{1F500} Changed since the plan you may have approved (commit ${commit})`;
  if (!delta) {
    return `${heading}

The plan changed since ${commit}, but the plan rendered then could not be read back (the commit may have been force-pushed away), so the change cannot be shown: review the whole plan below.`;
  }
  if (isEmptyDelta(delta)) {
    return `${heading}

The plan file changed since ${commit}, but no step, command or setting did (only its formatting or comments).`;
  }
  const intro = "A push changed the plan: an approval of the earlier plan no longer counts. Review these changes, then approve again.";
  const compose = (items2) => `${heading}

${intro}

${items2.join("\n")}`;
  const full = compose(deltaItems(delta, true));
  if (full.length <= max) return full;
  const items = deltaItems(delta, false);
  const named = compose(items);
  if (named.length <= max) return named;
  const kept = [];
  let length = heading.length + intro.length + 120;
  for (const item of items) {
    if (length + item.length + 1 > max) break;
    kept.push(item);
    length += item.length + 1;
  }
  return compose([
    ...kept,
    `- \u2026 ${items.length - kept.length} more change(s): compare the plan file with ${commit}.`
  ]);
}
function stepLabel(id, name) {
  return `${codeSpan(id)} (${escapeInline(truncate(name, 80, { compact: true }))})`;
}
function deltaItems(d, diffs) {
  const items = [];
  for (const s of d.added) items.push(`- \u2795 Step ${s.position} ${stepLabel(s.id, s.name)} added`);
  for (const s of d.removed)
    items.push(`- \u2796 Step ${stepLabel(s.id, s.name)} removed (it was step ${s.position})`);
  for (const s of d.moved)
    items.push(`- \u2195\uFE0F Step ${stepLabel(s.id, s.name)} moved from position ${s.from} to ${s.to}`);
  for (const s of d.changed)
    items.push(fieldItem(`\u270F\uFE0F Step ${s.position} ${stepLabel(s.id, s.name)}`, s.changes, diffs));
  for (const name of d.verify.added) items.push(`- \u2795 Verification ${codeSpan(name)} added`);
  for (const name of d.verify.removed) items.push(`- \u2796 Verification ${codeSpan(name)} removed`);
  for (const v of d.verify.changed)
    items.push(fieldItem(`\u270F\uFE0F Verification ${codeSpan(v.name)}`, v.changes, diffs));
  if (d.plan.length) items.push(fieldItem("\u2699\uFE0F The plan", d.plan, diffs));
  return items;
}
function fieldItem(what, changes, diffs) {
  const inline = [];
  const blocks = [];
  for (const c of changes) {
    const label = LABEL[c.field] ?? c.field;
    const long = [c.before, c.after].some((v) => v !== void 0 && (v.length > INLINE || v.includes("\n")));
    if (!long) {
      inline.push(`${label} ${value(c.before)} \u2192 ${value(c.after)}`);
      continue;
    }
    if (!diffs) {
      inline.push(`${label} changed`);
      continue;
    }
    inline.push(`${label} changed`);
    blocks.push(indent(fencedBlock(hunks(diffLines(c.before ?? "", c.after ?? "")), "diff")));
  }
  return [`- ${what}: ${inline.join("; ")}`, ...blocks].join("\n");
}
function value(v) {
  return v === void 0 ? "_(not set)_" : codeSpan(v);
}
function indent(block) {
  return block.split("\n").map((line) => `  ${line}`).join("\n");
}
function hunks(lines) {
  const near = lines.map(
    (_, i) => lines.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((l) => l.kind !== " ")
  );
  const out = [];
  let gap = false;
  lines.forEach((line, i) => {
    if (!near[i]) {
      gap = true;
      return;
    }
    if (gap && out.length) out.push("  \u2026");
    gap = false;
    out.push(`${line.kind} ${line.text}`);
  });
  if (out.length > DIFF_LINES) {
    const rest = out.length - DIFF_LINES;
    return [...out.slice(0, DIFF_LINES), `  \u2026 ${rest} more line(s)`].join("\n");
  }
  return out.join("\n");
}

// src/gate/rules/own-checks.ts
function appSlugOf(botLogin) {
  return botLogin.replace(/\[bot\]$/i, "").toLowerCase();
}
function ownCheckRuns(checks, botLogin) {
  const slug = appSlugOf(botLogin);
  return checks.filter((c) => c.appSlug?.toLowerCase() === slug);
}
function portTrustingOwnChecks(port, botLogin) {
  const listOwn = async (sha, name) => ownCheckRuns(await port.listCheckRuns(sha, name), botLogin);
  return new Proxy(port, {
    get(target2, prop) {
      if (prop === "listCheckRuns") return listOwn;
      const value2 = Reflect.get(target2, prop, target2);
      return typeof value2 === "function" ? value2.bind(target2) : value2;
    }
  });
}

// src/gate/rules/replay.ts
function judgeReplay(stored, origin) {
  if (!stored) return { kind: "fresh" };
  const what = origin.kind === "comment" ? "comment" : "review";
  const handledId = origin.kind === "comment" ? origin.id : -origin.id;
  const watermark = origin.kind === "comment" ? stored.lastComment : stored.lastReview;
  if (stored.handled.includes(handledId) || origin.id === watermark) return { kind: "handled" };
  if (watermark !== void 0 && origin.id < watermark) {
    return {
      kind: "stale",
      reason: `This ${what} is older than a command already acted on (${what} ${watermark}), so it is not acted on again. Comment again if it still holds.`
    };
  }
  if (origin.createdAt && stored.changedAt && writtenBefore(origin.createdAt, stored.changedAt)) {
    return {
      kind: "stale",
      reason: `This ${what} was written before the plan became ${stored.state.replace("-", " ")} (${stored.changedAt}), so it was about another situation. Read the review, then comment again.`
    };
  }
  return { kind: "fresh" };
}
function markHandled(stored, origin) {
  if (origin.kind === "comment") {
    return {
      ...stored,
      handled: [...stored.handled, origin.id],
      lastComment: Math.max(origin.id, stored.lastComment ?? 0)
    };
  }
  return {
    ...stored,
    handled: [...stored.handled, -origin.id],
    lastReview: Math.max(origin.id, stored.lastReview ?? 0)
  };
}
function stampStateChange(next, previous, now3) {
  if (!previous) return next;
  const lastComment = maxDefined(next.lastComment, previous.lastComment);
  const lastReview = maxDefined(next.lastReview, previous.lastReview);
  const changedAt = next.state !== previous.state ? now3 : latest(next.changedAt, previous.changedAt);
  return {
    ...next,
    ...lastComment !== void 0 ? { lastComment } : {},
    ...lastReview !== void 0 ? { lastReview } : {},
    ...changedAt !== void 0 ? { changedAt } : {}
  };
}
function keepWatermarks(next, current) {
  if (!current) return next;
  const lastComment = maxDefined(next.lastComment, current.lastComment);
  const lastReview = maxDefined(next.lastReview, current.lastReview);
  const changedAt = latest(next.changedAt, current.changedAt);
  const handled = [...current.handled.filter((id) => !next.handled.includes(id)), ...next.handled];
  return {
    ...next,
    handled,
    ...lastComment !== void 0 ? { lastComment } : {},
    ...lastReview !== void 0 ? { lastReview } : {},
    ...changedAt !== void 0 ? { changedAt } : {}
  };
}
function writtenBefore(createdAt, changedAt) {
  return Date.parse(createdAt) < Math.floor(Date.parse(changedAt) / 1e3) * 1e3;
}
function maxDefined(a, b) {
  return a === void 0 ? b : b === void 0 ? a : Math.max(a, b);
}
function latest(a, b) {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
function overtakenWhileWaiting(decidedOn, current) {
  if (!current || !decidedOn) return void 0;
  if (current.state === decidedOn.state && current.changedAt === decidedOn.changedAt) return void 0;
  const when2 = current.changedAt ? ` (${current.changedAt})` : "";
  return `While this command waited for the lock, the plan became ${current.state.replace("-", " ")}${when2}, so it was about another situation. Read the review, then comment again.`;
}

// src/gate/rules/shared-head.ts
function sharedHeadRefusal(headSha, others) {
  const refused = others.filter(
    (o) => !o.decision.allowed
  );
  const first = refused[0];
  if (!first) return void 0;
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : "";
  return `Commit ${codeSpan(headSha.slice(0, 7))} is also the head of #${first.number}${more}, and its \`proceed/verify\` counts there too, so the approver must satisfy that pull request's policy as well. There: ${first.decision.reason} Who may there: ${first.decision.whoMay}.`;
}
function verifiedElsewhereNotice(headSha) {
  return `Commit ${codeSpan(headSha.slice(0, 7))} was verified for another pull request; this one has a gate of its own, pending until someone this repository's policy allows for it approves (the steps that succeeded are not run again).`;
}

// src/gate/rules/since-approval.ts
var PATHS_SHOWN2 = 20;
function changedSinceApprovalNotice(approvedSha, headSha, files) {
  const since = `since the approved commit ${codeSpan(approvedSha.slice(0, 7))}`;
  const mode = "`bind_approval_to: plan` keeps the approval while the plan file is unchanged";
  if (!files) {
    return `The head ${codeSpan(headSha.slice(0, 7))} is not the approved commit, and GitHub could not list the files changed ${since} (${mode}). Check the commits before the steps run.`;
  }
  if (files.length === 0) return `No file changed ${since} (${mode}).`;
  const shown = files.slice(0, PATHS_SHOWN2).map((f) => codeSpan(f));
  const more = files.length > PATHS_SHOWN2 ? `, and ${files.length - PATHS_SHOWN2} more` : "";
  return `${files.length === 1 ? "One file" : `${files.length} files`} changed ${since}, and the steps will run with ${files.length === 1 ? "it" : "them"} (${mode}): ${shown.join(", ")}${more}.`;
}

// src/gate/publish.ts
function result(view, summary, stored = view.stored) {
  return {
    state: stored?.state ?? "none",
    planPath: view.plan.kind === "valid" || view.plan.kind === "invalid" ? view.plan.path : void 0,
    nextStep: stored?.next,
    failed: false,
    summary
  };
}
function refusal(what, reason, whoMay) {
  const head = what === "approval" || what === "command" ? "Not accepted" : `${codeSpan(what)} refused`;
  return `**${head}.** ${reason}${whoMay ? `

Who may: ${whoMay}.` : ""}`;
}
async function publishPlan(env, view, binding) {
  const { port } = env;
  const { pr } = view;
  const sha = pr.headSha;
  const checks = await port.listCheckRuns(sha);
  if (view.policyErrors.length) {
    const text = policyProblem(view, env.policyPath);
    await upsertCheck(env, checks, sha, CHECK_PLAN, {
      conclusion: "failure",
      title: "The repository policy is invalid",
      summary: text
    });
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: "failure",
      title: "Blocked: the repository policy is invalid",
      summary: text
    });
    return result(view, "The repository policy is invalid; nothing can be approved.");
  }
  if (view.plan.kind === "none") {
    if (view.review && view.stored) {
      await port.updateReview(
        pr.number,
        view.review.id,
        renderPlanProblem({ kind: "removed", path: view.stored.planPath }) + encodeState(view.stored)
      );
    }
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: "success",
      title: "No plan: nothing to gate",
      summary: `No file in this pull request matches ${env.planGlobs.map((g) => codeSpan(g)).join(", ")}, so there is nothing to execute or verify.`
    });
    return { state: "none", failed: false, summary: "No plan in this pull request; nothing to gate." };
  }
  if (view.plan.kind === "many") {
    await writeReview(env, view, renderPlanProblem({ kind: "many", paths: view.plan.paths }), view.stored);
    const summary = `This pull request has ${view.plan.paths.length} plans; one plan per pull request. Found: ${view.plan.paths.join(", ")}.`;
    await upsertCheck(env, checks, sha, CHECK_PLAN, {
      conclusion: "failure",
      title: "More than one plan",
      summary
    });
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: "failure",
      title: "Blocked: more than one plan",
      summary
    });
    return { state: "none", failed: false, summary: `Refused: ${summary}` };
  }
  if (view.plan.kind === "invalid") {
    const { path: path2, errors, warnings: warnings2 } = view.plan;
    await writeReview(env, view, renderPlanProblem({ kind: "invalid", path: path2, errors }), view.stored);
    const summary = `${errors.length} error(s) in ${codeSpan(path2)}:

${diagnosticList(errors)}`;
    await upsertCheck(env, checks, sha, CHECK_PLAN, {
      conclusion: "failure",
      title: `${errors.length} error(s) in the plan`,
      summary,
      annotations: annotate([...errors, ...warnings2], path2)
    });
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      conclusion: "failure",
      title: "Blocked: the plan is invalid",
      summary
    });
    return {
      state: "none",
      planPath: path2,
      failed: false,
      summary: `The plan ${path2} is invalid (${errors.length} error(s)).`
    };
  }
  const { plan, path, warnings } = view.plan;
  const base = binding.stored ?? freshState(view);
  const firstRender = view.stored?.headSha !== view.pr.headSha || !base.renderedAt;
  const stored = firstRender ? { ...base, renderedAt: (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString() } : base;
  const newestGate = checks.filter((c) => c.name === CHECK_VERIFY).sort((a, b) => b.id - a.id)[0];
  const verifiedElsewhere = newestGate?.status === "completed" && newestGate.conclusion === "success" && stored.state !== "verified";
  const notice = [binding.notice, verifiedElsewhere ? verifiedElsewhereNotice(sha) : void 0].filter(Boolean).join("\n\n");
  await writeReview(env, view, reviewBody(view, stored, checks, notice || void 0), stored);
  await upsertCheck(env, checks, sha, CHECK_PLAN, {
    conclusion: "success",
    title: warnings.length ? `Valid, with ${warnings.length} warning(s)` : "Valid",
    summary: `${codeSpan(path)}: ${plan.steps.length} step(s).` + (warnings.length ? `

${diagnosticList(warnings)}` : ""),
    annotations: annotate(warnings, path)
  });
  const gate = checks.find((c) => c.name === CHECK_VERIFY);
  if (!gate || verifiedElsewhere) {
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      status: "queued",
      title: stored.state === "approved" ? "Approved; waiting for execution" : "Waiting for approval",
      summary: "This check concludes `success` only when every step and every verification of the approved plan passed on this commit.",
      ...stored.state === "proposed" || stored.state === "approved" ? buttons(env, "proceed") : {}
    });
  }
  return result(view, `Plan ${path}: ${stored.state}.`, stored);
}
function reviewBody(view, stored, checks, notice, now3 = /* @__PURE__ */ new Date()) {
  if (view.plan.kind !== "valid") throw new Error("reviewBody needs a valid plan");
  const { plan, path, hash } = view.plan;
  const since = view.sinceApproval;
  const need = approvalNeed(view.policy, plan.environment, view.codeOwners);
  const approvals = asksMore(need) ? approvalsBlock(stored.approvals ?? [], need, now3) : void 0;
  const notices = [
    notice,
    approvals,
    since && stored.approval?.headSha === since.approvedSha ? changedSinceApprovalNotice(since.approvedSha, view.pr.headSha, since.files) : void 0,
    stored.reason,
    ...mergePlanConfig(plan.config, view.policy).notices,
    ...mergeVerify(plan.verify, view.policy).notices
  ].filter((n) => !!n);
  const steps = {};
  for (const [id, check] of stepChecks(
    checks,
    hash,
    plan.steps.map((s) => s.id)
  )) {
    const durationMs = check.startedAt && check.completedAt ? Date.parse(check.completedAt) - Date.parse(check.startedAt) : void 0;
    steps[id] = { status: displayStatus(check), ...durationMs !== void 0 ? { durationMs } : {} };
  }
  const before = view.planBefore;
  const delta = before && stored.planBefore?.sha === before.sha && stored.approval?.planHash !== hash ? renderPlanDelta(before.plan ? diffPlans(before.plan, plan) : void 0, { sha: before.sha }) : void 0;
  return renderReview(plan, {
    maxLength: GITHUB_BODY_LIMIT - MARKER_BUDGET,
    ...delta ? { delta } : {},
    planPath: path,
    state: stored.state,
    ...Object.keys(steps).length ? { steps } : {},
    ...notices.length ? { notice: notices.join("\n\n") } : {},
    ...stored.approval ? { approval: { by: stored.approval.by, sha: stored.approval.headSha } } : {},
    verifyExtra: Object.fromEntries(
      Object.entries(view.policy.verify).map(([k, v]) => [k, typeof v === "string" ? v : v.run])
    )
  });
}
function displayStatus(check) {
  if (check.status !== "completed") return "running";
  const map = {
    success: "success",
    failure: "failure",
    timed_out: "timed-out",
    skipped: "skipped",
    cancelled: "cancelled",
    action_required: "waiting"
  };
  return check.conclusion && map[check.conclusion] || "pending";
}
var lastWritten = /* @__PURE__ */ new WeakMap();
async function writeReview(env, view, body, stored) {
  const previous = lastStored(view);
  if (stored) {
    stored = stampStateChange(stored, previous, (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString());
    if (view.review) stored = keepWatermarks(stored, await storedNow(env, view.pr.number, view.review.id));
    lastWritten.set(view, stored);
  }
  const marker = stored ? encodeState(stored) : "";
  const room = GITHUB_BODY_LIMIT - marker.length;
  const full = (body.length <= room ? body : fitByCutting(body, room)) + marker;
  if (view.review) await env.port.updateReview(view.pr.number, view.review.id, full);
  else view.review = await env.port.createReview(view.pr.number, { body: full, commitId: view.pr.headSha });
}
function lastStored(view) {
  return lastWritten.get(view) ?? view.stored;
}
async function storedNow(env, number, reviewId) {
  const review = (await env.port.listReviews(number)).find((r) => r.id === reviewId);
  const own = review && review.user?.login.toLowerCase() === env.botLogin.toLowerCase();
  return own ? decodeState(review.body) : void 0;
}
async function upsertCheck(env, checks, sha, name, update) {
  const newest = checks.filter((c) => c.name === name).sort((a, b) => b.id - a.id)[0];
  const now3 = (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
  const status2 = update.conclusion ? "completed" : update.status ?? "queued";
  const input = {
    status: status2,
    title: update.title,
    summary: update.summary,
    ...update.text !== void 0 ? { text: update.text } : {},
    ...update.conclusion ? { conclusion: update.conclusion, completedAt: now3 } : {},
    ...status2 === "in_progress" ? { startedAt: now3 } : {},
    ...update.annotations ? { annotations: update.annotations } : {},
    ...update.externalId ? { externalId: update.externalId } : {},
    ...update.actions ? { actions: update.actions } : {}
  };
  if (newest && (newest.status !== "completed" || name === "proceed/plan")) {
    await env.port.updateCheckRun(newest.id, input);
    return newest.id;
  }
  const created = await env.port.createCheckRun({ name, headSha: sha, ...input });
  checks.push({
    id: created.id,
    name,
    headSha: sha,
    status: status2,
    conclusion: update.conclusion ?? null,
    externalId: update.externalId ?? null,
    startedAt: status2 === "in_progress" ? now3 : null,
    completedAt: update.conclusion ? now3 : null,
    title: update.title,
    summary: update.summary,
    appSlug: appSlugOf(env.botLogin)
  });
  return created.id;
}
var DIAGNOSTIC_CHARS2 = 500;
function annotate(diagnostics, path) {
  return diagnostics.map((d) => ({
    path,
    start_line: d.line,
    end_line: Math.max(d.line, d.endLine ?? d.line),
    ...d.endLine === void 0 || d.endLine === d.line ? { start_column: d.col, end_column: Math.max(d.col, d.endCol ?? d.col) } : {},
    annotation_level: d.severity === "error" ? "failure" : "warning",
    message: clip(d.path ? `${d.path}: ${d.message}` : d.message, DIAGNOSTIC_CHARS2).text,
    title: d.severity === "error" ? "Plan error" : "Plan warning"
  }));
}
function policyProblem(view, policyPath) {
  const list = diagnosticList(view.policyErrors);
  return `The repository policy ${codeSpan(policyPath)} on ${codeSpan(view.pr.baseRef)} is invalid, so nothing can be approved or run until it is fixed on the base branch:

${list}`;
}

// src/gate/cancel.ts
async function cancel(env, view, stored, login, door) {
  if (stored.state !== "executing") return cancelPlan(env, view, stored, login);
  return withPlanLock(
    env,
    view,
    env.runner?.holder ?? { kind: "app", id: env.botLogin },
    Number.MAX_SAFE_INTEGER,
    async () => {
      if (door === "button") await env.port.createComment(view.pr.number, cancelRequestComment(login));
      return result(
        view,
        `Cancel requested by ${login}; the running execution stops at its next check.`,
        stored
      );
    },
    () => cancelPlan(env, view, stored, login)
  );
}
async function cancelPlan(env, view, stored, by) {
  const sha = view.pr.headSha;
  const checks = await env.port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    view.plan.hash,
    view.plan.plan.steps.map((s) => s.id)
  );
  for (const step of view.plan.plan.steps) {
    const c = previous.get(step.id);
    if (c && c.status === "completed" && (c.conclusion === "success" || c.conclusion === "skipped" || c.conclusion === "cancelled"))
      continue;
    await env.port.createCheckRun({
      name: stepCheckName(step.id),
      headSha: sha,
      status: "completed",
      conclusion: "cancelled",
      externalId: stepExternalId(view.plan.hash, step.id),
      completedAt: (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString(),
      title: "Cancelled",
      summary: `Cancelled by ${codeSpan(by)} before it ran.`
    });
  }
  const next = {
    ...stored,
    state: follow("cancel"),
    reason: `cancelled by ${by}`,
    pausedAt: void 0
  };
  const fresh = await env.port.listCheckRuns(sha);
  await upsertCheck(env, fresh, sha, CHECK_VERIFY, {
    conclusion: "cancelled",
    title: "Cancelled",
    summary: `Cancelled by ${codeSpan(by)}; this commit is not verified. \`/proceed\` resumes from the first step that did not succeed.`,
    ...buttons(env)
  });
  await auditIntervention(
    env.port,
    view,
    stored,
    { action: "cancel", by, at: (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString(), state: next.state },
    checks
  );
  await writeReview(env, view, reviewBody(view, next, fresh), next);
  await endOpenDeployment(env, view, deploymentLogUrl(env, view), `Cancelled by ${by}`);
  return result(view, `Cancelled by ${by}.`, next);
}

// src/gate/execute.ts
import { readFile } from "node:fs/promises";
import { join as join3 } from "node:path";

// src/execute/executor.ts
import { realpathSync } from "node:fs";
import { isAbsolute, relative as relative2, resolve as resolve2 } from "node:path";

// src/execute/step-env.ts
var RUNNER_CHANNELS = [
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_RUNTIME_URL",
  "ACTIONS_CACHE_URL",
  "ACTIONS_RESULTS_URL",
  "GITHUB_OUTPUT",
  "GITHUB_ENV",
  "GITHUB_PATH",
  "GITHUB_STATE",
  "GITHUB_STEP_SUMMARY"
];
var channels = new Set(RUNNER_CHANNELS);
function stepEnvironment(env) {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !channels.has(key.toUpperCase()) && !/^INPUT_/i.test(key))
  );
}

// src/execute/sweep.ts
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
var EXECUTION_MARK = "PROCEED_EXECUTION_ID";
var POLL_MS = 25;
var ROUNDS = 5;
function newExecutionId() {
  return randomBytes(12).toString("hex");
}
function listProcesses() {
  let names;
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const entries = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const line = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
      entries.push({ pid: Number(name), ppid: Number(fields[1]), zombie: fields[0] === "Z" });
    } catch {
    }
  }
  return entries;
}
function childrenOf(pid) {
  return listProcesses().filter((p) => p.ppid === pid && !p.zombie).map((p) => p.pid);
}
function carriesMark(pid, needle) {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`);
    return environ.indexOf(needle) !== -1 || environ.subarray(0, needle.length - 1).equals(needle.subarray(1));
  } catch {
    return false;
  }
}
function executionProcesses(id) {
  const needle = Buffer.from(`\0${EXECUTION_MARK}=${id}\0`);
  const live = listProcesses().filter((p) => !p.zombie && p.pid !== process.pid);
  const found = new Set(live.filter((p) => carriesMark(p.pid, needle)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of live) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return [...found];
}
function signal(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
    }
  }
}
async function sweepExecution(id, graceMs) {
  let found = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const pids = executionProcesses(id);
    if (pids.length === 0) break;
    found += pids.length;
    signal(pids, "SIGTERM");
    const deadline = Date.now() + (round === 0 ? graceMs : 0);
    let left = pids;
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      left = executionProcesses(id);
    }
    signal(executionProcesses(id), "SIGKILL");
    for (let i = 0; i < 40 && executionProcesses(id).length > 0; i++) await sleep(POLL_MS);
  }
  return found;
}

// src/execute/process.ts
import { execFile as execFile2, spawn as spawn2 } from "node:child_process";
import { closeSync, constants, openSync, readdirSync as readdirSync2, readFileSync as readFileSync3, statSync } from "node:fs";
import { mkdtemp as mkdtemp2, rm } from "node:fs/promises";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join as join2 } from "node:path";
import { setTimeout as sleep2 } from "node:timers/promises";
import { promisify as promisify2 } from "node:util";

// src/execute/sandbox.ts
import { execFile, execFileSync, spawn } from "node:child_process";
import { chmod, lstat, mkdir, mkdtemp } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
var DEFAULT_STEP_USER = "proceed-step";
var CREATE_USER = (name) => `create it (useradd --system --no-create-home --shell /usr/sbin/nologin ${name}) or name another with PROCEED_INLINE_USER`;
function probeIsolation(userName) {
  if (process.platform !== "linux") {
    return {
      available: false,
      reason: `steps can be isolated only on Linux, and this is ${process.platform}`
    };
  }
  if (process.getuid?.() !== 0) {
    return {
      available: false,
      reason: `the app runs as uid ${process.getuid?.()}, and only root can start steps as another user in namespaces of their own`
    };
  }
  let entry;
  try {
    entry = execFileSync("getent", ["passwd", userName], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"]
    });
  } catch {
    return {
      available: false,
      reason: `there is no user "${userName}" to run steps as: ${CREATE_USER(userName)}`
    };
  }
  const [, , uid, gid] = entry.trim().split(":");
  const user = { name: userName, uid: Number(uid), gid: Number(gid) };
  if (!Number.isInteger(user.uid) || !Number.isInteger(user.gid) || user.uid === 0 || user.gid === 0) {
    return {
      available: false,
      reason: `the user "${userName}" is root or has root's group: ${CREATE_USER("proceed-step")}`
    };
  }
  try {
    execFileSync(
      "unshare",
      ["--pid", "--fork", "--mount", "--mount-proc", "--kill-child", "--", "nsenter", "--version"],
      {
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 15e3
      }
    );
    execFileSync("setpriv", ["--version"], { stdio: "ignore" });
  } catch (err) {
    const said = String(err.stderr ?? err.message).trim();
    return {
      available: false,
      reason: `cannot make PID and mount namespaces for steps (${said || "unshare, nsenter or setpriv failed"}): install util-linux, and in a container grant CAP_SYS_ADMIN (or run the dispatch executor instead)`
    };
  }
  return { available: true, user };
}
async function prepareWorkspaceBase(base) {
  await mkdir(base, { recursive: true, mode: 457 });
  const info = await lstat(base);
  if (!info.isDirectory() || info.uid !== 0) {
    throw new Error(
      `${base} exists but is not a directory owned by root (anyone could have made it); remove it or set TMPDIR elsewhere`
    );
  }
  await chmod(base, 457);
}
async function makeExecutionDirectory(base) {
  const dir = await mkdtemp(join(base, "run-"));
  await chmod(dir, 448);
  return dir;
}
async function handOver(root, user) {
  await mkdir(join(root, "home"), { recursive: true, mode: 448 });
  await mkdir(join(root, "tmp"), { recursive: true, mode: 448 });
  await promisify(execFile)("chown", ["-R", `${user.uid}:${user.gid}`, root]);
  await chmod(root, 448);
}
function within(path, dir) {
  const rel = relative(dir, path);
  return rel === "" || rel !== ".." && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep);
}
function coverable(wanted, base) {
  return [...new Set(wanted.map((p) => resolve(p)))].filter((p) => p !== "/" && !within(base, p));
}
var NAMESPACE_INIT = `set -e
base=$1 own=$2; shift 2
exec 3<"$own"
mount -t tmpfs -o mode=0711,size=64k proceed-workspaces "$base"
mkdir -m 0700 "$own"
mount --no-canonicalize --bind /proc/self/fd/3 "$own"
exec 3<&-
for p in "$@"; do
  if [ -d "$p" ]; then mount -t tmpfs -o mode=0500,size=16k proceed-hidden "$p"
  elif [ -e "$p" ]; then mount --bind /dev/null "$p"; fi
done
trap 'exit 0' TERM
echo ready
while read -r _; do :; done
exit 0`;
var OPEN_TIMEOUT_MS = 2e4;
var CLOSE_TIMEOUT_MS = 2e4;
var StepSandbox = class _StepSandbox {
  constructor(root, user, holder, initPid) {
    this.root = root;
    this.user = user;
    this.holder = holder;
    this.initPid = initPid;
  }
  root;
  user;
  holder;
  initPid;
  /** Starts the namespaces for the execution directory `root` (inside `base`), hiding `hide`. */
  static async open(o) {
    const holder = spawn(
      "unshare",
      [
        "--pid",
        "--fork",
        "--mount",
        "--mount-proc",
        "--kill-child",
        "--",
        "bash",
        "-c",
        NAMESPACE_INIT,
        "proceed-init",
        o.base,
        o.root,
        ...coverable(o.hide, o.base)
      ],
      // stdin stays open, never written: it closes when the app ends (see NAMESPACE_INIT).
      { stdio: ["pipe", "pipe", "pipe"] }
    );
    let said = "";
    holder.stderr.on("data", (c) => said += c.toString());
    holder.stdin.on("error", () => void 0);
    await new Promise((ready, failed) => {
      const timer = setTimeout(
        () => failed(new Error(`the step namespaces did not start within ${OPEN_TIMEOUT_MS / 1e3} s`)),
        OPEN_TIMEOUT_MS
      );
      holder.stdout.on("data", (c) => {
        if (c.toString().includes("ready")) {
          clearTimeout(timer);
          ready();
        }
      });
      holder.on("error", (err) => {
        clearTimeout(timer);
        failed(err);
      });
      holder.on("exit", (code) => {
        clearTimeout(timer);
        failed(new Error(`the step namespaces could not be made (exit ${code}): ${said.trim()}`));
      });
    }).catch((err) => {
      holder.kill("SIGKILL");
      throw err;
    });
    holder.removeAllListeners("exit");
    const initPid = childrenOf(holder.pid)[0];
    if (initPid === void 0) {
      holder.kill("SIGKILL");
      throw new Error("the step namespaces started, but their first process could not be found in /proc");
    }
    const sandbox = new _StepSandbox(o.root, o.user, holder, initPid);
    open.add(sandbox);
    return sandbox;
  }
  /**
   * The command line that runs `file args` in `cwd` inside the namespaces, as the step user. The
   * directory is entered from inside (nsenter's own --wd opens it before entering the mount
   * namespace, which leaves the step in a directory it cannot name).
   */
  command(file, args, cwd) {
    return {
      file: "nsenter",
      args: [
        `--target=${this.initPid}`,
        "--pid",
        "--mount",
        "--",
        "setpriv",
        `--reuid=${this.user.uid}`,
        `--regid=${this.user.gid}`,
        "--clear-groups",
        "--no-new-privs",
        "--",
        "sh",
        "-c",
        'cd -- "$0" && exec "$@"',
        cwd,
        file,
        ...args
      ]
    };
  }
  /** The step's environment: its own HOME and TMPDIR in the execution directory, and who it is. */
  environment(env) {
    return {
      ...env,
      HOME: join(this.root, "home"),
      TMPDIR: join(this.root, "tmp"),
      USER: this.user.name,
      LOGNAME: this.user.name
    };
  }
  /** Ends every process of the execution with its namespace. */
  async close() {
    open.delete(this);
    if (this.holder.exitCode !== null || this.holder.signalCode !== null) return;
    const exited = new Promise((done2) => this.holder.once("exit", () => done2()));
    try {
      process.kill(this.initPid, "SIGKILL");
    } catch {
    }
    this.holder.stdin?.end();
    const late = setTimeout(() => this.holder.kill("SIGKILL"), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(late);
  }
};
var open = /* @__PURE__ */ new Set();
function sandboxFor(cwd) {
  const path = resolve(cwd);
  for (const sandbox of open) if (within(path, sandbox.root)) return sandbox;
  return void 0;
}
function workspaceBase(tmp) {
  return join(tmp, "proceed-inline");
}

// src/execute/secrets.ts
import { readFileSync as readFileSync2 } from "node:fs";
function secretsInEnvironment(env) {
  const name = /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY/i;
  return Object.entries(env).filter(([key, value2]) => name.test(key) && value2 && value2.length >= 6).map(([, value2]) => value2);
}
var SHORTEST_FORM = 6;
function base64Alignments(bytes) {
  const forms = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const first = Math.ceil(offset * 8 / 6);
    const last = Math.floor((offset + bytes.length) * 8 / 6);
    forms.push(encoded.slice(first, last));
  }
  return forms;
}
var toBase64Url = (base64) => base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
function secretForms(secret) {
  if (secret.length === 0) return [];
  if (secret.includes("\n")) {
    const forms2 = /* @__PURE__ */ new Set([secret, secret.replace(/\r?\n/g, "\\n")]);
    for (const line of secret.split(/\r?\n/)) {
      if (line.trim().length >= SHORTEST_FORM && !line.startsWith("-----")) forms2.add(line.trim());
    }
    return [...forms2];
  }
  const forms = /* @__PURE__ */ new Set([secret]);
  const bytes = Buffer.from(secret, "utf8");
  const whole = bytes.toString("base64");
  const header2 = Buffer.from(`x-access-token:${secret}`, "utf8").toString("base64");
  for (const form of [whole, header2, ...base64Alignments(bytes)]) {
    forms.add(form);
    forms.add(toBase64Url(form));
  }
  forms.add(encodeURIComponent(secret));
  forms.add(bytes.toString("hex"));
  forms.add(bytes.toString("hex").toUpperCase());
  return [...forms].filter((form) => form === secret || form.length >= SHORTEST_FORM);
}
function withEncodings(secrets) {
  return [...new Set(secrets.flatMap(secretForms))];
}
function appCredentials(env) {
  const found = secretsInEnvironment(env);
  for (const key of ["PRIVATE_KEY", "WEBHOOK_SECRET", "GITHUB_CLIENT_SECRET"]) {
    const value2 = env[key];
    if (value2) found.push(value2, value2.replace(/\\n/g, "\n"));
  }
  if (env.PRIVATE_KEY_PATH) {
    try {
      found.push(readFileSync2(env.PRIVATE_KEY_PATH, "utf8"));
    } catch {
    }
  }
  return [...new Set(found.filter((value2) => value2.length > 0))];
}

// src/execute/tail.ts
import { StringDecoder } from "node:string_decoder";
var SECRET_MASK = "***";
function secretBytes(secrets) {
  return [...new Set(secrets)].filter((s) => s.length > 0).map((s) => Buffer.from(s, "utf8")).sort((a, b) => b.length - a.length);
}
function isContinuationByte(byte) {
  return byte !== void 0 && (byte & 192) === 128;
}
var OutputTail = class {
  constructor(limit, secrets = []) {
    this.limit = limit;
    this.secrets = secretBytes(secrets);
    const margin = this.secrets[0]?.length ?? 0;
    this.ring = Buffer.alloc(Math.max(0, limit) + margin);
  }
  limit;
  ring;
  secrets;
  writeAt = 0;
  size = 0;
  total = 0;
  /** Bytes written so far. */
  get totalBytes() {
    return this.total;
  }
  write(chunk) {
    this.total += chunk.length;
    const capacity = this.ring.length;
    if (capacity === 0 || chunk.length === 0) return;
    if (chunk.length >= capacity) {
      chunk.copy(this.ring, 0, chunk.length - capacity);
      this.writeAt = 0;
      this.size = capacity;
      return;
    }
    const first = Math.min(chunk.length, capacity - this.writeAt);
    chunk.copy(this.ring, this.writeAt, 0, first);
    chunk.copy(this.ring, 0, first);
    this.writeAt = (this.writeAt + chunk.length) % capacity;
    this.size = Math.min(capacity, this.size + chunk.length);
  }
  /**
   * The tail decoded as UTF-8, secrets replaced by `***`, starting at a character boundary, and
   * how many bytes of output came before it.
   */
  snapshot() {
    const raw = this.size < this.ring.length ? this.ring.subarray(0, this.size) : Buffer.concat([this.ring.subarray(this.writeAt), this.ring.subarray(0, this.writeAt)]);
    let cut = Math.max(0, raw.length - Math.max(0, this.limit));
    if (cut > 0 || this.total > raw.length) {
      for (let i = 0; i < 3 && isContinuationByte(raw[cut]); i++) cut++;
    }
    const masked = this.maskedRanges(raw);
    const parts = [];
    let at = cut;
    while (at < raw.length) {
      let end = at;
      const inSecret = masked[at] === 1;
      while (end < raw.length && masked[end] === 1 === inSecret) end++;
      parts.push(inSecret ? Buffer.from(SECRET_MASK) : raw.subarray(at, end));
      at = end;
    }
    return { text: Buffer.concat(parts).toString("utf8"), droppedBytes: this.total - (raw.length - cut) };
  }
  /** 1 for every byte of `raw` that belongs to an occurrence of a secret. */
  maskedRanges(raw) {
    const masked = new Uint8Array(raw.length);
    for (const secret of this.secrets) {
      for (let i = raw.indexOf(secret); i !== -1; i = raw.indexOf(secret, i + 1)) {
        masked.fill(1, i, i + secret.length);
      }
    }
    return masked;
  }
};
var MaskingDecoder = class {
  decoder = new StringDecoder("utf8");
  secrets;
  carry = "";
  constructor(secrets = []) {
    this.secrets = secretBytes(secrets).map((s) => s.toString("utf8"));
  }
  write(chunk) {
    return this.release(this.carry + this.decoder.write(chunk), false);
  }
  /** Whatever is still held back, at the end of the stream. */
  end() {
    return this.release(this.carry + this.decoder.end(), true);
  }
  release(text, final) {
    let masked = text;
    for (const secret of this.secrets) masked = masked.replaceAll(secret, SECRET_MASK);
    const hold = final ? 0 : this.heldBack(masked);
    this.carry = masked.slice(masked.length - hold);
    return masked.slice(0, masked.length - hold);
  }
  /**
   * Length of the longest end of `text` that is the beginning of a secret. Only the places where
   * a secret's first character occurs are tried, so a long secret (a PEM key) costs no more than
   * a short one on ordinary output.
   */
  heldBack(text) {
    let longest = 0;
    for (const secret of this.secrets) {
      const from = Math.max(0, text.length - (secret.length - 1));
      for (let i = text.indexOf(secret[0], from); i !== -1; i = text.indexOf(secret[0], i + 1)) {
        if (text.length - i <= longest) break;
        if (secret.startsWith(text.slice(i))) {
          longest = text.length - i;
          break;
        }
      }
    }
    return longest;
  }
};

// src/execute/process.ts
var DEFAULT_TAIL_BYTES = 64 * 1024;
var DEFAULT_KILL_GRACE_MS = 5e3;
var DRAIN_MS = 250;
var GROUP_POLL_MS = 25;
var READ_BUFFER_BYTES = 64 * 1024;
function shellInvocation(shell, command2) {
  switch (shell) {
    case "bash":
      return { file: "bash", args: ["--noprofile", "--norc", "-eo", "pipefail", "-c", command2] };
    case "sh":
      return { file: "sh", args: ["-e", "-c", command2] };
    case "pwsh":
      return {
        file: "pwsh",
        args: [
          "-NoLogo",
          "-NoProfile",
          "-NonInteractive",
          "-Command",
          `$ErrorActionPreference = 'Stop'
${command2}
if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }`
        ]
      };
    case "python":
      return { file: "python3", args: ["-c", command2] };
  }
}
var INSTALL_HINT = {
  bash: "install bash, or use shell: sh",
  sh: "install a POSIX shell at sh",
  pwsh: "install PowerShell 7 (https://aka.ms/powershell), or use shell: bash",
  python: "install Python 3 so that python3 is on PATH"
};
function missingInterpreter(shell, file) {
  return `${file} was not found on PATH, and shell: ${shell} needs it; ${INSTALL_HINT[shell]}`;
}
function directoryProblem(cwd) {
  let info;
  try {
    info = statSync(cwd);
  } catch {
    return `working directory ${cwd} does not exist; create it in an earlier step or fix working-directory`;
  }
  return info.isDirectory() ? void 0 : `working directory ${cwd} is not a directory; fix working-directory`;
}
function signalGroup(pgid, signal2) {
  try {
    process.kill(-pgid, signal2);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}
function processGroupAlive(pgid) {
  if (!signalGroup(pgid, 0)) return false;
  let entries;
  try {
    entries = readdirSync2("/proc");
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const line = readFileSync3(`/proc/${entry}/stat`, "utf8");
      const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
    } catch {
    }
  }
  return false;
}
async function stopProcessGroup(pgid, graceMs) {
  if (!processGroupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep2(Math.min(GROUP_POLL_MS, Math.max(1, deadline - Date.now())));
    if (!processGroupAlive(pgid)) return;
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 40 && processGroupAlive(pgid); i++) await sleep2(GROUP_POLL_MS);
}
var OutputFifos = class {
  constructor(expected = 1, spare = 4) {
    this.expected = expected;
    this.spare = spare;
  }
  expected;
  spare;
  ready = [];
  made = 0;
  unavailable = false;
  disposed = false;
  making;
  /**
   * Both ends of a FIFO no other command had; undefined where mkfifo is unavailable (ordinary
   * pipes are used then). The caller owns the two descriptors.
   */
  async open() {
    while (this.ready.length === 0 && !this.unavailable && !this.disposed) {
      const count = Math.min(
        MAX_FIFOS_AT_ONCE,
        Math.max(this.made === 0 ? 1 : this.spare, this.expected - this.made)
      );
      this.making ??= this.make(count).finally(() => {
        this.making = void 0;
      });
      await this.making;
    }
    return this.ready.shift();
  }
  /** Closes the FIFOs no command took. */
  async dispose() {
    this.disposed = true;
    await this.making;
    for (const fifo of this.ready.splice(0)) {
      closeSync(fifo.readFd);
      closeSync(fifo.writeFd);
    }
  }
  async make(count) {
    let dir;
    try {
      dir = await mkdtemp2(join2(tmpdir(), "proceed-output-"));
      const inDir = dir;
      const paths = Array.from({ length: count }, (_, i) => join2(inDir, String(i)));
      this.made += count;
      await promisify2(execFile2)("mkfifo", ["-m", "600", ...paths]);
      for (const path of paths) {
        const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        try {
          this.ready.push({ readFd, writeFd: openSync(path, constants.O_WRONLY) });
        } catch (err) {
          closeSync(readFd);
          throw err;
        }
      }
    } catch {
      this.unavailable = true;
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => void 0);
    }
  }
};
var MAX_FIFOS_AT_ONCE = 64;
function readOutput(child, fifo, spec, secrets, onBytes) {
  const decoder = () => spec.onOutput ? new MaskingDecoder(secrets) : void 0;
  if (fifo) {
    const d = decoder();
    const onread = {
      buffer: Buffer.alloc(READ_BUFFER_BYTES),
      callback: (n, buf) => {
        onBytes(Buffer.from(buf.buffer, buf.byteOffset, n), d);
        return true;
      }
    };
    const socket = new Socket({
      fd: fifo.readFd,
      readable: true,
      writable: false,
      onread
    });
    socket.on("error", () => void 0);
    return { streams: [socket], decoders: [d] };
  }
  const streams = [child.stdout, child.stderr];
  const decoders = streams.map((stream) => {
    const d = decoder();
    stream.on("data", (chunk) => onBytes(chunk, d));
    return d;
  });
  return { streams, decoders };
}
async function runCommand(spec) {
  const startedAt = (/* @__PURE__ */ new Date()).toISOString();
  const started = performance.now();
  const secrets = withEncodings(spec.secrets ?? []);
  const tail = new OutputTail(spec.tailBytes ?? DEFAULT_TAIL_BYTES, secrets);
  const graceMs = spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const ended = (extra) => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: false,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    tail: "",
    droppedBytes: 0,
    ...extra
  });
  if (spec.signal?.aborted) return ended({ aborted: true });
  const problem = directoryProblem(spec.cwd);
  if (problem) return ended({ spawnError: problem });
  let fifo;
  if (spec.fifos) fifo = await spec.fifos.open();
  else {
    const own = new OutputFifos();
    fifo = await own.open();
    await own.dispose();
  }
  const closeFifo = () => {
    for (const fd of fifo ? [fifo.readFd, fifo.writeFd] : []) closeSync(fd);
  };
  if (spec.signal?.aborted) {
    closeFifo();
    return ended({ aborted: true });
  }
  const shell = shellInvocation(spec.shell, spec.command);
  const sandbox = sandboxFor(spec.cwd);
  const { file, args } = sandbox ? sandbox.command(shell.file, shell.args, spec.cwd) : shell;
  let child;
  try {
    child = spawn2(file, args, {
      cwd: spec.cwd,
      env: sandbox ? sandbox.environment(spec.env) : spec.env,
      detached: true,
      stdio: fifo ? ["ignore", fifo.writeFd, fifo.writeFd] : ["ignore", "pipe", "pipe"]
    });
  } catch (err) {
    closeFifo();
    return ended({ spawnError: `could not start ${file}: ${err.message}` });
  }
  if (fifo) closeSync(fifo.writeFd);
  return new Promise((resolve4, reject) => {
    let exitCode = null;
    let exitSignal = null;
    let exitedAt;
    let timedOut = false;
    let aborted = false;
    let stopping;
    let spawnError;
    let outputError;
    let finished = false;
    let drainTimer;
    const emit = (text) => {
      if (!text || !spec.onOutput || outputError !== void 0) return;
      try {
        spec.onOutput(text);
      } catch (err) {
        outputError = err;
      }
    };
    const output = readOutput(child, fifo, spec, secrets, (bytes, decoder) => {
      tail.write(bytes);
      if (decoder) emit(decoder.write(bytes));
    });
    let openStreams = output.streams.length;
    const stop = () => {
      if (stopping || exitedAt !== void 0 || child.pid === void 0) return;
      stopping = stopProcessGroup(child.pid, graceMs);
      void stopping.then(() => {
        if (exitedAt !== void 0) startDrain();
      });
    };
    const timer = spec.timeoutMs !== void 0 && spec.timeoutMs > 0 ? setTimeout(() => {
      timedOut = true;
      stop();
    }, spec.timeoutMs) : void 0;
    const onAbort = () => {
      aborted = true;
      stop();
    };
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      spec.signal?.removeEventListener("abort", onAbort);
      for (const stream of output.streams) stream.destroy();
      for (const decoder of output.decoders) if (decoder) emit(decoder.end());
      const { text, droppedBytes } = tail.snapshot();
      const outcome = {
        exitCode,
        signal: exitSignal,
        timedOut,
        aborted,
        startedAt,
        durationMs: Math.round((exitedAt ?? performance.now()) - started),
        tail: text,
        droppedBytes,
        ...spawnError !== void 0 ? { spawnError } : {},
        ...child.pid !== void 0 ? { pid: child.pid } : {}
      };
      void (stopping ?? Promise.resolve()).then(
        () => outputError === void 0 ? resolve4(outcome) : reject(outputError)
      );
    };
    const startDrain = () => {
      if (drainTimer || finished) return;
      drainTimer = setTimeout(finish, DRAIN_MS);
    };
    for (const stream of output.streams) {
      stream.on("close", () => {
        openStreams--;
        if (openStreams === 0 && exitedAt !== void 0) finish();
      });
    }
    child.on("error", (err) => {
      if (child.pid !== void 0) return;
      spawnError = err.code === "ENOENT" && !sandbox ? missingInterpreter(spec.shell, file) : `could not start ${file}: ${err.message}`;
      finish();
    });
    child.on("exit", (code, signal2) => {
      exitedAt = performance.now();
      exitCode = code;
      exitSignal = signal2;
      clearTimeout(timer);
      if (openStreams === 0) finish();
      else if (!stopping) startDrain();
    });
  });
}

// src/execute/executor.ts
var ALREADY_SUCCEEDED = "already succeeded on this commit and plan; not run again";
var PlanChangedError = class extends Error {
  name = "PlanChangedError";
};
function abortReason(signal2) {
  const reason = signal2?.reason;
  if (typeof reason === "string" && reason) return reason;
  if (reason instanceof Error && reason.name !== "AbortError" && reason.message) return reason.message;
  return "the execution was cancelled";
}
function resolveWorkingDirectory(root, dir) {
  if (dir === void 0) return { path: root };
  const path = resolve2(root, dir);
  const inside = (from, to) => {
    const rel = relative2(from, to);
    return rel === "" || !rel.startsWith("..") && !isAbsolute(rel);
  };
  let escapes = !inside(root, path);
  if (!escapes) {
    try {
      escapes = !inside(realpathSync(root), realpathSync(path));
    } catch {
    }
  }
  return escapes ? { error: `working-directory ${JSON.stringify(dir)} leads outside the repository; use a path inside it` } : { path };
}
function stepCommand(step) {
  if (step.run === void 0) return void 0;
  return {
    id: step.id,
    run: step.run,
    shell: step.shell,
    workingDirectory: step["working-directory"],
    env: step.env,
    timeout: step.timeout
  };
}
function verificationCommand(name, v) {
  if (typeof v === "string") {
    return {
      id: name,
      run: v,
      shell: "bash",
      workingDirectory: void 0,
      env: void 0,
      timeout: void 0
    };
  }
  return {
    id: name,
    run: v.run,
    shell: v.shell,
    workingDirectory: v["working-directory"],
    env: v.env,
    timeout: v.timeout
  };
}
function statusOf(outcome) {
  if (outcome.aborted) return "cancelled";
  if (outcome.timedOut) return "timed-out";
  if (outcome.spawnError !== void 0) return "failure";
  return outcome.exitCode === 0 ? "success" : "failure";
}
function reasonOf(outcome, status2, timeoutMs) {
  switch (status2) {
    case "cancelled":
      return "cancelled while running; its processes were stopped";
    case "timed-out":
      return `timed out after ${formatDuration(timeoutMs ?? 0)}; its processes were stopped`;
    case "failure":
      if (outcome.spawnError !== void 0) return outcome.spawnError;
      return outcome.exitCode !== null ? `exited with code ${outcome.exitCode}` : `killed by ${outcome.signal ?? "a signal"}`;
    default:
      return void 0;
  }
}
function describeFailure(step, result2) {
  return `step "${step.id}" ${result2.status === "timed-out" ? "timed out" : "failed"}${result2.reason ? `: ${result2.reason}` : ""}`;
}
var EventChannel = class {
  constructor(handler, limit) {
    this.handler = handler;
    this.limit = limit;
  }
  handler;
  limit;
  pending;
  buffered = "";
  skipped = 0;
  error;
  get wantsOutput() {
    return this.handler !== void 0;
  }
  async send(event) {
    await this.drain();
    await this.handler?.(event);
  }
  output(step, index, chunk) {
    if (this.error !== void 0) return;
    if (this.pending) {
      this.buffered += chunk;
      if (this.buffered.length > this.limit) {
        this.skipped += this.buffered.length - this.limit;
        this.buffered = this.buffered.slice(this.buffered.length - this.limit);
      }
      return;
    }
    let result2;
    try {
      result2 = this.handler?.({ type: "step-output", step, index, chunk });
    } catch (err) {
      this.error = err;
      return;
    }
    if (result2 instanceof Promise) {
      this.pending = result2.then(
        () => {
          this.pending = void 0;
          if (!this.buffered) return;
          const note = this.skipped ? `[\u2026 ${this.skipped} characters of output not shown \u2026]
` : "";
          const next = note + this.buffered;
          this.buffered = "";
          this.skipped = 0;
          this.output(step, index, next);
        },
        (err) => {
          this.pending = void 0;
          this.error = err;
        }
      );
    }
  }
  /** Waits for output still being delivered; rethrows a handler's error. */
  async drain() {
    while (this.pending) await this.pending;
    if (this.error !== void 0) throw this.error;
  }
};
async function executePlan(opts) {
  const actualHash = planHash(opts.source);
  if (actualHash !== opts.approvedHash) {
    throw new PlanChangedError(
      `the plan at ${opts.planPath} is not the plan that was approved (approved sha256 ${opts.approvedHash.slice(0, 12)}, now ${actualHash.slice(0, 12)}); nothing was run. Review and approve the plan as it is now.`
    );
  }
  const { plan, signal: signal2 } = opts;
  const config = plan.config;
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const events = new EventChannel(opts.onEvent, opts.tailBytes ?? DEFAULT_TAIL_BYTES);
  const results = [];
  const groups = /* @__PURE__ */ new Set();
  const verifications = opts.verify ?? plan.verify ?? {};
  const fifos = new OutputFifos(
    plan.steps.filter((s) => s.run !== void 0 && !opts.done?.has(s.id) && !opts.skip?.has(s.id)).length + Object.keys(verifications).length
  );
  const baseEnv = stepEnvironment(opts.env ?? process.env);
  const executionId = newExecutionId();
  const run = async (cmd, extraEnv, onOutput) => {
    const timeoutMs = cmd.timeout !== void 0 ? parseDuration(cmd.timeout) : void 0;
    const dir = resolveWorkingDirectory(opts.cwd, cmd.workingDirectory);
    const env = { ...baseEnv };
    for (const [key, value2] of Object.entries(cmd.env ?? {})) env[key] = String(value2);
    Object.assign(env, { PROCEED_PLAN: opts.planPath }, extraEnv, opts.extraEnv, {
      [EXECUTION_MARK]: executionId
    });
    const outcome = "error" in dir ? {
      exitCode: null,
      signal: null,
      timedOut: false,
      aborted: false,
      startedAt: (/* @__PURE__ */ new Date()).toISOString(),
      durationMs: 0,
      tail: "",
      droppedBytes: 0,
      spawnError: dir.error
    } : await runCommand({
      command: cmd.run,
      shell: cmd.shell,
      cwd: dir.path,
      env,
      ...timeoutMs !== void 0 ? { timeoutMs } : {},
      ...signal2 ? { signal: signal2 } : {},
      ...opts.tailBytes !== void 0 ? { tailBytes: opts.tailBytes } : {},
      killGraceMs: graceMs,
      ...opts.secrets ? { secrets: opts.secrets } : {},
      ...onOutput ? { onOutput } : {},
      fifos
    });
    if (outcome.pid !== void 0) groups.add(outcome.pid);
    const status2 = statusOf(outcome);
    const reason = reasonOf(outcome, status2, timeoutMs);
    const result2 = {
      id: cmd.id,
      status: status2,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      tail: outcome.tail,
      droppedBytes: outcome.droppedBytes,
      ...reason !== void 0 ? { reason } : {}
    };
    return result2;
  };
  const settled = (id, status2, reason, estimate) => ({
    id,
    status: status2,
    exitCode: null,
    signal: null,
    startedAt: (/* @__PURE__ */ new Date()).toISOString(),
    durationMs: 0,
    ...estimate !== void 0 ? { estimateMs: parseDuration(estimate) } : {},
    tail: "",
    droppedBytes: 0,
    reason
  });
  const finishStep = async (step, index, result2) => {
    results.push(result2);
    await events.send({ type: "step-finished", step, index, result: result2 });
  };
  const runStep = async (step, index) => {
    const startedAt = (/* @__PURE__ */ new Date()).toISOString();
    await events.send({ type: "step-started", step, index, startedAt });
    const cmd = stepCommand(step);
    const result2 = cmd ? await run(
      cmd,
      { PROCEED_STEP: step.id },
      events.wantsOutput ? (chunk) => events.output(step, index, chunk) : void 0
    ) : { ...settled(step.id, "success", "no command"), startedAt };
    await events.drain();
    if (step.estimate !== void 0) result2.estimateMs = parseDuration(step.estimate);
    await finishStep(step, index, result2);
    return result2;
  };
  const cancelFrom = async (from, reason) => {
    for (let j = from; j < plan.steps.length; j++) {
      const step = plan.steps[j];
      const done2 = doneResult(step);
      if (done2) results.push(done2);
      else await finishStep(step, j, settled(step.id, "cancelled", reason, step.estimate));
    }
  };
  const doneResult = (step) => {
    if (!opts.done?.has(step.id)) return void 0;
    const earlier = opts.done instanceof Map ? opts.done.get(step.id) : void 0;
    return earlier ?? settled(step.id, "success", ALREADY_SUCCEEDED, step.estimate);
  };
  const ask = async (question) => {
    if (signal2?.aborted) return "aborted";
    if (!signal2) return question();
    let onAbort = () => void 0;
    const aborted = new Promise((resolve4) => {
      onAbort = () => resolve4("aborted");
      signal2.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([question(), aborted]);
    } finally {
      signal2.removeEventListener("abort", onAbort);
    }
  };
  const checkGuard = async () => {
    if (!opts.guard) return void 0;
    try {
      return await opts.guard();
    } catch (err) {
      return `could not confirm that the plan and head are unchanged (${err.message}); nothing more was run`;
    }
  };
  const executeSteps = async () => {
    let firstFailure;
    for (let index = 0; index < plan.steps.length; index++) {
      const step = plan.steps[index];
      const next = { stepId: step.id, index };
      const done2 = doneResult(step);
      if (done2) {
        results.push(done2);
        continue;
      }
      if (signal2?.aborted) {
        await cancelFrom(index, "not run: the execution was cancelled");
        return { outcome: "cancelled", next, reason: abortReason(signal2) };
      }
      if (opts.skip?.has(step.id)) {
        if (!config.allow_skip) {
          return {
            outcome: "failed",
            next,
            reason: `step "${step.id}" cannot be skipped: this plan does not allow skipping (config.allow_skip is false); /retry it or /cancel`
          };
        }
        await finishStep(step, index, settled(step.id, "skipped", "skipped by /skip", step.estimate));
        continue;
      }
      if (stopsBefore(plan, index) && !opts.confirmed?.has(step.id)) {
        const decision = await ask(
          () => opts.onCheckpoint?.(step, index) ?? Promise.resolve("pause")
        );
        if (decision === "aborted" || decision === "cancel") {
          const why = decision === "aborted" ? abortReason(signal2) : `cancelled at the checkpoint before step "${step.id}"`;
          await cancelFrom(index, `not run: ${why}`);
          return { outcome: "cancelled", next, reason: why };
        }
        if (decision === "pause") {
          await events.send({ type: "paused", step, index, reason: "checkpoint" });
          return { outcome: "paused", next, reason: `paused at the checkpoint before step "${step.id}"` };
        }
      }
      for (; ; ) {
        const stop = await checkGuard();
        if (stop !== void 0) return { outcome: "failed", next, reason: stop };
        const result2 = await runStep(step, index);
        if (result2.status === "success") break;
        if (result2.status === "cancelled") {
          await cancelFrom(index + 1, "not run: the execution was cancelled");
          return { outcome: "cancelled", next, reason: abortReason(signal2) };
        }
        if (!config.stop_on_error) {
          firstFailure ??= { index, reason: describeFailure(step, result2) };
          break;
        }
        const decision = await ask(
          () => opts.onFailure?.(step, result2, index) ?? Promise.resolve("stop")
        );
        if (decision === "retry") continue;
        if (decision === "skip" && config.allow_skip) {
          await finishStep(
            step,
            index,
            settled(
              step.id,
              "skipped",
              `skipped by /skip after it ${result2.status === "timed-out" ? "timed out" : "failed"}`,
              step.estimate
            )
          );
          break;
        }
        if (decision === "aborted" || decision === "cancel") {
          const why = decision === "aborted" ? abortReason(signal2) : `cancelled after ${describeFailure(step, result2)}`;
          await cancelFrom(index + 1, `not run: ${why}`);
          return { outcome: "cancelled", next, reason: why };
        }
        await events.send({ type: "paused", step, index, reason: "failure" });
        const refusal2 = decision === "skip" ? "; it cannot be skipped: this plan does not allow skipping (config.allow_skip is false)" : "";
        return { outcome: "failed", next, reason: `${describeFailure(step, result2)}${refusal2}` };
      }
    }
    if (firstFailure) {
      const step = plan.steps[firstFailure.index];
      return {
        outcome: "failed",
        next: { stepId: step.id, index: firstFailure.index },
        reason: `${firstFailure.reason}; the later steps ran because stop_on_error is off, but a plan with a failed step is never verified`
      };
    }
    return void 0;
  };
  const executeVerify = async () => {
    const checks = Object.entries(verifications).map(([name, v]) => verificationCommand(name, v));
    await events.send({ type: "verify-started", names: checks.map((c) => c.id) });
    const verify = { status: "success", checks: [] };
    for (const cmd of checks) {
      const result2 = signal2?.aborted ? settled(cmd.id, "cancelled", "not run: the execution was cancelled") : await run(cmd, { PROCEED_VERIFY: cmd.id });
      verify.checks.push(result2);
      if (result2.status === "cancelled") verify.status = "cancelled";
      else if (result2.status !== "success" && verify.status === "success") verify.status = "failure";
      await events.send({ type: "verify-check-finished", result: result2 });
    }
    await events.send({ type: "verify-finished", result: verify });
    if (verify.status === "cancelled") return { verify, outcome: "cancelled", reason: abortReason(signal2) };
    if (verify.status === "failure") {
      const failed = verify.checks.filter((c) => c.status !== "success").map((c) => c.id);
      return { verify, outcome: "verify-failed", reason: `verification failed: ${failed.join(", ")}` };
    }
    return { verify, outcome: "verified" };
  };
  try {
    let ending = await executeSteps();
    if (!ending) {
      const stop = await checkGuard();
      ending = stop !== void 0 ? { outcome: "failed", reason: stop } : await executeVerify();
    }
    return { ...ending, results };
  } finally {
    await Promise.all([...groups].map((pgid) => stopProcessGroup(pgid, graceMs)));
    await sweepExecution(executionId, graceMs);
    await fifos.dispose();
  }
}

// src/render/report.ts
var BUDGETS = [
  { tail: 3e3, reason: 2e3, name: Infinity, items: Infinity },
  { tail: 1500, reason: 500, name: Infinity, items: Infinity },
  { tail: 600, reason: 300, name: Infinity, items: 100 },
  { tail: 200, reason: 200, name: 80, items: 50 },
  { tail: 0, reason: 120, name: 60, items: 30 },
  { tail: 0, reason: 0, name: 40, items: 10 }
];
function renderReport(plan, results, verify, opts = {}) {
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  let body = "";
  for (const budget of BUDGETS) {
    body = composeReport(plan, results, verify, budget);
    if (body.length <= maxLength) return body;
  }
  const result2 = `${resultLine(plan, results, verify, BUDGETS[BUDGETS.length - 1])}
`;
  return fitByCutting(body, maxLength, result2, "see the check runs");
}
function composeReport(plan, results, verify, budget) {
  const outcome = reportOutcome(plan, results, verify);
  const sections = [
    `## ${OUTCOME_LABEL[outcome]}: ${escapeInline(plan.title)}`,
    summaryLine(plan, results, verify),
    stepsTable(plan, results, budget),
    verify ? verifyTable(verify, budget) : "",
    rollbackTable(results, budget),
    budget.tail > 0 ? failureDetails(plan, results, verify, budget) : "",
    resultLine(plan, results, verify, budget)
  ];
  return `${sections.filter((s) => s !== "").join("\n\n")}
`;
}
function plural(n, word) {
  return `${formatCount(n)} ${n === 1 ? word : `${word}s`}`;
}
function stepsTotalMs(plan, results) {
  const ids = new Set(plan.steps.map((s) => s.id));
  return results.filter((r) => ids.has(r.id)).reduce((sum, r) => sum + r.durationMs, 0);
}
function summaryLine(plan, results, verify) {
  const latest2 = [...latestStepResults(plan, results).values()];
  const succeeded = latest2.filter((o) => o.result.status === "success").length;
  const skipped = latest2.filter((o) => o.result.status === "skipped").length;
  const showEstimates = plan.config.show_estimated_time;
  const estimate = summarizeEstimate(plan);
  let line = `**${succeeded} of ${plural(plan.steps.length, "step")}** succeeded`;
  if (skipped) line += ` (${formatCount(skipped)} skipped)`;
  line += ` in **${formatDuration(stepsTotalMs(plan, results))}**`;
  if (showEstimates) line += ` (${estimatedAside(estimate)})`;
  if (verify) {
    const passed = verify.checks.filter((c) => c.status === "success").length;
    line += `; **${passed} of ${plural(verify.checks.length, "check")}** passed`;
  }
  return `${line}.`;
}
function statusCell(outcome) {
  if (!outcome) return "\u26AA Not run";
  const label = stepStatusLabel(outcome.result.status);
  return outcome.attempts > 1 ? `${label} (${outcome.attempts} attempts)` : label;
}
function stepsTable(plan, results, budget) {
  const showEstimates = plan.config.show_estimated_time;
  const latest2 = latestStepResults(plan, results);
  const columns = [
    "#",
    "Step",
    ...showEstimates ? ["Estimate"] : [],
    "Actual",
    ...showEstimates ? ["\u0394"] : [],
    "Status"
  ];
  const align = columns.map((c) => c === "Step" || c === "Status" ? "left" : "right");
  const rows = plan.steps.map((step, i) => {
    const outcome = latest2.get(step.id);
    const estimateMs = outcome?.result.estimateMs ?? stepEstimateMs(step);
    const actualMs = outcome?.result.durationMs;
    const ran = outcome !== void 0 && outcome.result.status !== "skipped" && outcome.result.status !== "cancelled";
    const delta = ran && estimateMs !== void 0 && actualMs !== void 0 ? formatDelta(actualMs, estimateMs) : "";
    return [
      String(i + 1),
      escapeInline(truncate(step.name, budget.name, { compact: true })),
      ...showEstimates ? [estimateMs === void 0 ? "\u2014" : formatDuration(estimateMs)] : [],
      actualMs === void 0 ? "\u2014" : formatDuration(actualMs),
      ...showEstimates ? [delta] : [],
      statusCell(outcome)
    ];
  });
  const totalMs = stepsTotalMs(plan, results);
  const estimate = summarizeEstimate(plan);
  const totalEstimate = estimate.totalMs === void 0 ? "\u2014" : formatDuration(estimate.totalMs);
  const totalDelta = estimate.totalMs !== void 0 && (estimate.fromPlan || estimate.estimatedSteps === estimate.steps) ? formatDelta(totalMs, estimate.totalMs) : "";
  rows.push([
    "",
    "**Total**",
    ...showEstimates ? [`**${totalEstimate}**`] : [],
    `**${formatDuration(totalMs)}**`,
    ...showEstimates ? [totalDelta] : [],
    ""
  ]);
  return `### \u{1FA9C} Steps

${table(columns, align, rows)}`;
}
function checkRows(checks, budget) {
  return checks.slice(0, budget.items).map((c) => [
    `**${escapeInline(truncate(c.id, budget.name, { compact: true }))}**`,
    formatDuration(c.durationMs),
    stepStatusLabel(c.status)
  ]);
}
function verifyTable(verify, budget) {
  if (verify.checks.length === 0) return "### \u{1F50D} Verify\n\nNo checks were defined.";
  const parts = [
    "### \u{1F50D} Verify",
    table(["Check", "Duration", "Result"], ["left", "right", "left"], checkRows(verify.checks, budget))
  ];
  if (verify.checks.length > budget.items)
    parts.push(omissionNote(verify.checks.length - budget.items, "checks"));
  return parts.join("\n\n");
}
function rollbackTable(results, budget) {
  const rollbacks = rollbackResults(results);
  if (rollbacks.length === 0) return "";
  const parts = [
    "### \u21A9\uFE0F Rollback",
    table(["Rollback of", "Duration", "Result"], ["left", "right", "left"], checkRows(rollbacks, budget))
  ];
  if (rollbacks.length > budget.items) parts.push(omissionNote(rollbacks.length - budget.items, "rollbacks"));
  return parts.join("\n\n");
}
function endedHow(result2) {
  if (result2.status === "timed-out") return "timed out";
  if (result2.exitCode !== null) return `exit code ${result2.exitCode}`;
  if (result2.signal !== null) return `killed by ${result2.signal}`;
  return result2.status;
}
function failureDetails(plan, results, verify, budget) {
  const failed = (r) => r.status === "failure" || r.status === "timed-out";
  const items = [];
  const latest2 = latestStepResults(plan, results);
  plan.steps.forEach((step, i) => {
    const outcome = latest2.get(step.id);
    if (outcome && failed(outcome.result))
      items.push({ title: `${i + 1}. ${step.name}`, result: outcome.result });
  });
  for (const check of verify?.checks ?? [])
    if (failed(check)) items.push({ title: `verify: ${check.id}`, result: check });
  for (const rollback of rollbackResults(results))
    if (failed(rollback)) items.push({ title: rollback.id, result: rollback });
  if (items.length === 0) return "";
  const blocks = items.slice(0, budget.items).map(({ title, result: result2 }) => {
    const parts = [
      `<details>
<summary>\u274C <b>${escapeHtml(title)}</b> \u2014 ${escapeHtml(endedHow(result2))}</summary>`
    ];
    if (result2.reason) parts.push(escapeText(truncate(result2.reason, budget.reason)));
    const tail = clipStart(result2.tail.trimEnd(), budget.tail);
    if (tail.text !== "") {
      parts.push(fencedBlock(tail.text, "text"));
      if (tail.omitted > 0 || result2.droppedBytes > 0)
        parts.push("_Only the end of the output is shown; see the check run for more._");
    } else parts.push("_No output._");
    parts.push("</details>");
    return parts.join("\n\n");
  });
  if (items.length > budget.items)
    blocks.push(omissionNote(items.length - budget.items, "failures", "see the check runs"));
  return `### \u{1F50E} What failed

${blocks.join("\n\n")}`;
}
function stepName(plan, id, budget) {
  const index = plan.steps.findIndex((s) => s.id === id);
  const step = plan.steps[index];
  if (!step) return codeSpan(id);
  return `step ${index + 1} (**${escapeInline(truncate(step.name, Math.min(budget.name, 80), { compact: true }))}**)`;
}
function resultLine(plan, results, verify, budget) {
  const outcome = reportOutcome(plan, results, verify);
  const latest2 = latestStepResults(plan, results);
  const firstWith = (statuses) => plan.steps.find((s) => {
    const status2 = latest2.get(s.id)?.result.status;
    return status2 !== void 0 && statuses.includes(status2);
  });
  let text;
  switch (outcome) {
    case "verified": {
      const skipped = [...latest2.values()].filter((o) => o.result.status === "skipped").length;
      text = skipped ? `\u2705 Complete \u2014 every check passed; ${plural(skipped, "step")} ${skipped === 1 ? "was" : "were"} skipped.` : "\u2705 Complete \u2014 every step and every check passed.";
      break;
    }
    case "failed": {
      const step = firstWith(["failure", "timed-out"]);
      const reason = step ? latest2.get(step.id)?.result.reason : void 0;
      const why = reason && budget.reason > 0 ? `: ${escapeInline(truncate(reason, Math.min(budget.reason, 300)))}` : ".";
      text = `\u274C Failed at ${step ? stepName(plan, step.id, budget) : "a step"}${why}`;
      break;
    }
    case "verify-failed": {
      const failing = (verify?.checks ?? []).filter((c) => c.status !== "success").map((c) => c.id);
      const names = failing.slice(0, 10).map((id) => codeSpan(truncate(id, 60, { compact: true })));
      if (failing.length > names.length) names.push(`${failing.length - names.length} more`);
      text = `\u274C Verification failed: ${names.join(", ") || "the verify phase did not pass"}.`;
      break;
    }
    case "cancelled":
      text = "\u{1F6AB} Cancelled; steps that had not run are marked cancelled.";
      break;
    case "paused": {
      const next = plan.steps.find((s) => !latest2.has(s.id));
      text = next ? `\u23F8\uFE0F Paused before ${stepName(plan, next.id, budget)}.` : "\u23F8\uFE0F Paused before the verify phase.";
      break;
    }
  }
  return `**Result:** ${text}`;
}

// src/gate/rules/contributors.ts
var PUSHERS_KEPT = 20;
function contributionsOf(commits, pushers = []) {
  const found = [];
  for (const p of [...pushers].reverse()) found.push({ login: p.login, how: "pushed", commit: p.sha });
  for (const c of [...commits].reverse()) {
    if (c.author) found.push({ login: c.author, how: "authored", commit: c.sha });
    if (c.committer && c.committer !== c.author)
      found.push({ login: c.committer, how: "committed", commit: c.sha });
  }
  return found;
}
function withPusher(stored, login, sha) {
  const others = (stored.pushers ?? []).filter((p) => p.sha !== sha);
  return { ...stored, pushers: [...others, { login, sha }].slice(-PUSHERS_KEPT) };
}
function contributorRefusal(login, contributions) {
  const mine = contributions.find((c) => c.login.toLowerCase() === login.toLowerCase());
  if (!mine) return void 0;
  return `${codeSpan(login)} ${mine.how} commit ${codeSpan(mine.commit.slice(0, 7))} of this pull request, so counts as one of its authors, and this repository does not let authors approve or run their own plan (\`self_approval: false\`); someone else has to.`;
}

// src/gate/authorize.ts
var PERMISSIONS = ["none", "read", "triage", "write", "maintain", "admin"];
var DOOR_COMMANDS = {
  comment: COMMANDS,
  review: ["proceed"],
  button: ["proceed", "retry", "cancel"]
};
var CANCEL_PERMISSION = "write";
var NAMES_SHOWN = 10;
function atLeast(permission, minimum) {
  return PERMISSIONS.indexOf(permission) >= PERMISSIONS.indexOf(minimum);
}
function sameLogin(a, b) {
  return a.toLowerCase() === b.toLowerCase();
}
function isListedApprover(actor, policy) {
  const { users, teams } = policy.approvers;
  if (users.length === 0 && teams.length === 0) return true;
  if (users.some((user) => sameLogin(user, actor.login))) return true;
  const memberOf = new Set(actor.teams.map((team) => team.toLowerCase()));
  return teams.some((team) => memberOf.has(team.toLowerCase()));
}
function authorize(input) {
  const { command: command2, actor, policy, door } = input;
  const refuse2 = (reason) => ({
    allowed: false,
    reason,
    whoMay: describeWhoMay(command2, input)
  });
  const who = codeSpan(actor.login);
  const isAuthor = sameLogin(actor.login, input.prAuthor);
  if (!DOOR_COMMANDS[door].includes(command2)) {
    const through = door === "review" ? "An approving review only counts as `/proceed`" : "The buttons only give `/proceed`, `/retry` and `/cancel`";
    return refuse2(`${through}; write \`/${command2}\` in a comment instead.`);
  }
  if (command2 === "help" || command2 === "plan") return { allowed: true };
  if (actor.type !== "User") {
    const kind = actor.type === "Bot" ? "a bot" : "an organization";
    return refuse2(`${who} is ${kind}, and only people may approve, run or stop steps.`);
  }
  if (command2 === "cancel") {
    if (isAuthor || atLeast(actor.permission, CANCEL_PERMISSION)) return { allowed: true };
    return refuse2(
      `${who} has ${permissionWords(actor.permission)} and did not open this pull request; \`/cancel\` needs ${minimumWords(CANCEL_PERMISSION)}, or being the author.`
    );
  }
  if (command2 === "skip" && !input.allowSkip) {
    return refuse2(
      "This plan does not allow skipping a step (`config.allow_skip` is false); fix the step and `/retry` it, or `/cancel`."
    );
  }
  if (input.isFork && !policy.forks) {
    return refuse2(
      `This pull request comes from a fork, and this repository does not run plans from forks (\`forks: false\` in \`${POLICY_FILE}\`).`
    );
  }
  const minimum = policy.approvers.permission;
  if (!atLeast(actor.permission, minimum)) {
    return refuse2(
      `${who} has ${permissionWords(actor.permission)}; \`/${command2}\` needs ${minimumWords(minimum)}.`
    );
  }
  if (!isListedApprover(actor, policy)) {
    return refuse2(`${who} is not one of the approvers listed in \`${POLICY_FILE}\`.`);
  }
  if (isAuthor && !policy.self_approval) {
    return refuse2(
      `${who} opened this pull request, and this repository does not let authors approve or run their own plan (\`self_approval: false\` in \`${POLICY_FILE}\`); someone else has to.`
    );
  }
  const contributed = policy.self_approval ? void 0 : contributorRefusal(actor.login, input.contributions ?? []);
  if (contributed) return refuse2(contributed);
  return { allowed: true };
}
function describeWhoMay(command2, context) {
  const { policy, prAuthor } = context;
  const author = prAuthor ? `the author (${codeSpan(prAuthor)})` : "the pull request's author";
  switch (command2) {
    case "help":
    case "plan":
      return "anyone who can comment on the pull request";
    case "cancel":
      return `${author} and people with ${minimumWords(CANCEL_PERMISSION)}`;
    default:
      break;
  }
  if (command2 === "skip" && !context.allowSkip) {
    return "nobody, because this plan does not allow `/skip` (`config.allow_skip` is false)";
  }
  if (context.isFork && !policy.forks) {
    return `nobody on a pull request from a fork, unless \`${POLICY_FILE}\` on the base branch sets \`forks: true\``;
  }
  const conditions = [];
  const listed = allowlistWords(policy);
  if (listed) conditions.push(listed);
  if (!policy.self_approval) conditions.push(`are not ${author}`);
  const people = `people with ${minimumWords(policy.approvers.permission)}`;
  return conditions.length ? `${people} who ${conditions.join(", and ")}` : people;
}
function allowlistWords(policy) {
  const { users, teams } = policy.approvers;
  const names = [...users.map((user) => codeSpan(user)), ...teams.map((team) => codeSpan(team))];
  const hidden = Math.max(0, names.length - NAMES_SHOWN);
  const shownUsers = names.slice(0, Math.min(users.length, NAMES_SHOWN));
  const shownTeams = names.slice(users.length, NAMES_SHOWN);
  const parts = [];
  if (shownUsers.length) parts.push(`are ${alternatives(shownUsers)}`);
  if (shownTeams.length) parts.push(`belong to ${alternatives(shownTeams)}`);
  if (hidden) parts.push(`are among ${hidden} more approvers listed in \`${POLICY_FILE}\``);
  return parts.join(", or ");
}
function alternatives(names) {
  return names.length <= 1 ? names[0] ?? "" : `${names.slice(0, -1).join(", ")} or ${names.at(-1) ?? ""}`;
}
function permissionWords(permission) {
  return permission === "none" ? "no access to this repository" : `${permission} access`;
}
function minimumWords(minimum) {
  return minimum === "admin" ? "admin access" : `${minimum} access or more`;
}

// src/gate/cancel-watch.ts
var SHARED_WORKFLOW_ACCOUNT = "github-actions[bot]";
function sharedAccount(botLogin) {
  return botLogin.toLowerCase() === SHARED_WORKFLOW_ACCOUNT;
}
function watchWhileRunning(env, view, runner, lost) {
  const controller = new AbortController();
  const since = (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
  let stopReason;
  let cancelledBy;
  const onLost = () => {
    stopReason ??= `${String(lost.reason)} (this execution stopped sending heartbeats in time)`;
    controller.abort(stopReason);
  };
  if (lost.aborted) onLost();
  else lost.addEventListener("abort", onLost, { once: true });
  let lookedAt = Date.now();
  let looking;
  const check = () => looking ??= look().finally(() => looking = void 0);
  const look = async () => {
    lookedAt = Date.now();
    const pr = await env.port.getPullRequest(view.pr.number);
    if (pr.state === "closed") return "the pull request was closed";
    if (pr.headSha !== view.pr.headSha)
      return `new commit ${short(pr.headSha)} was pushed; the approval was for ${short(view.pr.headSha)}`;
    for (const c of await env.port.listComments(view.pr.number, since)) {
      if (Date.parse(c.createdAt) < Date.parse(since) - 1e3 || c.updatedAt !== c.createdAt) continue;
      let asker = c.user;
      if (c.user?.login.toLowerCase() === env.botLogin.toLowerCase()) {
        const by = cancelRequestedBy(c.body);
        if (!by || sharedAccount(env.botLogin)) continue;
        asker = { login: by, type: "User" };
      } else {
        const parsed = parseComment(c.body);
        if (parsed.kind !== "command" || parsed.command !== "cancel") continue;
      }
      if (!asker) continue;
      const actor = await actorOf(env, view.policy, asker, "cancel");
      const ok = authorize({
        command: "cancel",
        actor,
        prAuthor: view.pr.author.login,
        isFork: view.pr.isFork,
        policy: view.policy,
        allowSkip: false,
        door: "comment"
      });
      if (ok.allowed) {
        if (asker === c.user) await env.port.reactToComment(c.id, "eyes");
        cancelledBy ??= asker.login;
        return `cancelled by ${asker.login}`;
      }
    }
    return void 0;
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    check().then((reason) => {
      if (reason && !controller.signal.aborted) {
        stopReason = reason;
        controller.abort(reason);
      }
    }).catch(
      (err) => env.log(`Could not check the pull request while running: ${err.message}`)
    ).finally(() => busy = false);
  }, runner.pollMs);
  timer.unref();
  return {
    signal: controller.signal,
    // Before every step: the same checks, unless the last look is younger than the poll interval,
    // so short steps do not cost two reads each and a push or a close still stops the next step.
    // A look that failed past Octokit's retries (or a poll's that the guard joined) is tried once
    // more before the guard gives up and stops the run.
    guard: async () => stopReason ?? (Date.now() - lookedAt < runner.pollMs ? void 0 : await check().catch(() => check())),
    cancelledBy: () => cancelledBy,
    stop: () => {
      clearInterval(timer);
      lost.removeEventListener("abort", onLost);
    }
  };
}

// src/gate/rules/checkpoint-approvers.ts
function checkpointRefusal(approvers, actor, step) {
  const who = codeSpan(actor.login);
  const at = `the checkpoint before ${codeSpan(step)}`;
  if (approvers.permission && !atLeast(actor.permission, approvers.permission))
    return `${who} has ${actor.permission} access; ${at} needs ${approvers.permission} access or more.`;
  const { users, teams } = approvers;
  if (!users.length && !teams.length) return void 0;
  if (users.some((u) => u.toLowerCase() === actor.login.toLowerCase())) return void 0;
  const memberOf = new Set(actor.teams.map((t) => t.toLowerCase()));
  if (teams.some((t) => memberOf.has(t.toLowerCase()))) return void 0;
  return `${who} is not one of the people the plan names for ${at}.`;
}
function checkpointWhoMay(approvers) {
  const names = [
    ...approvers.users.length ? [`are ${approvers.users.map((u) => codeSpan(u)).join(" or ")}`] : [],
    ...approvers.teams.length ? [`belong to ${approvers.teams.map((t) => codeSpan(t)).join(" or ")}`] : []
  ];
  const floor = approvers.permission ? `people with ${approvers.permission} access or more` : "people allowed to approve";
  const count = approvers.count > 1 ? ` (${approvers.count} of them must confirm)` : "";
  return `${floor}${names.length ? ` who ${names.join(", or ")}` : ""}${count}`;
}
function recordConfirmation(confirmations, step, by, at) {
  const kept = confirmations.filter((c) => c.step === step && c.by.toLowerCase() !== by.toLowerCase());
  return [...kept, { step, by, at: at.toISOString() }].slice(-20);
}

// src/gate/run-checks.ts
function whoMayConfirm(step) {
  const approvers = checkpointApprovers(step);
  return approvers ? ` Who may confirm: ${checkpointWhoMay(approvers)}.` : "";
}
var CHECK_TEXT_LIMIT = GITHUB_CHECK_TEXT_LIMIT;
async function publishEvent(env, view, checks, stepRuns, event, publisher) {
  const sha = view.pr.headSha;
  const hash = view.plan.hash;
  switch (event.type) {
    case "step-started":
      publisher.want(
        stepKey(event.step.id),
        stepSync(env, stepRuns, event.step.id, {
          name: stepCheckName(event.step.id),
          headSha: sha,
          status: "in_progress",
          startedAt: event.startedAt,
          externalId: stepExternalId(hash, event.step.id),
          title: `Running step ${event.index + 1} of ${view.plan.plan.steps.length}`,
          summary: `${codeSpan(event.step.name)} started.`,
          ...buttons(env, "cancel")
        })
      );
      return;
    case "step-finished": {
      const output = stepOutput(event.step, event.index, view.plan.plan, event.result);
      const failed = event.result.status === "failure" || event.result.status === "timed-out";
      const ran = event.result.status !== "skipped" && event.result.status !== "cancelled";
      publisher.want(
        stepKey(event.step.id),
        stepSync(
          env,
          stepRuns,
          event.step.id,
          {
            name: stepCheckName(event.step.id),
            headSha: sha,
            status: "completed",
            conclusion: conclusionOf(event.result),
            externalId: stepExternalId(hash, event.step.id),
            ...ran ? { startedAt: event.result.startedAt } : {},
            completedAt: now(env).toISOString(),
            ...output,
            ...failed ? buttons(env, "retry", "cancel") : buttons(env)
          },
          true
        )
      );
      await publisher.settle(stepKey(event.step.id));
      return;
    }
    case "paused":
      if (event.reason !== "checkpoint") return;
      publisher.want(
        stepKey(event.step.id),
        stepSync(env, stepRuns, event.step.id, {
          name: stepCheckName(event.step.id),
          headSha: sha,
          status: "completed",
          conclusion: "action_required",
          externalId: stepExternalId(hash, event.step.id),
          completedAt: now(env).toISOString(),
          title: "Checkpoint: waiting for /proceed",
          summary: `The plan stops before step ${event.index + 1}, ${codeSpan(event.step.name)}, until someone allowed comments \`/proceed\`.` + whoMayConfirm(event.step),
          ...buttons(env, "proceed", "cancel")
        })
      );
      return;
    case "verify-started":
      publisher.want(GATE_KEY, async () => {
        await upsertCheck(env, checks, sha, CHECK_VERIFY, {
          status: "in_progress",
          title: "Verifying",
          summary: event.names.length ? `Running ${event.names.map((n) => codeSpan(n)).join(", ")}.` : "Nothing to run.",
          ...buttons(env)
        });
      });
      return;
    case "verify-finished": {
      const lines = event.result.checks.map(
        (c) => `- ${c.status === "success" ? "\u2705" : "\u274C"} ${codeSpan(c.id)}: ${c.status}, exit ${c.exitCode ?? c.signal ?? "\u2014"}, ${formatDuration(c.durationMs)}`
      );
      const failures = event.result.checks.filter((c) => c.status !== "success");
      publisher.want(GATE_KEY, async () => {
        await upsertCheck(env, checks, sha, CHECK_VERIFY, {
          conclusion: event.result.status === "success" ? "success" : "failure",
          title: event.result.status === "success" ? "Verified: every step and every check passed" : `${failures.length} check(s) failed`,
          summary: clipStart(lines.join("\n") || "No checks to run; every step passed.", CHECK_TEXT_LIMIT).text,
          text: clipText(
            failures.map((c) => `### ${c.id}

${logBlock(c.tail.slice(-8e3))}`).join("\n\n")
          ),
          ...event.result.status === "success" ? buttons(env) : buttons(env, "retry")
        });
      });
      return;
    }
    default:
      return;
  }
}
var GATE_KEY = "check:proceed/verify";
function stepKey(stepId) {
  return `check:step:${stepId}`;
}
function stepSync(env, stepRuns, stepId, input, final = false) {
  return async () => {
    const id = stepRuns.get(stepId);
    if (id !== void 0) {
      const { name: _name, headSha: _sha, externalId: _external, startedAt: _started, ...edit } = input;
      await env.port.updateCheckRun(id, edit);
      if (final) stepRuns.delete(stepId);
      return;
    }
    const created = await env.port.createCheckRun(input);
    if (!final) stepRuns.set(stepId, created.id);
  };
}
async function concludeGate(env, view, checks, report) {
  const sha = view.pr.headSha;
  const at = report.next ? ` at step ${report.next.index + 1} (${codeSpan(report.next.stepId)})` : "";
  switch (report.outcome) {
    case "paused":
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        status: "queued",
        title: `Paused${at}`,
        summary: `Paused at a checkpoint${at}; \`/proceed\` resumes. This check passes only when every step and verification passed.`,
        ...buttons(env)
      });
      return;
    case "failed":
    case "cancelled":
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        conclusion: report.outcome === "failed" ? "failure" : "cancelled",
        title: report.outcome === "failed" ? `Failed${at}` : `Cancelled${at}`,
        summary: `${report.reason ? `${escapeReason(report.reason)}

` : ""}The steps did not all succeed on ${codeSpan(short(sha))}, so this commit is not verified.`,
        ...buttons(env)
      });
      return;
    default:
      return;
  }
}
function escapeReason(reason) {
  return codeSpan(reason);
}
function stepOutput(step, index, plan, r) {
  const estimate = r.estimateMs !== void 0 ? ` against an estimate of ${formatDuration(r.estimateMs)}` : "";
  const exit = r.exitCode !== null ? `exit code ${r.exitCode}` : r.signal ? `killed by ${r.signal}` : "no exit code";
  const title = r.status === "success" ? `Succeeded in ${formatDuration(r.durationMs)}` : r.status === "timed-out" ? `Timed out after ${formatDuration(r.durationMs)}` : r.status === "failure" ? `Failed (${exit})` : r.status === "skipped" ? "Skipped" : "Cancelled";
  const summary = `Step ${index + 1} of ${plan.steps.length}: ${codeSpan(step.name)}

- Result: **${r.status}**, ${exit}
- Duration: ${formatDuration(r.durationMs)}${estimate}` + (r.reason ? `
- ${escapeReason(r.reason)}` : "");
  const dropped = r.droppedBytes ? `The first ${formatCount(r.droppedBytes)} bytes of output are not shown.

` : "";
  return { title, summary, text: logBlock(r.tail, dropped) };
}
function logBlock(tail, prefix = "") {
  if (!tail) return `${prefix}No output.`;
  let room = CHECK_TEXT_LIMIT - prefix.length - 200;
  for (; ; ) {
    const kept = clipStart(tail, room);
    const cut = kept.omitted ? `\u2026 ${formatCount(kept.omitted)} earlier characters cut to fit.

` : "";
    const text = `${prefix}${cut}${fencedBlock(kept.text)}`;
    if (text.length <= CHECK_TEXT_LIMIT) return text;
    room = Math.floor(room * 0.8);
  }
}
function clipText(text) {
  return text.length <= CHECK_TEXT_LIMIT ? text : `\u2026 earlier text cut to fit.

${clipStart(text, CHECK_TEXT_LIMIT - 40).text}`;
}
function conclusionOf(r) {
  return r.status === "timed-out" ? "timed_out" : r.status;
}
function now(env) {
  return env.now?.() ?? /* @__PURE__ */ new Date();
}

// src/gate/outcome.ts
function outcomeComment(view, report, stored) {
  const { plan } = view.plan;
  const step = report.next ? plan.steps[report.next.index] : void 0;
  switch (report.outcome) {
    case "paused":
      return step ? `### \u23F8\uFE0F Checkpoint before step ${report.next.index + 1}: ${codeSpan(step.name)}

Steps so far succeeded. The plan stops here until someone allowed confirms.${whoMayConfirm(step)}

` + ways(plan, "paused", {
        proceed: `- \`/proceed\` runs step ${report.next.index + 1} and continues`,
        skip: "- `/skip` skips it and continues",
        cancel: "- `/cancel` stops here"
      }) : void 0;
    case "failed": {
      const last = [...report.results].reverse().find((r) => r.id === report.next?.stepId);
      const why = last ? `${last.status === "timed-out" ? "timed out" : `failed with exit ${last.exitCode ?? last.signal ?? "\u2014"}`}` : "stopped";
      return `### \u26D4 STOP: step ${(report.next?.index ?? 0) + 1}${step ? `, ${codeSpan(step.name)},` : ""} ${why}

${report.reason ? `${escapeReason(report.reason)}

` : ""}The plan assumed it would succeed, so nothing after it ran. The log is in the ${codeSpan(stepCheckName(report.next?.stepId ?? ""))} check.

` + ways(plan, "failed", {
        retry: "- `/retry` runs it again, then continues",
        skip: "- `/skip` skips it and continues",
        cancel: "- `/cancel` stops here",
        rollback: "- `/rollback` undoes the completed steps, newest first"
      });
    }
    case "cancelled":
      return `### \u2298 Cancelled

${report.reason ? escapeReason(report.reason) : "The execution was cancelled."} Steps not run are marked cancelled.`;
    default:
      return renderReport(plan, report.results, report.verify) + (stored.state === "verify-failed" ? `

${ways(plan, "verify-failed", { retry: "`/retry` runs the verify phase again." })}` : "");
  }
}
function ways(plan, state, text) {
  const allows = { skip: plan.config.allow_skip, rollback: plan.steps.some((s) => s.rollback !== void 0) };
  return offered(state, allows).flatMap((command2) => text[command2] ?? []).join("\n");
}

// src/gate/publisher.ts
function tick() {
  let resolve4;
  const promise = new Promise((r) => resolve4 = r);
  return { promise, resolve: resolve4 };
}
function createPublisher(o = {}) {
  const pending = /* @__PURE__ */ new Map();
  const urgent = /* @__PURE__ */ new Set();
  const failed = /* @__PURE__ */ new Map();
  let inFlight;
  let working = false;
  let written = tick();
  let waited = tick();
  let flushing = 0;
  const next = () => {
    for (const key of urgent) if (pending.has(key)) return key;
    return pending.keys().next().value;
  };
  const work = async () => {
    for (let key = next(); key !== void 0; key = next()) {
      if (o.room && !flushing && !urgent.has(key)) {
        await Promise.race([o.room(), waited.promise]);
        key = next();
        if (key === void 0) break;
      }
      const sync = pending.get(key);
      pending.delete(key);
      urgent.delete(key);
      inFlight = key;
      try {
        await sync();
        failed.delete(key);
      } catch (err) {
        failed.set(key, err);
      }
      inFlight = void 0;
      const done2 = written;
      written = tick();
      done2.resolve();
    }
    working = false;
  };
  const wake = () => {
    const w = waited;
    waited = tick();
    w.resolve();
  };
  const busy = (key) => pending.has(key) || inFlight === key;
  return {
    want(key, sync) {
      pending.set(key, sync);
      if (working) return;
      working = true;
      void Promise.resolve().then(work);
    },
    async settle(key) {
      if (pending.has(key)) {
        urgent.add(key);
        wake();
      }
      while (busy(key)) await written.promise;
      if (failed.has(key)) throw failed.get(key);
    },
    async flush() {
      flushing++;
      wake();
      try {
        while (pending.size || inFlight !== void 0) await written.promise;
      } finally {
        flushing--;
      }
      for (const err of failed.values()) throw err;
    }
  };
}
function until(publisher, stopped) {
  return {
    want: (key, sync) => publisher.want(key, async () => {
      if (!stopped()) await sync();
    }),
    settle: (key) => publisher.settle(key),
    flush: () => publisher.flush()
  };
}
async function flushed(publisher, work) {
  let value2;
  try {
    value2 = await work();
  } catch (err) {
    await publisher.flush().catch(() => void 0);
    throw err;
  }
  await publisher.flush();
  return value2;
}

// src/gate/execute.ts
async function executeApproved(env, view, stored, trigger, by, door) {
  const { port } = env;
  const number = view.pr.number;
  const runner = env.runner;
  if (!runner) return handOff(env, view, stored, trigger, by, door);
  return withPlanLock(
    env,
    view,
    runner.holder,
    lockMaxAgeMs(view.plan.plan),
    async (holder) => {
      await port.createComment(
        number,
        refusal(
          `/${trigger}`,
          `The plan is already being executed by ${holder}; wait for it to finish, or \`/cancel\` it.`
        )
      );
      return result(view, `Refused /${trigger}: another execution holds the lock.`, stored);
    },
    (lost) => {
      const publisher = until(env.publisher ?? createPublisher(), () => lost.aborted);
      const asked = { trigger, by, ...door ? { door } : {} };
      return flushed(publisher, () => runLocked(env, view, stored, asked, runner, lost, publisher));
    }
  );
}
async function runLocked(env, view, prior, asked, runner, lost, publisher) {
  const { port } = env;
  const { trigger } = asked;
  const startedAt = now2(env).toISOString();
  const { plan, hash, path } = view.plan;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const current = view.review ? await storedNow(env, number, view.review.id) : void 0;
  const overtaken = overtakenWhileWaiting(lastStored(view), current);
  if (overtaken) {
    await port.createComment(number, refusal(`/${trigger}`, overtaken));
    return result(view, `Refused /${trigger}: ${overtaken}`, current ?? prior);
  }
  const checks = await port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    hash,
    plan.steps.map((s) => s.id)
  );
  const done2 = /* @__PURE__ */ new Map();
  for (const [id, check] of previous) {
    if (check.conclusion === "success" || check.conclusion === "skipped")
      done2.set(id, resultFromCheck(id, check));
  }
  const confirmed = new Set(prior.confirmed);
  const confirms = trigger === "proceed" && (prior.state === "paused" || prior.state === "cancelled") && prior.next ? prior.next : void 0;
  if (confirms) confirmed.add(confirms);
  const audited = await readAuditRecord(port, checks);
  const verify = mergeVerify(plan.verify, view.policy).verify;
  const ran = [];
  const skip = new Set(trigger === "skip" && prior.next ? [prior.next] : []);
  let stored = {
    ...prior,
    state: "executing",
    next: void 0,
    pausedAt: void 0,
    reason: void 0,
    confirmed: [...confirmed]
  };
  const executing = stored;
  publisher.want(REVIEW_KEY, () => writeReview(env, view, reviewBody(view, executing, checks), executing));
  if (env.buttons) {
    publisher.want(GATE_KEY, async () => {
      await upsertCheck(env, checks, sha, CHECK_VERIFY, {
        status: "queued",
        title: "Executing the approved plan",
        summary: "This check concludes `success` only when every step and every verification of the approved plan passed on this commit.",
        ...buttons(env)
      });
    });
  }
  const workspace = await runner.workspace(sha, number);
  if (!workspace.ok) {
    stored = { ...prior };
    const back = stored;
    publisher.want(REVIEW_KEY, () => writeReview(env, view, reviewBody(view, back, checks), back));
    await publisher.flush();
    await port.createComment(number, refusal(`/${trigger}`, workspace.message));
    return {
      ...result(view, `Could not check out ${short(sha)}: ${workspace.message}`, stored),
      failed: true
    };
  }
  const source = await readFile(join3(workspace.dir, path), "utf8").catch(() => "");
  const watch = watchWhileRunning(env, view, runner, lost);
  const stepRuns = /* @__PURE__ */ new Map();
  const deployment = deploymentRecorder(env, view, deploymentLogUrl(env, view), prior.approval?.by);
  let report;
  try {
    report = await executePlan({
      plan,
      source,
      approvedHash: hash,
      planPath: path,
      cwd: workspace.dir,
      env: runner.env,
      extraEnv: { PROCEED_PR: String(number), PROCEED_SHA: sha },
      verify,
      done: done2,
      confirmed,
      skip,
      secrets: runner.secrets,
      signal: watch.signal,
      guard: watch.guard,
      onCheckpoint: async () => "pause",
      onFailure: async () => "stop",
      // Once the lock is lost, the new holder owns the check runs and the review: we only stop.
      onEvent: async (event) => {
        if (event.type === "step-finished") ran.push(event.result);
        if (lost.aborted) return;
        if (deployment && event.type === "step-started")
          publisher.want(DEPLOYMENT_KEY, () => deployment.onEvent(event));
        await publishEvent(env, view, checks, stepRuns, event, publisher);
      }
    });
  } catch (err) {
    watch.stop();
    if (!(err instanceof PlanChangedError)) throw err;
    stored = { ...prior };
    await publisher.flush();
    await writeReview(env, view, reviewBody(view, stored, checks), stored);
    await port.createComment(
      number,
      refusal(
        `/${trigger}`,
        `The plan at ${codeSpan(short(sha))} is not the plan that was approved. Approve it again.`
      )
    );
    return result(view, "Refused: the checked-out plan differs from the approved one.", stored);
  }
  watch.stop();
  await publisher.flush();
  if (lost.aborted) {
    env.log(`Stopped: ${String(lost.reason)}; the execution that took it over carries on.`);
    return { ...result(view, `Stopped: ${String(lost.reason)}.`, stored), failed: true };
  }
  stored = { ...stored, ...afterExecution(report, now2(env)) };
  await deployment?.finish(report);
  const fresh = await port.listCheckRuns(sha);
  await concludeGate(env, view, fresh, report);
  const confirmedIndex = confirms ? plan.steps.findIndex((s) => s.id === confirms) : -1;
  const record = recordExecution(
    audited && audited.record.commit === sha && audited.record.plan.hash === hash ? audited.record : void 0,
    view,
    prior,
    verify,
    {
      trigger,
      by: asked.by,
      ...asked.door ? { via: asked.door } : {},
      runner: runner.holder,
      startedAt,
      endedAt: now2(env).toISOString(),
      report,
      steps: ran,
      ...confirmedIndex >= 0 && stopsBefore(plan, confirmedIndex) ? { confirmed: confirms } : {},
      ...watch.cancelledBy() ? { cancelledBy: watch.cancelledBy() } : {},
      state: stored.state
    },
    `${port.owner}/${port.repo}`
  );
  await attachAuditRecord(port, sha, record).catch(
    (err) => env.log(
      `Could not attach the audit record to ${CHECK_VERIFY}: ${err.message}. It is in this job's summary.`
    )
  );
  await writeReview(env, view, reviewBody(view, stored, fresh), stored);
  const comment = outcomeComment(view, report, stored);
  if (comment) await port.createComment(number, comment);
  const summary = `Plan ${path}: ${stored.state}${stored.next ? ` at step ${stored.next}` : ""}${report.reason ? ` (${report.reason})` : ""}.`;
  return {
    ...result(view, summary, stored),
    failed: report.outcome === "failed" || report.outcome === "verify-failed",
    audit: auditSummary(record),
    ...report.outcome === "verified" || report.outcome === "verify-failed" ? { report: renderReport(plan, report.results, report.verify) } : {}
  };
}
function afterExecution(report, at) {
  const edges = {
    verified: "verify",
    "verify-failed": "fail-verify",
    failed: "fail",
    paused: "pause",
    cancelled: "stop"
  };
  return {
    state: follow(edges[report.outcome]),
    next: report.next?.stepId,
    pausedAt: report.outcome === "paused" ? at.toISOString() : void 0,
    reason: report.reason ? report.reason.slice(0, 300) : void 0
  };
}
function resultFromCheck(id, check) {
  const startedAt = check.startedAt ?? check.completedAt ?? (/* @__PURE__ */ new Date(0)).toISOString();
  const durationMs = check.startedAt && check.completedAt ? Date.parse(check.completedAt) - Date.parse(check.startedAt) : 0;
  return {
    id,
    status: check.conclusion === "skipped" ? "skipped" : "success",
    exitCode: check.conclusion === "skipped" ? null : 0,
    signal: null,
    startedAt,
    durationMs,
    tail: "",
    droppedBytes: 0,
    reason: "already done on this commit and plan; not run again"
  };
}
var REVIEW_KEY = "review";
var DEPLOYMENT_KEY = "deployment";
function now2(env) {
  return env.now?.() ?? /* @__PURE__ */ new Date();
}
async function handOff(env, view, stored, command2, by, door) {
  const requested = { command: command2, by, headSha: view.pr.headSha, ...door ? { via: door } : {} };
  const next = { ...stored, requested };
  await writeReview(env, view, reviewBody(view, next, await env.port.listCheckRuns(view.pr.headSha)), next);
  return {
    ...result(view, `/${command2} by ${by} on ${short(view.pr.headSha)}: handed over for execution.`, next),
    handoff: { ...requested, planHash: view.plan.hash }
  };
}

// src/gate/rollback.ts
import { readFile as readFile2 } from "node:fs/promises";
import { join as join4 } from "node:path";
async function rollbackPlan(env, view, stored, by) {
  const { port } = env;
  const runner = env.runner;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const checks = await port.listCheckRuns(sha);
  const previous = stepChecks(
    checks,
    view.plan.hash,
    view.plan.plan.steps.map((s) => s.id)
  );
  const toUndo = view.plan.plan.steps.filter((s) => s.rollback && previous.get(s.id)?.conclusion === "success").reverse();
  if (toUndo.length === 0) {
    await port.createComment(
      number,
      refusal(
        "/rollback",
        "No completed step on this commit has a `rollback` command, so there is nothing to undo."
      )
    );
    return result(view, "Nothing to roll back.");
  }
  if (!runner) return handOff(env, view, stored, "rollback", by);
  return withPlanLock(
    env,
    view,
    runner.holder,
    lockMaxAgeMs(view.plan.plan),
    async (holder) => {
      await port.createComment(
        number,
        refusal("/rollback", `The plan is being executed by ${holder}; \`/cancel\` it first.`)
      );
      return result(view, "Refused /rollback: another execution holds the lock.");
    },
    (lost) => runRollback(env, view, stored, by, runner, toUndo, lost)
  );
}
function rollbackPlan_(plan, toUndo) {
  return {
    ...plan,
    config: { ...plan.config, stop_on_error: true, allow_skip: false, checkpoint_between_steps: false },
    steps: toUndo.map((s) => ({ ...s, run: s.rollback, checkpoint: false, rollback: void 0 })),
    verify: {}
  };
}
async function runRollback(env, view, stored, by, runner, toUndo, lost) {
  const { port } = env;
  const number = view.pr.number;
  const sha = view.pr.headSha;
  const now3 = () => (env.now?.() ?? /* @__PURE__ */ new Date()).toISOString();
  const workspace = await runner.workspace(sha, number);
  if (!workspace.ok) {
    await port.createComment(number, refusal("/rollback", workspace.message));
    return { ...result(view, workspace.message), failed: true };
  }
  const source = await readFile2(join4(workspace.dir, view.plan.path), "utf8").catch(() => "");
  const lines = [];
  const runs = /* @__PURE__ */ new Map();
  let failed = false;
  try {
    await executePlan({
      plan: rollbackPlan_(view.plan.plan, toUndo),
      source,
      approvedHash: view.plan.hash,
      planPath: view.plan.path,
      cwd: workspace.dir,
      env: runner.env,
      extraEnv: { PROCEED_PR: String(number), PROCEED_SHA: sha },
      verify: {},
      secrets: runner.secrets,
      signal: lost,
      onFailure: async () => "stop",
      onEvent: async (event) => {
        if (event.type === "step-started") {
          const check = await port.createCheckRun({
            name: `proceed/rollback-${event.step.id}`,
            headSha: sha,
            status: "in_progress",
            startedAt: now3(),
            title: "Rolling back",
            summary: `Undoing ${codeSpan(event.step.name)}.`
          });
          runs.set(event.step.id, check.id);
        } else if (event.type === "step-finished") {
          const id = runs.get(event.step.id);
          if (id === void 0) return;
          const r = event.result;
          const ok = r.status === "success";
          failed ||= !ok;
          await port.updateCheckRun(id, {
            status: "completed",
            conclusion: ok ? "success" : r.status === "timed-out" ? "timed_out" : "failure",
            completedAt: now3(),
            title: ok ? "Rolled back" : "Rollback failed",
            summary: `Rollback of ${codeSpan(event.step.name)}: exit ${exitOf(r)} in ${formatDuration(r.durationMs)}${!ok && r.reason ? `

${codeSpan(r.reason)}` : ""}`,
            text: logBlock(r.tail)
          });
          lines.push(
            `- ${ok ? "\u2705" : "\u274C"} ${codeSpan(event.step.name)}: exit ${exitOf(r)}, ${formatDuration(r.durationMs)}`
          );
        }
      }
    });
  } catch (err) {
    if (!(err instanceof PlanChangedError)) throw err;
    await port.createComment(
      number,
      refusal(
        "/rollback",
        `The plan at ${codeSpan(sha.slice(0, 7))} is not the plan that was approved, so its rollbacks are not run. Approve it again.`
      )
    );
    return {
      ...result(view, "Refused /rollback: the checked-out plan differs from the approved one.", stored),
      failed: true
    };
  }
  const next = {
    ...stored,
    state: follow(failed ? "fail-rollback" : "roll-back"),
    reason: failed ? `rollback requested by ${by} failed` : `rolled back by ${by}`
  };
  const fresh = await port.listCheckRuns(sha);
  await upsertCheck(env, fresh, sha, CHECK_VERIFY, {
    conclusion: failed ? "failure" : "cancelled",
    title: failed ? "Rollback failed" : "Rolled back",
    summary: `Rolled back at the request of ${codeSpan(by)}:

${lines.join("\n")}`,
    ...buttons(env)
  });
  await writeReview(env, view, reviewBody(view, next, fresh), next);
  await port.createComment(
    number,
    `### \u21A9\uFE0F Rollback ${failed ? "failed" : "done"}

Newest first:

${lines.join("\n")}`
  );
  return { ...result(view, `Rollback by ${by}: ${failed ? "failed" : "done"}.`, next), failed };
}
function exitOf(r) {
  return r.exitCode ?? r.signal ?? "\u2014";
}

// src/gate/apply.ts
async function applyDecision(env, view, decision) {
  let outcome;
  for (const effect of decision.effects) {
    const reported = await applyEffect(env, view, effect);
    if (reported) outcome = reported;
  }
  return outcome ?? result(view, decision.summary, decision.state);
}
async function applyEffect(env, view, effect) {
  const { port } = env;
  switch (effect.kind) {
    case "comment":
      await port.createComment(view.pr.number, effect.body);
      return void 0;
    case "publish-plan": {
      const published = await publishPlan(env, view, effect.binding ?? bindingAfterPush(view));
      return effect.reports ? published : void 0;
    }
    case "check-run":
      await port.createCheckRun(effect.check);
      return void 0;
    case "write-review":
      await writeReview(
        env,
        view,
        reviewBody(
          view,
          effect.stored,
          await port.listCheckRuns(view.pr.headSha),
          void 0,
          env.now?.() ?? /* @__PURE__ */ new Date()
        ),
        effect.stored
      );
      return void 0;
    case "release-lock":
      await forceReleaseLock(port, view.pr.number);
      return void 0;
    case "execute":
      return executeApproved(env, view, effect.stored, effect.trigger, effect.by, effect.door);
    case "rollback":
      return rollbackPlan(env, view, effect.stored, effect.by);
    case "cancel":
      return cancel(env, view, effect.stored, effect.by, effect.door);
    case "end-deployment":
      await endOpenDeployment(env, view, deploymentLogUrl(env, view), effect.why);
      return void 0;
    case "audit":
      await auditIntervention(port, view, effect.stored, effect.intervention);
      return void 0;
  }
}

// src/gate/help.ts
var EFFECT = {
  proceed: "Approve the plan and start it, or resume it after a checkpoint or an interruption.",
  retry: "Run the failed step again, then continue.",
  skip: "Skip the failed or paused step and continue with the next one.",
  cancel: "Stop; the steps not run are marked cancelled.",
  rollback: "Run the `rollback` commands of the completed steps, newest first.",
  plan: "Render the plan again.",
  help: "Show this list."
};
function quorum(policy) {
  const { count, codeowners } = policy.approvers;
  const who = count === 1 ? "One person who may `/proceed` must approve" : `${count} different people who may \`/proceed\` must approve (each with an approving review or \`/proceed\`)`;
  const owner = codeowners === "plan" ? ", and one of them must be a code owner of the plan file (CODEOWNERS on the base branch)" : codeowners === "changed-files" ? ", and among them a code owner of every changed path that has owners (CODEOWNERS on the base branch)" : "";
  return `${who} the current head and plan before anything runs${owner}.`;
}
function environmentNotes(policy) {
  const environments = Object.entries(policy.environments ?? {});
  if (!environments.length) return [];
  return [
    `A plan may name only these environments (\`environment:\`): ${environments.map(([name]) => `\`${name}\``).join(", ")}.`,
    ...environments.flatMap(([name, env]) => {
      if (!env.approvers) return [];
      const people = describeWhoMay("proceed", {
        policy: { ...policy, approvers: { ...env.approvers, codeowners: void 0 } },
        allowSkip: false
      });
      const count = Math.max(policy.approvers.count, env.approvers.count);
      const quorum2 = count > policy.approvers.count ? `, and ${count} different people must approve it` : "";
      return [`Whoever approves or runs a plan for \`${name}\` must also be one of ${people}${quorum2}.`];
    })
  ];
}
function renderHelp(policy, allowSkip) {
  const rows = COMMANDS.map(
    (command2) => `| \`/${command2}\` | ${EFFECT[command2]} | ${describeWhoMay(command2, { policy, allowSkip })} |`
  );
  const binding = policy.bind_approval_to === "head" ? "An approval holds for the commit it was given on: any new commit needs a new approval." : "An approval holds until the plan file changes: commits that leave the plan alone keep it.";
  const notes = [
    "An approving review from someone who may `/proceed` counts as `/proceed`.",
    quorum(policy),
    binding,
    ...policy.approval_ttl ? [
      `An approval older than ${policy.approval_ttl} no longer starts or resumes the plan: approve again or comment \`/proceed\` to renew it.`
    ] : [],
    ...environmentNotes(policy),
    `A plan paused at a checkpoint that nobody confirms within ${policy.checkpoint_timeout} ends as timed out.`,
    policy.forks ? "Plans of pull requests from forks run like any other, once approved." : "Plans of pull requests from forks never run (`forks: false`).",
    policy.self_approval ? "The pull request's author may approve and run their own plan (`self_approval: true`)." : "The pull request's author may not approve or run their own plan, only `/cancel` it (`self_approval: false`).",
    "Bots never approve, run or stop steps."
  ];
  return [
    "### proceed commands",
    "",
    "Write the command at the start of a line of a new comment, one command per comment; case does not matter. Commands in quotes, code and edited comments are ignored.",
    "",
    "| Command | What it does | Who may use it |",
    "|---|---|---|",
    ...rows,
    "",
    ...notes.map((note) => `- ${note}`),
    "",
    `<sub>From \`${POLICY_FILE}\` on the base branch.</sub>`
  ].join("\n");
}

// src/gate/rules/pinned-head.ts
function pinnedCommit(args) {
  const word = /^\S+/.exec(args.trim())?.[0] ?? "";
  return /^[0-9a-f]{7,40}$/i.test(word) ? word.toLowerCase() : void 0;
}
function pinnedHeadRefusal(pin, headSha) {
  if (!pin || headSha.toLowerCase().startsWith(pin)) return void 0;
  return `This command names commit ${codeSpan(pin)}, but the head is now ${codeSpan(headSha.slice(0, 7))}: it approves only the commit it names. Read the plan at the head, then comment again with its SHA.`;
}

// src/gate/decide.ts
var RUNS = ["proceed", "retry", "skip", "rollback"];
var done = (view, summary, effects = []) => ({
  kind: "done",
  decision: { state: view.stored, effects, summary }
});
function intake(view, event, checks = []) {
  switch (event.kind) {
    case "pull_request":
      if (event.action === "closed") return { kind: "closed" };
      return event.action === "synchronize" ? { kind: "push", pusher: event.sender.login } : { kind: "push" };
    case "review-dismissed":
      return { kind: "withdraw", reviewer: event.reviewer, by: event.sender.login };
    case "review": {
      if (event.commitId !== view.pr.headSha) {
        return done(view, `Approval by ${event.sender.login} ignored: it is for an older commit.`, [
          {
            kind: "comment",
            body: refusal(
              "approval",
              `This approval is for an older commit, ${codeSpan(short(event.commitId))}; the head is now ${codeSpan(short(view.pr.headSha))}. Approve the current head, or comment \`/proceed\`.`
            )
          }
        ]);
      }
      const replay = judgeReplay(view.stored, { kind: "review", id: event.reviewId });
      if (replay.kind === "handled") return done(view, `Review ${event.reviewId} was already handled.`);
      if (replay.kind === "stale") {
        return done(
          view,
          `Approval ${event.reviewId} by ${event.sender.login} not acted on: ${replay.reason}`,
          [{ kind: "comment", body: refusal("approval", replay.reason) }]
        );
      }
      return {
        kind: "command",
        command: "proceed",
        sender: event.sender,
        door: "review",
        handledId: -event.reviewId
      };
    }
    case "comment": {
      const parsed = parseComment(event.body);
      const replay = judgeReplay(view.stored, {
        kind: "comment",
        id: event.commentId,
        ...event.createdAt ? { createdAt: event.createdAt } : {}
      });
      if (replay.kind === "handled") return done(view, `Comment ${event.commentId} was already handled.`);
      if (replay.kind === "stale" && parsed.kind === "command" && !["help", "plan"].includes(parsed.command)) {
        return done(view, `Comment ${event.commentId} not acted on: ${replay.reason}`, [
          { kind: "comment", body: refusal(`/${parsed.command}`, replay.reason) }
        ]);
      }
      if (parsed.kind === "invalid") {
        return done(view, `Refused a comment: ${parsed.message}`, [
          { kind: "comment", body: refusal("command", parsed.message) }
        ]);
      }
      if (parsed.kind === "none") return done(view, "Ignored: the comment has no command.");
      return {
        kind: "command",
        command: parsed.command,
        sender: event.sender,
        door: "comment",
        handledId: event.commentId,
        writtenAt: event.createdAt,
        pin: pinnedCommit(parsed.args)
      };
    }
    case "button": {
      const pressed = `The ${event.identifier} button pressed by ${event.sender.login} on check run ${event.checkRunId}`;
      if (event.headSha !== view.pr.headSha) {
        return done(
          view,
          `${pressed} is for ${short(event.headSha)}, not the head ${short(view.pr.headSha)}; ignored.`
        );
      }
      if (view.plan.kind === "valid" && !view.policyErrors.length) {
        const check = checks.find((c) => c.id === event.checkRunId);
        const live = check ? liveButtons(check, checks, view.stored, {
          hash: view.plan.hash,
          stepIds: view.plan.plan.steps.map((s) => s.id)
        }) : [];
        if (!live.some((command3) => command3 === event.identifier))
          return done(
            view,
            `${pressed} no longer applies (the plan is ${view.stored?.state ?? "proposed"}); ignored.`
          );
      }
      const command2 = isCommandName(event.identifier) ? event.identifier : "help";
      return { kind: "command", command: command2, sender: event.sender, door: "button" };
    }
    case "merge_group":
      return done(view, "Ignored: a merge group is gated by merge-group-gate.ts, not on a pull request.");
  }
}
function intakeNeedsChecks(view, event) {
  return event.kind === "button" && event.headSha === view.pr.headSha && view.plan.kind === "valid" && !view.policyErrors.length;
}
function decide(view, input) {
  switch (input.kind) {
    case "push": {
      const binding = bindingAfterPush(view);
      if (input.pusher && binding.stored)
        binding.stored = withPusher(binding.stored, input.pusher, view.pr.headSha);
      return {
        state: binding.stored,
        effects: [{ kind: "publish-plan", reports: true, binding }],
        summary: "Rendered."
      };
    }
    case "closed":
      return onClosed(view);
    case "withdraw":
      return onWithdraw(view, input.reviewer, input.by);
    case "command":
      return onCommand(view, input);
  }
}
function onClosed(view) {
  const stored = view.stored;
  const number = view.pr.number;
  if (view.plan.kind === "valid" && stored && EDGES.close.from.includes(stored.state)) {
    const next = {
      ...stored,
      state: follow("close"),
      reason: "the pull request was closed",
      pausedAt: void 0
    };
    return {
      state: next,
      effects: [{ kind: "write-review", stored: next }],
      summary: `Pull request #${number} closed: the plan is cancelled and the lock released.`
    };
  }
  return { state: stored, effects: [], summary: `Pull request #${number} closed; the lock is released.` };
}
function onWithdraw(view, reviewer, by) {
  const stored = view.stored;
  const theirs = (a) => a.via === "review" && a.by.toLowerCase() === reviewer.toLowerCase();
  const bound2 = stored?.approval !== void 0 && theirs(stored.approval);
  const approvals = (stored?.approvals ?? []).filter((a) => !theirs(a));
  if (!stored || !bound2 && approvals.length === (stored.approvals ?? []).length)
    return {
      state: stored,
      effects: [],
      summary: `The dismissed review of ${reviewer} gave no approval that counts.`
    };
  if (["executing", "verifying", "verified"].includes(stored.state)) {
    return {
      state: stored,
      effects: [],
      summary: `The review of ${reviewer} was dismissed while the plan is ${stored.state}; that does not stop or undo it (\`/cancel\` stops a running execution).`
    };
  }
  const next = {
    ...stored,
    ...stored.approvals ? { approvals } : {},
    ...bound2 ? { approval: void 0 } : {},
    ...bound2 && stored.state === "approved" ? { state: follow("withdraw") } : {}
  };
  const notice = `The approval of ${codeSpan(reviewer)} was withdrawn: ${codeSpan(by)} dismissed the review that gave it. Approve again or comment \`/proceed\`.`;
  return {
    state: next,
    effects: [{ kind: "publish-plan", reports: true, binding: { stored: next, notice } }],
    summary: `The approval of ${reviewer} was withdrawn: ${by} dismissed their review.`
  };
}
function onCommand(view, input) {
  const { command: command2, actor, door } = input;
  const login = actor.login;
  const allowSkip = view.plan.kind === "valid" && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  const decision = authorize({
    command: command2,
    actor,
    prAuthor: view.pr.author.login,
    isFork: view.pr.isFork,
    policy: view.policy,
    allowSkip,
    door,
    contributions: input.contributions ?? []
  });
  if (!decision.allowed) {
    return refuse(
      view,
      `/${command2}`,
      decision.reason,
      `Refused /${command2} from ${login}: ${decision.reason}`,
      decision.whoMay
    );
  }
  const shared = RUNS.includes(command2) ? sharedHeadRefusal(
    view.pr.headSha,
    (input.sharedHead ?? []).map((o) => judgeShared(o, command2, door))
  ) : void 0;
  if (shared) return refuse(view, `/${command2}`, shared, `Refused /${command2} from ${login}: ${shared}`);
  if (command2 === "help") {
    return {
      state: view.stored,
      effects: [{ kind: "comment", body: renderHelp(view.policy, allowSkip) }],
      summary: `Answered /help for ${login}.`
    };
  }
  if (command2 === "plan") return decide(view, { kind: "push", now: input.now, policyPath: input.policyPath });
  const unusable = whyUnusable(view, input.policyPath);
  if (unusable) return refuse(view, `/${command2}`, unusable, `Refused /${command2}: ${unusable}`);
  const valid = view;
  const forEnvironment = environmentRefusal(valid, input);
  if (forEnvironment)
    return refuse(
      view,
      `/${command2}`,
      forEnvironment,
      `Refused /${command2} from ${login}: ${forEnvironment}`
    );
  const unseen = door === "comment" ? unseenPlan(valid, input.writtenAt) : void 0;
  if (unseen) {
    return {
      state: view.stored,
      effects: [
        { kind: "publish-plan", reports: false },
        { kind: "comment", body: refusal(`/${command2}`, unseen) }
      ],
      summary: `Refused /${command2}: the comment predates the plan at the head.`
    };
  }
  const moved = RUNS.includes(command2) ? pinnedHeadRefusal(input.pin, valid.pr.headSha) : void 0;
  if (moved)
    return refuse(view, `/${command2}`, moved, `Refused /${command2}: it names ${input.pin}, not the head.`);
  let stored = bindingAfterPush(valid).stored ?? freshState(valid);
  const handledId = input.handledId;
  if (handledId !== void 0)
    stored = markHandled(
      stored,
      handledId > 0 ? { kind: "comment", id: handledId } : { kind: "review", id: -handledId }
    );
  if (overdue(valid, stored, input.now) && stored.next) {
    const expiry = expireCheckpoint(valid, stored, input.now);
    return {
      state: expiry.stored,
      effects: [
        { kind: "check-run", check: expiry.check },
        { kind: "audit", stored, intervention: expiry.intervention },
        { kind: "write-review", stored: expiry.stored },
        { kind: "end-deployment", why: `The checkpoint before ${stored.next} timed out` },
        {
          kind: "comment",
          body: refusal(
            `/${command2}`,
            `The checkpoint before ${codeSpan(stored.next)} timed out: nobody confirmed it within ${view.policy.checkpoint_timeout}, so the plan was cancelled. Comment \`/proceed\` again to resume from that step.`
          )
        }
      ],
      summary: `Checkpoint timed out; /${command2} not acted on.`
    };
  }
  return inState(valid, stored, command2, input);
}
function inState(view, stored, command2, input) {
  const { door } = input;
  const login = input.actor.login;
  if (!applies(stored.state, command2)) {
    if (command2 === "rollback") {
      return refuse(
        view,
        "/rollback",
        "The plan is executing; `/cancel` it first, then `/rollback`.",
        "Refused /rollback while executing.",
        void 0,
        stored
      );
    }
    const why = command2 === "proceed" ? PROCEED_STOPPED[stored.state]?.(view, stored) : void 0;
    return {
      state: stored,
      effects: [
        {
          kind: "comment",
          body: refusal(
            `/${command2}`,
            why ?? `There is nothing to ${command2}: the plan is ${stored.state.replace("-", " ")}.`
          )
        },
        { kind: "write-review", stored }
      ],
      summary: command2 === "proceed" ? `/proceed from ${login}: nothing to start (${stored.state}).` : `/${command2}: nothing to do in state ${stored.state}.`
    };
  }
  switch (command2) {
    case "proceed":
    case "retry":
    case "skip":
      return startOrResume(view, stored, command2, input);
    case "cancel":
      return {
        state: stored,
        effects: [{ kind: "cancel", stored, by: login, door }],
        summary: `/cancel from ${login}.`
      };
    case "rollback":
      return {
        state: stored,
        effects: [{ kind: "rollback", stored, by: login }],
        summary: `/rollback from ${login}.`
      };
  }
}
function startOrResume(view, stored, trigger, input) {
  const { actor, door, now: now3 } = input;
  const login = actor.login;
  const binding = {
    headSha: view.pr.headSha,
    planHash: view.plan.hash,
    bindTo: view.policy.bind_approval_to
  };
  const entry = approvalEntry(login, door, now3, view.pr.headSha, view.plan.hash, actor.teams);
  let next = { ...stored, approvals: recordApproval(liveApprovals(stored, binding), entry) };
  const at = waitingAt(stored);
  const step = at ? view.plan.plan.steps.find((s) => s.id === at) : void 0;
  const gate = step && trigger !== "retry" ? checkpointApprovers(step) : void 0;
  if (at && gate) {
    const why = checkpointRefusal(gate, actor, at);
    if (why)
      return refuse(
        view,
        `/${trigger}`,
        why,
        `Refused /${trigger} from ${login} at the checkpoint before ${at}.`,
        checkpointWhoMay(gate),
        stored
      );
    if (trigger === "proceed") {
      const confirmations = recordConfirmation(next.confirmations ?? [], at, login, now3);
      next = { ...next, confirmations };
      if (confirmations.length < gate.count) {
        const more = gate.count - confirmations.length;
        return waitFor(
          next,
          `${codeSpan(login)} confirmed the checkpoint before ${codeSpan(at)} (${confirmations.length} of ${gate.count}): ${more} more confirmation${more === 1 ? " is" : "s are"} needed from ${checkpointWhoMay(gate)}.`,
          `/proceed from ${login}: checkpoint before ${at} confirmed ${confirmations.length} of ${gate.count}.`
        );
      }
    }
  }
  const need = needOf(view);
  const status2 = quorumStatus(next.approvals ?? [], need, now3);
  if (!status2.satisfied) {
    const words = shortfallWords(status2, need);
    return waitFor(
      next,
      words,
      `/${trigger} from ${login}: approval recorded, not enough to run (${status2.fresh.length} of ${need.count}).`
    );
  }
  if (!next.approval || next.state === "proposed") {
    next = {
      ...next,
      state: follow("approve"),
      approval: {
        by: login,
        via: door,
        at: now3.toISOString(),
        headSha: view.pr.headSha,
        planBlob: view.plan.blobSha,
        planHash: view.plan.hash
      },
      confirmed: []
    };
  }
  return execute({ ...next, confirmations: void 0 }, trigger, login, door);
}
function waitingAt(stored) {
  return stored && (stored.state === "paused" || stored.state === "cancelled") ? stored.next : void 0;
}
function waitFor(stored, why, summary) {
  return {
    state: stored,
    effects: [
      { kind: "write-review", stored },
      { kind: "comment", body: `### \u23F3 Waiting for approvals

${why}` }
    ],
    summary
  };
}
function needOf(view) {
  const environment2 = view.plan.kind === "valid" ? view.plan.plan.environment : void 0;
  return approvalNeed(view.policy, environment2, view.codeOwners);
}
function judgeShared(other, command2, door) {
  const { view } = other;
  if (view.policyErrors.length) {
    return {
      number: view.pr.number,
      decision: {
        allowed: false,
        reason: "its repository policy is invalid.",
        whoMay: "nobody until it is fixed"
      }
    };
  }
  const allowSkip = view.plan.kind === "valid" && mergePlanConfig(view.plan.plan.config, view.policy).settings.allow_skip;
  return {
    number: view.pr.number,
    decision: authorize({
      command: command2,
      actor: other.actor,
      prAuthor: view.pr.author.login,
      isFork: view.pr.isFork,
      policy: view.policy,
      allowSkip,
      door,
      contributions: other.contributions
    })
  };
}
function execute(stored, trigger, by, door) {
  return {
    state: stored,
    effects: [{ kind: "execute", trigger, stored, by, ...door ? { door } : {} }],
    summary: `/${trigger} from ${by}.`
  };
}
var ENVIRONMENT_COMMANDS = ["proceed", "retry", "skip", "rollback"];
function environmentApprovers(view, command2) {
  if (view.plan.kind !== "valid" || view.policyErrors.length) return void 0;
  const name = view.plan.plan.environment;
  if (!name || !ENVIRONMENT_COMMANDS.includes(command2)) return void 0;
  return view.policy.environments?.[name]?.approvers;
}
function environmentRefusal(view, input) {
  const { command: command2 } = input;
  const name = view.plan.plan.environment;
  if (!name || !ENVIRONMENT_COMMANDS.includes(command2)) return void 0;
  const listed = view.policy.environments;
  if (listed && !Object.hasOwn(listed, name)) {
    const allowed = Object.keys(listed);
    return `The plan names the environment ${codeSpan(name)}, which \`.github/proceed.yml\` does not allow (${allowed.length ? `allowed: ${allowed.map((e) => codeSpan(e)).join(", ")}` : "it allows none"}). Name an allowed environment in the plan, or add this one to \`environments\` on the base branch.`;
  }
  const approvers = environmentApprovers(view, command2);
  if (!approvers) return void 0;
  if (!input.environmentActor)
    return `Plans for the environment ${codeSpan(name)} need its own approvers too, and who they are was not read.`;
  const policy = { ...view.policy, approvers };
  const decision = authorize({
    command: command2,
    actor: input.environmentActor,
    prAuthor: view.pr.author.login,
    isFork: view.pr.isFork,
    policy,
    allowSkip: true,
    door: input.door
  });
  return decision.allowed ? void 0 : `Plans for the environment ${codeSpan(name)} need its own approvers too: ${decision.reason} Who may: ${decision.whoMay}.`;
}
var PROCEED_STOPPED = {
  failed: (_view, stored) => `Step ${codeSpan(stored.next ?? "?")} failed: \`/retry\` runs it again, \`/skip\` skips it (when the plan allows), \`/cancel\` stops.`,
  "verify-failed": () => "The verify phase failed: `/retry` runs it again.",
  verified: (view) => `The plan is already verified on ${codeSpan(short(view.pr.headSha))}; there is nothing left to run.`
};
function refuse(view, what, reason, summary, whoMay, state = view.stored) {
  return { state, effects: [{ kind: "comment", body: refusal(what, reason, whoMay) }], summary };
}
function overdue(view, stored, now3) {
  if (stored.state !== "paused" || !stored.pausedAt || !stored.next) return false;
  return now3.getTime() - Date.parse(stored.pausedAt) > parseDuration(view.policy.checkpoint_timeout);
}
function expireCheckpoint(view, stored, now3) {
  const step = stored.next ?? "";
  return {
    intervention: {
      action: "time-out",
      by: `checkpoint_timeout (${view.policy.checkpoint_timeout})`,
      at: now3.toISOString(),
      state: follow("time-out")
    },
    check: {
      name: stepCheckName(step),
      headSha: view.pr.headSha,
      status: "completed",
      conclusion: "timed_out",
      externalId: stepExternalId(view.plan.hash, step),
      completedAt: now3.toISOString(),
      title: "Checkpoint timed out",
      summary: `Nobody confirmed the checkpoint within ${view.policy.checkpoint_timeout} (\`checkpoint_timeout\`). \`/proceed\` resumes from here.`
    },
    stored: {
      ...stored,
      state: follow("time-out"),
      confirmed: [],
      reason: `the checkpoint before ${step} timed out after ${view.policy.checkpoint_timeout}`
    }
  };
}
function unseenPlan(view, writtenAt) {
  const head = codeSpan(short(view.pr.headSha));
  const again = "Read the plan in the review, then comment again.";
  if (!view.stored || view.stored.headSha !== view.pr.headSha) {
    return `The plan at the head, ${head}, had not been rendered when this comment was handled (a push came in). ${again}`;
  }
  const rendered = view.stored.renderedAt;
  if (writtenAt && rendered && Date.parse(writtenAt) < Math.floor(Date.parse(rendered) / 1e3) * 1e3) {
    return `This comment was written before the plan at the head, ${head}, was rendered, so it was about another plan. ${again}`;
  }
  return void 0;
}
function whyUnusable(view, policyPath) {
  if (view.policyErrors.length) return policyProblem(view, policyPath);
  switch (view.plan.kind) {
    case "none":
      return "This pull request has no plan file, so there is nothing to run.";
    case "many":
      return "This pull request has more than one plan; keep one plan per pull request.";
    case "invalid":
      return `The plan ${codeSpan(view.plan.path)} is invalid; fix the errors in the \`proceed/plan\` check first.`;
    default:
      return void 0;
  }
}

// src/gate/merge-group.ts
var QUEUE_BRANCH = /^(?:refs\/heads\/)?gh-readonly-queue\/(.+)\/pr-([1-9]\d{0,9})-([0-9a-f]{40})$/;
function parseQueueBranch(ref) {
  const m = QUEUE_BRANCH.exec(ref);
  return m ? { base: m[1], number: Number(m[2]), parentSha: m[3] } : void 0;
}
var MAX_ENTRIES = 100;
function groupMembers(group, queueRefs) {
  const head = parseQueueBranch(group.headRef);
  if (!head) {
    return {
      problem: `the group's branch ${codeSpan(group.headRef)} is not a merge queue branch (gh-readonly-queue/<base>/pr-<N>-<sha>), so its pull requests are unknown.`
    };
  }
  const numbers = [head.number];
  let parent = head.parentSha;
  for (let walked = 0; parent !== group.baseSha; walked++) {
    if (walked >= MAX_ENTRIES)
      return { problem: `the queue ahead of #${head.number} is longer than ${MAX_ENTRIES} entries.` };
    const ahead = queueRefs.map((r) => ({ sha: r.sha, entry: parseQueueBranch(r.ref) })).filter((r) => r.sha === parent && r.entry?.base === head.base).map((r) => r.entry);
    if (!ahead.length) {
      return {
        problem: `the queue entry ${codeSpan(short(parent))} that #${numbers.at(-1)} was built on is not among the queue's branches any more, so the group's pull requests are unknown.`
      };
    }
    const parents = new Set(ahead.map((e) => e.parentSha));
    if (parents.size > 1) {
      return {
        problem: `several queue branches point at ${codeSpan(short(parent))} with different parents, so the group's pull requests are unknown.`
      };
    }
    for (const e of ahead.sort((a, b) => b.number - a.number))
      if (!numbers.includes(e.number)) numbers.push(e.number);
    parent = ahead[0].parentSha;
  }
  return { numbers: numbers.reverse() };
}
function memberStanding(view, gate) {
  const { pr } = view;
  const n = pr.number;
  const head = codeSpan(short(pr.headSha));
  const no = (why) => ({ number: n, ok: false, why });
  if (pr.state !== "open") return no("is closed.");
  if (view.policyErrors.length)
    return no(`is judged by an invalid policy on its base ${codeSpan(pr.baseRef)}; fix it there first.`);
  switch (view.plan.kind) {
    case "none":
      return { number: n, ok: true, why: "has no plan: nothing to gate." };
    case "many":
      return no("has more than one plan.");
    case "invalid":
      return no(`has an invalid plan, ${codeSpan(view.plan.path)}.`);
    default:
      break;
  }
  const stored = view.stored;
  if (!stored) return no(`has a plan that was never rendered on ${head}; push again or comment \`/plan\`.`);
  if (stored.headSha !== pr.headSha)
    return no(
      `was pushed to (${head}) after its plan was last judged on ${codeSpan(short(stored.headSha))}.`
    );
  if (stored.state !== "verified")
    return no(`has its plan ${stored.state.replace("-", " ")} on ${head}, not verified.`);
  if (!stored.approval || !bound(stored, view) || stored.approval.headSha !== pr.headSha)
    return no(`has an approval that no longer binds the plan at ${head}; approve again.`);
  if (!gate || gate.status !== "completed" || gate.conclusion !== "success")
    return no(`has no passing ${codeSpan(CHECK_VERIFY)} on ${head}.`);
  return {
    number: n,
    ok: true,
    why: `is verified on ${head} (approved by ${codeSpan(stored.approval.by)}).`
  };
}
function judgeMergeGroup(members, standings) {
  if ("problem" in members) {
    return {
      conclusion: "failure",
      title: "The merge group could not be checked",
      summary: `${capitalise(members.problem)} Remove the pull request from the queue and add it again.`
    };
  }
  const failing = standings.filter((s) => !s.ok);
  const lines = standings.map((s) => `- ${s.ok ? "\u2705" : "\u274C"} #${s.number} ${s.why}`).join("\n");
  if (failing.length) {
    return {
      conclusion: "failure",
      title: failing.length === 1 ? `#${failing[0].number} is not verified` : `${failing.length} pull requests are not verified`,
      summary: `Every pull request in a merge group must be verified on its head before it merges.

${lines}`
    };
  }
  return {
    conclusion: "success",
    title: `${standings.length} pull request${standings.length === 1 ? "" : "s"} verified`,
    summary: `Every pull request in this merge group is verified on its head, with its approval still binding.

${lines}`
  };
}
function groupVerifications(policy, plans) {
  const all = { ...policy.verify };
  for (const { number, verify } of plans) {
    for (const [name, check] of Object.entries(verify ?? {})) {
      if (Object.hasOwn(policy.verify, name)) continue;
      const existing = all[name];
      if (existing === void 0) all[name] = check;
      else if (JSON.stringify(existing) !== JSON.stringify(check)) all[`${name}-pr${number}`] = check;
    }
  }
  return all;
}
function groupVerificationCheckName(name) {
  return `${CHECK_VERIFY}/${name}`;
}
function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// src/gate/merge-group-gate.ts
var LOG_CHARS = 6e4;
async function onMergeGroup(env, event) {
  const checks = await env.port.listCheckRuns(event.headSha);
  try {
    return await judgeAndConclude(env, event, checks);
  } catch (err) {
    const message = err.message;
    await upsertCheck(env, checks, event.headSha, CHECK_VERIFY, {
      conclusion: "failure",
      title: "proceed could not check this merge group",
      summary: `${codeSpan(message)}

Nothing was merged on this result; remove the pull request from the queue and add it again.`
    }).catch(
      (again) => env.log(
        `Could not conclude ${CHECK_VERIFY} on ${short(event.headSha)} either: ${again.message}`
      )
    );
    throw err;
  }
}
async function judgeAndConclude(env, event, checks) {
  const { port } = env;
  const sha = event.headSha;
  const base = event.baseRef.replace(/^refs\/heads\//, "");
  const groupPolicy = parsePolicyFile(
    (await port.readFile(env.policyPath, event.baseSha))?.content,
    env.policyPath
  );
  if (groupPolicy.errors.length) {
    return conclude(env, checks, sha, {
      conclusion: "failure",
      title: "Blocked: the repository policy is invalid",
      summary: `${codeSpan(env.policyPath)} on ${codeSpan(base)} is invalid, so nothing can merge until it is fixed there:

${groupPolicy.errors.map((d) => `- ${codeSpan(`${d.file}:${d.line}:${d.col}: ${d.path ? `${d.path}: ` : ""}${d.message}`)}`).join("\n")}`
    });
  }
  const reVerify = groupPolicy.policy.merge_queue === "re-verify";
  if (reVerify) {
    await upsertCheck(env, checks, sha, CHECK_VERIFY, {
      status: "in_progress",
      title: "Checking the merge group's pull requests",
      summary: "Every pull request must be verified on its head; then the verify phase runs on this commit."
    });
  }
  const members = groupMembers(event, await port.listRefs(`heads/gh-readonly-queue/${base}/`));
  const standings = [];
  const views = [];
  for (const number of "numbers" in members ? members.numbers : []) {
    const view = await loadView(env, number);
    const gate = (await port.listCheckRuns(view.pr.headSha, CHECK_VERIFY)).find((c) => ownCheck(env, c));
    views.push(view);
    standings.push(memberStanding(view, gate));
  }
  const verdict = judgeMergeGroup(members, standings);
  if (verdict.conclusion === "failure" || !reVerify) return conclude(env, checks, sha, verdict);
  const runner = env.runner;
  if (!runner) {
    return conclude(env, checks, sha, {
      conclusion: "failure",
      title: "re-verify cannot run here",
      summary: `${verdict.summary}

\`merge_queue: re-verify\` runs the verify phase on this commit, which needs a door that runs commands: the Action (a workflow with \`merge_group:\`) or the app's inline executor. Use one of them, or \`merge_queue: verified\`.`
    });
  }
  const first = "numbers" in members ? members.numbers[0] ?? 0 : 0;
  const workspace = await runner.workspace(sha, first);
  if (!workspace.ok) {
    return conclude(env, checks, sha, {
      conclusion: "failure",
      title: "Could not check out the group's commit",
      summary: `${verdict.summary}

The verify phase could not run on ${codeSpan(short(sha))}: ${codeSpan(workspace.message)}`
    });
  }
  const verify = groupVerifications(
    groupPolicy.policy,
    views.flatMap(
      (v) => v.plan.kind === "valid" ? [{ number: v.pr.number, verify: v.plan.plan.verify }] : []
    )
  );
  const results = await runVerifications(env, sha, event.headRef, workspace.dir, verify, runner);
  const failed = results.filter((r) => r.status !== "success");
  const lines = results.map(
    (r) => `- ${r.status === "success" ? "\u2705" : "\u274C"} ${codeSpan(r.id)}: ${r.status}, exit ${r.exitCode ?? r.signal ?? "\u2014"}, ${formatDuration(r.durationMs)}`
  ).join("\n");
  const result2 = await conclude(env, checks, sha, {
    conclusion: failed.length ? "failure" : "success",
    title: failed.length ? `${failed.length} verification(s) failed on the group's commit` : `Verified: ${verdict.title}, and the verify phase passed on the group's commit`,
    summary: `${verdict.summary}

The verify phase on ${codeSpan(short(sha))}:

${lines || "- nothing to run"}`
  });
  return { ...result2, failed: failed.length > 0 };
}
async function runVerifications(env, sha, headRef, dir, verify, runner) {
  const source = JSON.stringify({ mergeGroup: headRef, verify });
  const plan = {
    version: 1,
    title: `The merge group ${headRef}`,
    steps: [],
    verify,
    config: configSchema.parse({})
  };
  const runs = /* @__PURE__ */ new Map();
  const report = await executePlan({
    plan,
    source,
    approvedHash: planHash(source),
    planPath: "",
    cwd: dir,
    env: runner.env,
    extraEnv: { PROCEED_SHA: sha, PROCEED_MERGE_GROUP: headRef },
    verify,
    secrets: runner.secrets,
    onEvent: async (event) => {
      if (event.type === "verify-started") {
        for (const name of event.names) {
          const created = await env.port.createCheckRun({
            name: groupVerificationCheckName(name),
            headSha: sha,
            status: "in_progress",
            startedAt: (/* @__PURE__ */ new Date()).toISOString(),
            title: "Verifying the merge group",
            summary: `Running ${codeSpan(name)} on the group's commit.`
          });
          runs.set(name, created.id);
        }
      } else if (event.type === "verify-check-finished") {
        const r = event.result;
        const id = runs.get(r.id);
        if (id === void 0) return;
        await env.port.updateCheckRun(id, {
          status: "completed",
          conclusion: r.status === "success" ? "success" : r.status === "timed-out" ? "timed_out" : "failure",
          completedAt: (/* @__PURE__ */ new Date()).toISOString(),
          title: r.status === "success" ? "Passed" : `Failed (${r.status}, exit ${r.exitCode ?? r.signal ?? "\u2014"})`,
          summary: `${codeSpan(r.id)} on the group's commit ${codeSpan(short(sha))}: ${r.status} in ${formatDuration(r.durationMs)}${r.reason ? `

${codeSpan(r.reason)}` : ""}`,
          text: r.tail ? fencedBlock(clipStart(r.tail, LOG_CHARS).text) : "No output."
        });
      }
    }
  });
  return report.verify?.checks ?? [];
}
async function conclude(env, checks, sha, verdict) {
  await upsertCheck(env, checks, sha, CHECK_VERIFY, verdict);
  return {
    state: "none",
    failed: false,
    summary: `Merge group ${short(sha)}: ${CHECK_VERIFY} ${verdict.conclusion} (${verdict.title}).`
  };
}
function ownCheck(env, check) {
  return check.appSlug !== null && `${check.appSlug}[bot]`.toLowerCase() === env.botLogin.toLowerCase();
}

// src/gate/read-ahead.ts
var READS = /* @__PURE__ */ new Set([
  "getPullRequest",
  "listOpenPullRequests",
  "listOpenPullRequestsOnHead",
  "listPullRequestCommits",
  "compareCommits",
  "listChangedFiles",
  "readFile",
  "getPermission",
  "isTeamMember",
  "listReviews",
  "listComments",
  "listCheckRuns",
  "getCheckRunText",
  "getRef",
  "getCommit",
  "getWorkflowRun",
  "listRefs",
  "findDeployment"
]);
function readingAhead(port) {
  let ahead;
  const listCheckRuns = (sha, name) => {
    const taken = ahead;
    ahead = void 0;
    return name === void 0 && taken?.sha === sha ? taken.answer : port.listCheckRuns(sha, name);
  };
  const proxy = new Proxy(port, {
    get(target2, prop) {
      if (prop === "listCheckRuns") return listCheckRuns;
      const value2 = Reflect.get(target2, prop, target2);
      if (typeof value2 !== "function") return value2;
      const call = value2.bind(target2);
      if (typeof prop === "string" && READS.has(prop)) return call;
      return (...args) => {
        ahead = void 0;
        return call(...args);
      };
    }
  });
  return {
    port: proxy,
    checkRuns(sha) {
      const answer2 = port.listCheckRuns(sha);
      answer2.catch(() => void 0);
      ahead = { sha, answer: answer2 };
    }
  };
}

// src/gate/handle.ts
async function handleEvent(door, event) {
  const env = { ...trustingOwnChecks(door), publisher: door.publisher ?? createPublisher() };
  return flushed(env.publisher, () => handle(env, event));
}
async function handle(env, event) {
  if (event.kind === "merge_group") return onMergeGroup(env, event);
  if (event.sender.type !== "User" && event.kind !== "review-dismissed") {
    return {
      state: "none",
      failed: false,
      summary: `Ignored: sent by ${event.sender.login}, a ${event.sender.type.toLowerCase()}.`
    };
  }
  if (event.kind === "review" && event.state !== "approved") {
    return {
      state: "none",
      failed: false,
      summary: `Ignored: a review that ${event.state.replace("_", " ")}, not an approval.`
    };
  }
  if (event.kind === "comment") {
    const parsed = parseComment(event.body);
    if (parsed.kind === "none")
      return { state: "none", failed: false, summary: "Ignored: the comment has no command." };
    const { commentId } = event;
    env.publisher.want(`reaction:${commentId}`, () => env.port.reactToComment(commentId, "eyes"));
  }
  if (event.kind === "pull_request" && event.action === "closed")
    await forceReleaseLock(env.port, event.number);
  const ahead = event.kind === "pull_request" && event.action !== "closed" ? readingAhead(env.port) : void 0;
  if (ahead) env = { ...env, port: ahead.port };
  const view = await loadView(env, event.number, { withHead: ahead && ((sha) => ahead.checkRuns(sha)) });
  const checks = intakeNeedsChecks(view, event) ? await env.port.listCheckRuns(view.pr.headSha) : [];
  const taken = intake(view, event, checks);
  const context = { now: env.now?.() ?? /* @__PURE__ */ new Date(), policyPath: env.policyPath };
  if (taken.kind === "done") return applyDecision(env, view, taken.decision);
  if (taken.kind !== "command")
    return applyDecision(env, view, decide(view, { ...taken, ...context }));
  const actor = await actorOf(
    env,
    view.policy,
    taken.sender,
    taken.command,
    judgedTeams(view, taken.command)
  );
  const forEnvironment = environmentApprovers(view, taken.command);
  const environmentActor = forEnvironment ? await actorOf(env, { ...view.policy, approvers: forEnvironment }, taken.sender, taken.command) : void 0;
  const runs = RUNS.includes(taken.command);
  const contributions = runs ? await contributionsFor(env, view, actor) : [];
  const sharedHead = runs ? await sharedHeadOf(env, view, taken.sender, taken.command) : [];
  const decision = decide(view, {
    ...context,
    ...taken,
    kind: "command",
    actor,
    environmentActor,
    contributions,
    sharedHead
  });
  return applyDecision(env, view, decision);
}
function judgedTeams(view, command2) {
  if (!RUNS.includes(command2) || view.plan.kind !== "valid") return [];
  const owners = (view.codeOwners?.paths ?? []).flatMap((p) => ownerTeams(p.owners));
  const waiting = waitingAt(view.stored);
  const step = waiting ? view.plan.plan.steps.find((s) => s.id === waiting) : void 0;
  const forCheckpoint = step ? checkpointApprovers(step)?.teams ?? [] : [];
  return [...owners, ...forCheckpoint];
}
function trustingOwnChecks(env) {
  return { ...env, port: portTrustingOwnChecks(env.port, env.botLogin) };
}
async function contributionsFor(env, view, actor) {
  if (view.policy.self_approval || actor.type !== "User") return [];
  return contributionsOf(await env.port.listPullRequestCommits(view.pr.number), view.stored?.pushers);
}
async function sharedHeadOf(env, view, sender2, command2) {
  const numbers = await env.port.listOpenPullRequestsOnHead(view.pr.headSha);
  const others = [];
  for (const n of numbers) {
    if (n === view.pr.number) continue;
    const other = await loadView(env, n);
    if (other.policyErrors.length) {
      others.push({
        view: other,
        actor: { login: sender2.login, type: "User", permission: "none", teams: [] },
        contributions: []
      });
      continue;
    }
    others.push({
      view: other,
      actor: await actorOf(env, other.policy, sender2, command2),
      contributions: other.policy.self_approval ? [] : contributionsOf(await env.port.listPullRequestCommits(n), other.stored?.pushers)
    });
  }
  return others;
}

// src/github/octokit.ts
import { randomBytes as randomBytes2 } from "node:crypto";
var ANNOTATIONS_PER_REQUEST = 50;
var BODY_LIMIT = GITHUB_BODY_LIMIT;
var CREATE_ATTEMPTS = 4;
function outcomeUnknown(err) {
  const status2 = httpStatus(err);
  return status2 !== void 0 && status2 >= 500;
}
function postId() {
  return randomBytes2(6).toString("hex");
}
function postTag(id) {
  return `

<!-- proceed:post ${id} -->`;
}
var EXTERNAL_POST = /#p-[0-9a-f]{12}$/;
function httpStatus(err) {
  return typeof err === "object" && err !== null && "status" in err ? Number(err.status) : void 0;
}
var OctokitPort = class {
  constructor(octokit, owner, repo, retryBaseMs = 1e3) {
    this.octokit = octokit;
    this.owner = owner;
    this.repo = repo;
    this.retryBaseMs = retryBaseMs;
  }
  octokit;
  owner;
  repo;
  retryBaseMs;
  get base() {
    return { owner: this.owner, repo: this.repo };
  }
  /** Creates once: on an unknown outcome, `find` looks for what an earlier try made before trying again. */
  async createOnce(create, find) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await create();
      } catch (err) {
        if (!outcomeUnknown(err)) throw err;
        const found = await find();
        if (found !== void 0) return found;
        if (attempt >= CREATE_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, attempt ** 2 * this.retryBaseMs));
      }
    }
  }
  async getPullRequest(number) {
    const { data: pr } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...this.base,
      pull_number: number
    });
    const headRepo = pr.head.repo?.full_name ?? "";
    return {
      number: pr.number,
      state: pr.state === "closed" ? "closed" : "open",
      merged: !!pr.merged,
      draft: !!pr.draft,
      title: pr.title,
      author: { login: pr.user.login, type: pr.user.type },
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      headRepo,
      baseSha: pr.base.sha,
      baseRef: pr.base.ref,
      isFork: headRepo.toLowerCase() !== `${this.owner}/${this.repo}`.toLowerCase(),
      htmlUrl: pr.html_url
    };
  }
  async listOpenPullRequests() {
    const numbers = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls", {
        ...this.base,
        state: "open",
        per_page: 100,
        page
      });
      numbers.push(...data.map((pr) => pr.number));
      if (data.length < 100) return numbers;
    }
  }
  async listOpenPullRequestsOnHead(sha) {
    const numbers = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls", {
        ...this.base,
        state: "open",
        per_page: 100,
        page
      });
      numbers.push(...data.filter((pr) => pr.head.sha === sha).map((pr) => pr.number));
      if (data.length < 100) return numbers;
    }
  }
  async listPullRequestCommits(number) {
    const commits = [];
    for (let page = 1; page <= 3; page++) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", {
        ...this.base,
        pull_number: number,
        per_page: 100,
        page
      });
      for (const c of data)
        commits.push({ sha: c.sha, author: c.author?.login ?? null, committer: c.committer?.login ?? null });
      if (data.length < 100) break;
    }
    return commits;
  }
  async compareCommits(base, head) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
        ...this.base,
        basehead: `${base}...${head}`
      });
      return (data.files ?? []).map((f) => f.filename);
    } catch (err) {
      if (httpStatus(err) === 404 || httpStatus(err) === 422) return void 0;
      throw err;
    }
  }
  async listChangedFiles(number) {
    const files = [];
    for (let page = 1; page <= 30; page++) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
        ...this.base,
        pull_number: number,
        per_page: 100,
        page
      });
      for (const f of data)
        files.push({
          filename: f.filename,
          status: f.status,
          sha: f.status === "removed" ? null : f.sha || null
        });
      if (data.length < 100) break;
    }
    return files;
  }
  async readFile(path, ref) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
        ...this.base,
        path,
        ref
      });
      if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return void 0;
      return { content: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
    } catch (err) {
      if (httpStatus(err) === 404) return void 0;
      throw err;
    }
  }
  async getPermission(login) {
    try {
      const { data } = await this.octokit.request(
        "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
        {
          ...this.base,
          username: login
        }
      );
      const role = data.role_name ?? data.permission;
      if (["admin", "maintain", "write", "triage", "read"].includes(role)) return role;
      if (role === "none") return "none";
      return ["admin", "write", "read"].includes(data.permission) ? data.permission : "none";
    } catch (err) {
      if (httpStatus(err) === 404) return "none";
      throw err;
    }
  }
  async isTeamMember(org, teamSlug, login) {
    try {
      const { data } = await this.octokit.request(
        "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
        {
          org,
          team_slug: teamSlug,
          username: login
        }
      );
      return data.state === "active";
    } catch (err) {
      if (httpStatus(err) === 404) return false;
      throw err;
    }
  }
  async listReviews(number) {
    const reviews = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        ...this.base,
        pull_number: number,
        per_page: 100,
        page
      });
      for (const r of data) reviews.push(toReview(r));
      if (data.length < 100) return reviews;
    }
  }
  async createReview(number, input) {
    return this.createOnce(
      async () => {
        const { data } = await this.octokit.request(
          "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
          {
            ...this.base,
            pull_number: number,
            commit_id: input.commitId,
            body: input.body,
            event: "COMMENT",
            request: { retries: 0 }
          }
        );
        return toReview(data);
      },
      async () => (await this.listReviews(number)).find((r) => r.body === input.body)
    );
  }
  async updateReview(number, reviewId, body) {
    await this.octokit.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}", {
      ...this.base,
      pull_number: number,
      review_id: reviewId,
      body
    });
  }
  async createComment(number, body) {
    const tag = postTag(postId());
    const posted = body.length + tag.length <= BODY_LIMIT ? body + tag : body;
    const since = new Date(Date.now() - 10 * 6e4).toISOString();
    return this.createOnce(
      async () => {
        const { data } = await this.octokit.request(
          "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { ...this.base, issue_number: number, body: posted, request: { retries: 0 } }
        );
        return { id: Number(data.id), url: data.html_url };
      },
      async () => {
        const found = (await this.listComments(number, since)).find((c) => c.body === posted);
        return found && { id: found.id, url: found.url ?? "" };
      }
    );
  }
  async listComments(number, since) {
    const comments = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        {
          ...this.base,
          issue_number: number,
          since,
          per_page: 100,
          page
        }
      );
      for (const c of data) {
        comments.push({
          id: Number(c.id),
          body: c.body ?? "",
          user: c.user ? { login: c.user.login, type: c.user.type } : null,
          createdAt: c.created_at,
          updatedAt: c.updated_at,
          url: c.html_url
        });
      }
      if (data.length < 100) return comments;
    }
  }
  async reactToComment(commentId, content) {
    await this.octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      ...this.base,
      comment_id: commentId,
      content
    });
  }
  async createCheckRun(input) {
    const annotations = input.annotations ?? [];
    const externalId = `${input.externalId ?? ""}#p-${postId()}`;
    const created = await this.createOnce(
      async () => {
        const { data } = await this.octokit.request("POST /repos/{owner}/{repo}/check-runs", {
          ...this.base,
          ...checkRunBody(input, annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
          external_id: externalId,
          name: input.name,
          head_sha: input.headSha,
          request: { retries: 0 }
        });
        return { id: Number(data.id), url: data.html_url ?? "" };
      },
      async () => {
        const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
          ...this.base,
          ref: input.headSha,
          check_name: input.name,
          filter: "all",
          per_page: 100
        });
        const found = data.check_runs.find((r) => r.external_id === externalId);
        return found && { id: Number(found.id), url: found.html_url ?? "" };
      }
    );
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.updateCheckRun(created.id, {
        title: input.title,
        summary: input.summary,
        annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST)
      });
    }
    return created;
  }
  async updateCheckRun(id, input) {
    const annotations = input.annotations ?? [];
    for (let i = 0; i === 0 || i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...this.base,
        check_run_id: id,
        ...checkRunBody(input, annotations.slice(i, i + ANNOTATIONS_PER_REQUEST))
      });
    }
  }
  async getCheckRunText(id) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...this.base,
        check_run_id: id
      });
      return data.output?.text ?? null;
    } catch (err) {
      if (httpStatus(err) === 404) return void 0;
      throw err;
    }
  }
  async listCheckRuns(sha, name) {
    const runs = [];
    for (let page = 1; ; page++) {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
        ...this.base,
        ref: sha,
        per_page: 100,
        page,
        filter: "all",
        ...name ? { check_name: name } : {}
      });
      for (const r of data.check_runs) {
        runs.push({
          id: Number(r.id),
          name: r.name,
          headSha: r.head_sha,
          status: r.status,
          conclusion: r.conclusion ?? null,
          externalId: r.external_id ? r.external_id.replace(EXTERNAL_POST, "") || null : null,
          startedAt: r.started_at ?? null,
          completedAt: r.completed_at ?? null,
          title: r.output?.title ?? null,
          summary: r.output?.summary ?? null,
          appSlug: r.app?.slug ?? null
        });
      }
      if (data.check_runs.length < 100) break;
    }
    return runs.sort((a, b) => b.id - a.id);
  }
  async createRef(ref, sha) {
    try {
      await this.octokit.request("POST /repos/{owner}/{repo}/git/refs", {
        ...this.base,
        ref: `refs/${ref}`,
        sha
      });
      return "created";
    } catch (err) {
      if (httpStatus(err) === 422 && /already exists/i.test(err.message)) return "exists";
      throw err;
    }
  }
  async createDeployment(input) {
    const { data } = await this.octokit.request("POST /repos/{owner}/{repo}/deployments", {
      ...this.base,
      ref: input.sha,
      environment: input.environment,
      task: "deploy",
      description: input.description.slice(0, 140),
      production_environment: input.production,
      transient_environment: false,
      auto_merge: false,
      // GitHub would wait for the commit's statuses; proceed/verify is what this deployment produces.
      required_contexts: []
    });
    if (!("id" in data)) throw new Error(`GitHub did not create the deployment: ${String(data.message)}`);
    return { id: Number(data.id) };
  }
  async setDeploymentStatus(id, status2) {
    await this.octokit.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      ...this.base,
      deployment_id: id,
      state: status2.state,
      log_url: status2.logUrl,
      description: status2.description.slice(0, 140)
    });
  }
  async findDeployment(sha, environment2) {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/deployments", {
      ...this.base,
      sha,
      environment: environment2,
      per_page: 1
    });
    const newest = data[0];
    if (!newest) return void 0;
    const statuses = await this.octokit.request(
      "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
      { ...this.base, deployment_id: Number(newest.id), per_page: 1 }
    );
    return { id: Number(newest.id), state: statuses.data[0]?.state };
  }
  async listRefs(prefix) {
    const name = prefix.replace(/^refs\//, "");
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
      ...this.base,
      ref: name.replace(/\/+$/, "")
    });
    return data.filter((r) => r.ref.startsWith(`refs/${name}`)).map((r) => ({ ref: r.ref, sha: r.object.sha }));
  }
  async getRef(ref) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
        ...this.base,
        ref
      });
      return { sha: data.object.sha };
    } catch (err) {
      if (httpStatus(err) === 404) return void 0;
      throw err;
    }
  }
  async deleteRef(ref) {
    try {
      await this.octokit.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { ...this.base, ref });
    } catch (err) {
      if (httpStatus(err) !== 404 && httpStatus(err) !== 422) throw err;
    }
  }
  async updateRef(ref, sha, force) {
    try {
      await this.octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
        ...this.base,
        ref,
        sha,
        force
      });
      return "updated";
    } catch (err) {
      if (httpStatus(err) === 422) return "conflict";
      throw err;
    }
  }
  async createCommit(input) {
    const { data } = await this.octokit.request("POST /repos/{owner}/{repo}/git/commits", {
      ...this.base,
      message: input.message,
      tree: input.tree,
      parents: input.parents
    });
    return { sha: data.sha };
  }
  async getCommit(sha) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
        ...this.base,
        commit_sha: sha
      });
      return {
        sha: data.sha,
        message: data.message,
        tree: data.tree.sha,
        committedAt: data.committer.date,
        committer: { name: data.committer.name, email: data.committer.email }
      };
    } catch (err) {
      if (httpStatus(err) === 404) return void 0;
      throw err;
    }
  }
  async getWorkflowRun(id) {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
        ...this.base,
        run_id: id
      });
      return { status: data.status, conclusion: data.conclusion, attempt: Number(data.run_attempt ?? 1) };
    } catch (err) {
      if (httpStatus(err) === 404) return void 0;
      throw err;
    }
  }
};
function toReview(r) {
  return {
    id: Number(r.id),
    body: r.body ?? "",
    state: r.state,
    commitId: r.commit_id,
    user: r.user ? { login: r.user.login, type: r.user.type } : null
  };
}
function checkRunBody(input, annotations) {
  const body = {};
  if (input.status) body.status = input.status;
  if (input.conclusion) body.conclusion = input.conclusion;
  if (input.externalId !== void 0) body.external_id = input.externalId;
  if (input.detailsUrl) body.details_url = input.detailsUrl;
  if (input.startedAt) body.started_at = input.startedAt;
  if (input.completedAt) body.completed_at = input.completedAt;
  if (input.actions) body.actions = input.actions;
  if (input.title !== void 0 && input.summary !== void 0) {
    body.output = {
      title: input.title,
      summary: input.summary,
      ...input.text !== void 0 ? { text: input.text } : {},
      ...annotations && annotations.length ? { annotations } : {}
    };
  }
  return body;
}

// src/github/failure.ts
var NETWORK_CODES = {
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "the host name did not resolve (DNS)",
  EAI_AGAIN: "the host name could not be resolved right now (DNS)",
  ETIMEDOUT: "the connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
  UND_ERR_SOCKET: "the connection broke",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate could not be verified"
};
function networkErrorCode(err) {
  for (let at = err, depth = 0; at && typeof at === "object" && depth < 6; depth++) {
    const code = at.code;
    if (typeof code === "string" && (code in NETWORK_CODES || /^E[A-Z_]+$/.test(code))) return code;
    at = at.cause;
  }
  return void 0;
}
function apiFailureMessage(err, apiUrl, resume) {
  const message = err?.message ?? String(err);
  const code = networkErrorCode(err);
  if (code) {
    const why = NETWORK_CODES[code] ?? "the request got no answer";
    return `could not reach the GitHub API at ${apiUrl}: ${why} (${code}: ${message}). Check that the API URL is right and the host is reachable from here, then run it again.`;
  }
  const status2 = httpStatus(err);
  if (status2 === 401)
    return `the GitHub API at ${apiUrl} refused the token (HTTP 401: ${message}). Check that the token is valid and not expired.`;
  if (status2 === 403 || status2 === 404)
    return `the GitHub API at ${apiUrl} answered HTTP ${status2}: ${message}. Check the token's permissions (see the README's permissions) and that the repository exists.`;
  if (status2 !== void 0 && status2 >= 500)
    return `the GitHub API at ${apiUrl} kept failing after retries (HTTP ${status2}: ${message}). ${resume ?? "Run it again later."}`;
  return `${message}${status2 === void 0 ? "" : ` (HTTP ${status2})`}. Run it again; if it persists, report it.`;
}

// src/app/claim.ts
async function claimComment(octokit, where, commentId) {
  const react = () => octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    ...where,
    comment_id: commentId,
    content: "eyes",
    // Not retried blindly: a retry after a lost 201 would answer 200 and drop the command.
    request: { retries: 0 }
  });
  try {
    return (await react()).status === 201;
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    await react();
    return true;
  }
}

// src/app/config.ts
import { createPrivateKey, randomBytes as randomBytes3 } from "node:crypto";
import { readFileSync as readFileSync4 } from "node:fs";
import { hostname } from "node:os";
import { resolve as resolve3 } from "node:path";

// src/app/token-exchange.ts
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from "jose";
import { z as z9 } from "zod";
var TOKEN_EXCHANGE_PATH = "/proceed/token";
var GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
var EXECUTION_PERMISSIONS = {
  checks: "write",
  contents: "write",
  issues: "write",
  pull_requests: "write",
  actions: "read",
  metadata: "read"
};
var OPTIONAL_PERMISSIONS = { members: "read" };
var ExchangeRefusal = class extends Error {
  constructor(status2, reason, message) {
    super(message);
    this.status = status2;
    this.reason = reason;
  }
  status;
  reason;
};
var ActionsClaims = z9.object({
  repository: z9.string().regex(/^[\w.-]+\/[\w.-]+$/),
  repository_id: z9.string().regex(/^\d+$/),
  event_name: z9.string(),
  ref: z9.string(),
  workflow_ref: z9.string(),
  job_workflow_ref: z9.string(),
  run_id: z9.string().regex(/^\d+$/),
  run_attempt: z9.string().regex(/^\d+$/)
});
function exchangeMarkRef(runId, attempt) {
  return `${MARK_PREFIX}${runId}-${attempt}`;
}
var MARK_PREFIX = "refs/proceed/tokens/run-";
var SWEEP_LIMIT = 5;
function oidcVerifier(settings) {
  const keys = createRemoteJWKSet(new URL(`${settings.issuer.replace(/\/+$/, "")}/.well-known/jwks`));
  return async (jwt) => {
    const { payload } = await jwtVerify(jwt, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ["RS256"],
      requiredClaims: ["exp", "iat"],
      // GitHub's tokens live minutes; an older one was kept somewhere, which is what one-time use is for.
      maxTokenAge: "15m",
      // The app's clock and GitHub's may differ by seconds; a fresh token must not look issued in the future.
      clockTolerance: 30
    });
    return payload;
  };
}
function verificationRefusal(err, settings) {
  const refuse2 = (reason, message) => new ExchangeRefusal(401, reason, message);
  if (err instanceof joseErrors.JWTExpired)
    return refuse2("expired", "the OIDC token has expired: request a new one");
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === "aud")
      return refuse2(
        "wrong-audience",
        `the OIDC token is not for this app: its audience must be ${settings.audience} (the Action's app-url)`
      );
    if (err.claim === "iss")
      return refuse2("wrong-issuer", `the OIDC token was not issued by ${settings.issuer}`);
    if (err.claim === "iat")
      return refuse2("expired", "the OIDC token is older than 15 minutes: request a new one");
    return refuse2("invalid-claims", `the OIDC token's "${err.claim}" claim is not acceptable: ${err.reason}`);
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys)
    return refuse2("bad-signature", `the OIDC token is not signed by one of ${settings.issuer}'s keys`);
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return refuse2("bad-signature", "the OIDC token is not signed with RS256, as GitHub signs them");
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid)
    return new ExchangeRefusal(
      502,
      "issuer-unavailable",
      `the keys of ${settings.issuer} could not be read; try again`
    );
  if (err instanceof joseErrors.JOSEError)
    return refuse2("invalid-token", `the OIDC token could not be verified: ${err.message}`);
  return new ExchangeRefusal(
    502,
    "issuer-unavailable",
    `the keys of ${settings.issuer} could not be read (${err.message}); try again`
  );
}
async function exchangeToken(ctx, jwt) {
  let payload;
  try {
    payload = await ctx.verify(jwt);
  } catch (err) {
    throw verificationRefusal(err, ctx.settings);
  }
  const parsed = ActionsClaims.safeParse(payload);
  if (!parsed.success)
    throw new ExchangeRefusal(
      401,
      "invalid-claims",
      `the OIDC token lacks GitHub Actions' claims (${parsed.error.issues.map((i) => i.path.join(".")).join(", ")})`
    );
  const claims = parsed.data;
  const [owner = "", repo = ""] = claims.repository.split("/");
  const runId = Number(claims.run_id);
  const attempt = Number(claims.run_attempt);
  const forbid = (reason, message) => new ExchangeRefusal(403, reason, message);
  if (claims.event_name !== "workflow_dispatch")
    throw forbid(
      "not-a-dispatch",
      `the run was started by a ${claims.event_name} event; only the workflow_dispatch the app sends gets a token`
    );
  const installation = await fromGitHub(() => ctx.github.installation(owner, repo));
  if (!installation) throw forbid("not-installed", `the app is not installed on ${claims.repository}`);
  const granted = installation.permissions;
  const missing = Object.entries(EXECUTION_PERMISSIONS).filter(
    ([name, level]) => !covers(granted[name], level)
  );
  if (missing.length)
    throw forbid(
      "installation-permissions",
      `the app's installation on ${claims.repository} lacks ${missing.map(([n, l]) => `${n}: ${l}`).join(", ")}; accept the app's requested permissions in the installation settings`
    );
  const permissions = { ...EXECUTION_PERMISSIONS };
  for (const [name, level] of Object.entries(OPTIONAL_PERMISSIONS))
    if (covers(granted[name], level)) permissions[name] = level;
  const repository = await fromGitHub(() => ctx.github.repository(installation.id, owner, repo));
  if (String(repository.id) !== claims.repository_id)
    throw forbid(
      "wrong-repository",
      `the OIDC token is for repository id ${claims.repository_id}, but ${claims.repository} is ${repository.id}`
    );
  const defaultRef = `refs/heads/${repository.defaultBranch}`;
  const workflowRef = `${repository.fullName}/.github/workflows/${ctx.workflow}@${defaultRef}`;
  for (const [claim, value2] of [
    ["ref", claims.ref],
    ["workflow_ref", claims.workflow_ref],
    ["job_workflow_ref", claims.job_workflow_ref]
  ]) {
    const expected = claim === "ref" ? defaultRef : workflowRef;
    if (value2.toLowerCase() !== expected.toLowerCase())
      throw forbid(
        "wrong-workflow",
        `the run's ${claim} is ${value2}; the app only gives tokens to ${workflowRef}, the workflow reviewed on the default branch`
      );
  }
  const run = await fromGitHub(() => ctx.github.workflowRun(installation.id, owner, repo, runId));
  const bot = await fromGitHub(() => ctx.botLogin());
  if (!run || run.event !== "workflow_dispatch" || run.path !== `.github/workflows/${ctx.workflow}` || run.triggeringActor !== bot || run.runAttempt !== attempt)
    throw forbid(
      "not-dispatched-by-app",
      `run ${runId} (attempt ${attempt}) of ${claims.repository} was not dispatched by ${bot}` + (run?.triggeringActor && run.triggeringActor !== bot ? ` (started by ${run.triggeringActor})` : "")
    );
  if (run.status === "completed")
    throw forbid("run-ended", `run ${runId} of ${claims.repository} has ended; its token would outlive it`);
  const fresh = await fromGitHub(
    () => ctx.github.markExchanged(installation.id, owner, repo, exchangeMarkRef(runId, attempt), run.headSha)
  );
  if (!fresh)
    throw new ExchangeRefusal(
      409,
      "replayed",
      `run ${runId} (attempt ${attempt}) of ${claims.repository} already exchanged its token; each run gets one`
    );
  const issued = await fromGitHub(() => ctx.github.createToken(installation.id, repository.id, permissions));
  await sweepEndedMarks(ctx.github, installation.id, owner, repo, runId);
  return {
    token: issued.token,
    expiresAt: issued.expiresAt,
    repository: repository.fullName,
    installationId: installation.id,
    runId,
    botLogin: bot,
    permissions: issued.permissions
  };
}
async function sweepEndedMarks(github, installationId, owner, repo, current) {
  try {
    const others = (await github.exchangeMarks(installationId, owner, repo)).map((ref) => ({ ref, runId: Number(/^refs\/proceed\/tokens\/run-(\d+)-\d+$/.exec(ref)?.[1]) })).filter((m) => Number.isSafeInteger(m.runId) && m.runId !== current).slice(0, SWEEP_LIMIT);
    for (const mark of others) {
      const run = await github.workflowRun(installationId, owner, repo, mark.runId);
      if (!run || run.status === "completed") await github.deleteRef(installationId, owner, repo, mark.ref);
    }
  } catch {
  }
}
function covers(granted, wanted) {
  return granted === "write" || granted === "admin" || wanted === "read" && granted === "read";
}
async function fromGitHub(call) {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ExchangeRefusal) throw err;
    throw new ExchangeRefusal(
      502,
      "github-unavailable",
      `GitHub could not be asked about the run: ${err.message ?? String(err)}; try again`
    );
  }
}

// src/app/config.ts
var EXECUTORS = ["inline", "dispatch"];
var DEFAULT_LOCK_HEARTBEAT_MS = 3e4;
var APP_VARIABLES = /^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PATH|WEBHOOK_PROXY_URL|GITHUB_CLIENT_ID|GITHUB_CLIENT_SECRET|REDIS_URL|SENTRY_DSN|PROCEED_.*)$/;
var ConfigError = class extends Error {
};
function configFromEnv(env) {
  const executor = (env.PROCEED_EXECUTOR ?? "").trim() || "inline";
  if (!EXECUTORS.includes(executor)) {
    throw new ConfigError(
      `PROCEED_EXECUTOR is "${executor}": use inline (steps run in a temporary clone on this machine) or dispatch (steps run on GitHub Actions through each repository's proceed workflow).`
    );
  }
  const workflow = (env.PROCEED_WORKFLOW ?? "").trim() || "proceed.yml";
  if (!/^[\w.-]+\.ya?ml$/.test(workflow)) {
    throw new ConfigError(
      `PROCEED_WORKFLOW is "${workflow}": give the workflow's file name in .github/workflows/, e.g. proceed.yml.`
    );
  }
  const gitUrl = (env.PROCEED_GIT_URL ?? "").trim() || serverUrlOf(env);
  try {
    new URL(gitUrl);
  } catch {
    throw new ConfigError(
      `PROCEED_GIT_URL is "${gitUrl}", which is not a URL: give the server to clone from, e.g. https://github.com.`
    );
  }
  const heartbeat = (env.PROCEED_LOCK_HEARTBEAT_MS ?? "").trim();
  const lockHeartbeatMs = heartbeat === "" ? DEFAULT_LOCK_HEARTBEAT_MS : Number(heartbeat);
  if (!Number.isInteger(lockHeartbeatMs) || lockHeartbeatMs < 50) {
    throw new ConfigError(
      `PROCEED_LOCK_HEARTBEAT_MS is "${heartbeat}": give a whole number of milliseconds, at least 50 (default ${DEFAULT_LOCK_HEARTBEAT_MS}: an executing instance renews its lock every 30 s).`
    );
  }
  return {
    executor,
    ...executor === "dispatch" ? { tokenExchange: tokenExchangeFromEnv(env) } : {},
    workflow,
    gitUrl,
    planGlobs: parseGlobList(env.PROCEED_PLAN_FILES),
    policyPath: (env.PROCEED_POLICY_FILE ?? "").trim() || POLICY_FILE,
    pollMs: pollIntervalFromEnv(env),
    stepEnv: Object.fromEntries(Object.entries(env).filter(([key]) => !APP_VARIABLES.test(key))),
    instanceId: instanceId(),
    lockHeartbeatMs
  };
}
function tokenExchangeFromEnv(env) {
  const appUrl = (env.PROCEED_APP_URL ?? "").trim().replace(/\/+$/, "");
  if (!isHttpUrl(appUrl))
    throw new ConfigError(
      `PROCEED_APP_URL is ${appUrl ? `"${appUrl}", which is not an http(s) URL` : "not set"}: the dispatch executor needs the app's public URL (the one its webhook URL starts with, e.g. https://proceed.example.com), where the proceed workflow trades its OIDC token for an installation token; give the same URL as the Action's app-url.`
    );
  const issuer = (env.PROCEED_OIDC_ISSUER ?? "").trim().replace(/\/+$/, "") || GITHUB_ACTIONS_ISSUER;
  if (!isHttpUrl(issuer))
    throw new ConfigError(
      `PROCEED_OIDC_ISSUER is "${issuer}", which is not an http(s) URL: leave it unset for github.com (${GITHUB_ACTIONS_ISSUER}) or give your server's, e.g. https://HOST/_services/token.`
    );
  return { appUrl, issuer, audience: appUrl };
}
function isHttpUrl(text) {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
function startModeFromEnv(env, cwd = process.cwd()) {
  const appId = (env.APP_ID ?? "").trim();
  const key = (env.PRIVATE_KEY ?? "").trim();
  const keyPath = (env.PRIVATE_KEY_PATH ?? "").trim();
  const secret = env.WEBHOOK_SECRET ?? "";
  const production = env.NODE_ENV === "production";
  if (!appId && !key && !keyPath && !secret.trim()) {
    if (!production) return "setup";
    throw new ConfigError(
      "APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET are not set, and NODE_ENV is production: set them from the app's settings page (Probot's setup page, which registers a new app, runs only outside production)."
    );
  }
  if (!/^[1-9]\d*$/.test(appId))
    throw new ConfigError(
      `APP_ID is ${appId ? `"${appId}", not a number` : "not set"}: set it to the App ID on the app's settings page (unset APP_ID, PRIVATE_KEY and WEBHOOK_SECRET together, outside production, to register a new app instead).`
    );
  if (!secret.trim())
    throw new ConfigError(
      "WEBHOOK_SECRET is not set: set it to the webhook secret on the app's settings page. Without it Probot would accept webhooks signed with its public default secret, so anyone could send the app events."
    );
  if (secret === "development")
    throw new ConfigError(
      `WEBHOOK_SECRET is "development", Probot's public default: anyone could sign webhooks with it. Generate a random secret and set it both here and on the app's settings page.`
    );
  privateKeyFromEnv(key, keyPath, cwd);
  return "app";
}
function privateKeyFromEnv(key, keyPath, cwd) {
  const fix = "set PRIVATE_KEY to the PEM file GitHub gave you (newlines may be written as \\n, or base64-encode it), or PRIVATE_KEY_PATH to its path";
  let pem;
  let where;
  if (key) {
    const decoded = /-----BEGIN/.test(key) ? key : Buffer.from(key, "base64").toString("utf8");
    pem = decoded.replace(/\\n/g, "\n");
    where = "PRIVATE_KEY";
  } else if (keyPath) {
    where = `PRIVATE_KEY_PATH (${keyPath})`;
    try {
      pem = readFileSync4(resolve3(cwd, keyPath), "utf8");
    } catch (err) {
      throw new ConfigError(
        `PRIVATE_KEY_PATH is "${keyPath}", which cannot be read (${err.code ?? err.message}): ${fix}.`
      );
    }
  } else {
    throw new ConfigError(`PRIVATE_KEY and PRIVATE_KEY_PATH are not set: ${fix}.`);
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem))
    throw new ConfigError(`${where} does not hold a PEM private key: ${fix}.`);
  try {
    createPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(
      `${where} holds a private key that does not parse (${err.message}): ${fix}.`
    );
  }
}
function serverUrlOf(env) {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}` : "https://github.com";
}
function instanceId() {
  return `${hostname()}-${process.pid}-${randomBytes3(3).toString("hex")}`;
}

// src/app/dispatch.ts
async function dispatchRun(octokit, target2, number, handoff) {
  const { data } = await octokit.request(
    "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    {
      owner: target2.owner,
      repo: target2.repo,
      workflow_id: target2.workflow,
      ref: target2.ref,
      inputs: { pr: String(number), sha: handoff.headSha, "plan-hash": handoff.planHash },
      return_run_details: true
    }
  );
  const runId = data?.workflow_run_id;
  return typeof runId === "number" ? runId : void 0;
}
async function reportDispatchFailure(port, target2, number, handoff, err) {
  const status2 = httpStatus(err);
  const why = status2 === 404 ? `there is no ${codeSpan(`.github/workflows/${target2.workflow}`)} on ${codeSpan(target2.ref)}, or the app may not read it` : status2 === 422 ? `the workflow on ${codeSpan(target2.ref)} has no \`workflow_dispatch\` trigger with the inputs \`pr\`, \`sha\` and \`plan-hash\`` : `GitHub answered: ${codeSpan(err.message ?? String(err))}`;
  await port.createComment(
    number,
    `**\`/${handoff.command}\` was allowed, but its run could not be started:** ${why}. Add the workflow from the README ("The GitHub App") to the default branch, then comment \`/${handoff.command}\` again.`
  );
}

// src/app/inline.ts
import { mkdtemp as mkdtemp3, rm as rm3 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join6 } from "node:path";

// src/execute/checkout.ts
import { execFile as execFile3 } from "node:child_process";
import { mkdir as mkdir2, realpath, rm as rm2, stat } from "node:fs/promises";
import { join as join5 } from "node:path";
var GIT_TIMEOUT_MS = 5 * 6e4;
var GIT_OUTPUT_LINES = 6;
var GIT_OUTPUT_CHARS = 600;
var FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
var NAME = /^[A-Za-z0-9_.-]+$/;
var MISSING_OBJECT = /not our ref|unadvertised object|couldn't find remote ref|no such remote ref/i;
async function checkoutApproved(o) {
  const log = o.log ?? (() => void 0);
  const invalid2 = invalidOptions(o);
  if (invalid2) return { ok: false, message: invalid2 };
  const sha = o.sha.toLowerCase();
  const short2 = sha.slice(0, 7);
  const mask = secretMasker(o.token);
  const refuse2 = (message) => ({ ok: false, message: mask(message) });
  const workspace = await inspectWorkspace(o.workspace, sha);
  if (workspace.usable) {
    log(`proceed: the workspace is a clean checkout of ${short2}; running there.`);
    return { ok: true, dir: o.workspace, reused: true };
  }
  const dir = join5(o.scratch, "proceed", sha);
  log(`proceed: the workspace ${workspace.reason}; checking out ${short2} into ${dir}.`);
  try {
    await rm2(dir, { recursive: true, force: true });
    await mkdir2(dir, { recursive: true });
  } catch (err) {
    return refuse2(
      `cannot prepare ${dir} for checking out the approved commit ${short2}: ${err.message} \u2014 check that RUNNER_TEMP (${o.scratch}) is writable.`
    );
  }
  const result2 = await fetchAndCheckOut(o, sha, dir, log, mask);
  if (result2.ok) return result2;
  await rm2(dir, { recursive: true, force: true }).catch(() => void 0);
  return refuse2(result2.message);
}
async function fetchAndCheckOut(o, sha, dir, log, mask) {
  const short2 = sha.slice(0, 7);
  const slug = `${o.owner}/${o.repo}`;
  const url = `${o.serverUrl.replace(/\/+$/, "")}/${o.owner}/${o.repo}.git`;
  const where = `${slug} at ${displayUrl(url)}`;
  const init = await git(["init", "-q"], dir);
  if (!init.ok) return { ok: false, message: gitFailure(`could not create a repository in ${dir}`, init) };
  const auth = authConfig(o.serverUrl, o.token);
  const fetch = async (ref) => {
    const outcome = await git(
      ["fetch", "--no-tags", "--no-recurse-submodules", "--depth=1", "--", url, ref],
      dir,
      auth
    );
    return { ...outcome, stdout: mask(outcome.stdout), stderr: mask(outcome.stderr) };
  };
  log(`proceed: fetching ${short2} from ${displayUrl(url)}.`);
  const direct = await fetch(sha);
  if (!direct.ok) {
    if (direct.spawnError || direct.timedOut)
      return { ok: false, message: fetchFailure(short2, where, direct) };
    const pullRef = `refs/pull/${o.prNumber}/head`;
    log(`proceed: ${short2} cannot be fetched directly (${lastLine(direct.stderr)}); trying ${pullRef}.`);
    const viaPull = await fetch(pullRef);
    if (!viaPull.ok) {
      if (MISSING_OBJECT.test(direct.stderr) && MISSING_OBJECT.test(viaPull.stderr)) {
        return {
          ok: false,
          message: `the approved commit ${short2} is no longer reachable in ${slug} (and ${pullRef} was not found) \u2014 was the branch force-pushed? Push again and re-approve.`
        };
      }
      return { ok: false, message: fetchFailure(short2, where, viaPull) };
    }
    const pullHead = await git(["rev-parse", "--verify", "FETCH_HEAD^{commit}"], dir);
    const head2 = pullHead.stdout.trim();
    if (!pullHead.ok || head2 !== sha) {
      return {
        ok: false,
        message: `the approved commit ${short2} is no longer reachable in ${slug}, and pull request #${o.prNumber} now points at ${head2.slice(0, 7) || "another commit"} \u2014 was the branch force-pushed? Push again and re-approve.`
      };
    }
  }
  const checkout = await git(["checkout", "-q", "--detach", "FETCH_HEAD"], dir);
  if (!checkout.ok) {
    return {
      ok: false,
      message: gitFailure(
        `could not check out ${short2} in ${dir}`,
        checkout,
        "check free disk space on the runner"
      )
    };
  }
  const verify = await git(["rev-parse", "--verify", "HEAD"], dir);
  const head = verify.stdout.trim();
  if (!verify.ok || head !== sha) {
    return {
      ok: false,
      message: `after checking out ${short2}, HEAD in ${dir} is ${head.slice(0, 7) || "unreadable"} \u2014 no step was run on a different commit; run the job again.`
    };
  }
  log(`proceed: checked out ${short2} in ${dir}.`);
  return { ok: true, dir, reused: false };
}
async function inspectWorkspace(workspace, sha) {
  if (!workspace) return { usable: false, reason: "is not set" };
  const isDir = await stat(workspace).then(
    (s) => s.isDirectory(),
    () => false
  );
  if (!isDir) return { usable: false, reason: `${workspace} does not exist` };
  const top = await git(["rev-parse", "--show-toplevel"], workspace);
  if (!top.ok)
    return { usable: false, reason: `is not a git work tree git can use (${lastLine(top.stderr)})` };
  const [topReal, workspaceReal] = await Promise.all([
    realpath(top.stdout.trim()).catch(() => top.stdout.trim()),
    realpath(workspace).catch(() => workspace)
  ]);
  if (topReal !== workspaceReal) return { usable: false, reason: `is inside another work tree (${topReal})` };
  const head = await git(["rev-parse", "--verify", "HEAD"], workspace);
  if (!head.ok) return { usable: false, reason: "has no commit checked out" };
  const at = head.stdout.trim();
  if (at !== sha)
    return { usable: false, reason: `is at ${at.slice(0, 7)}, not the approved ${sha.slice(0, 7)}` };
  const status2 = await git(["--no-optional-locks", "status", "--porcelain"], workspace);
  if (!status2.ok) return { usable: false, reason: "has a status git cannot read" };
  if (status2.stdout.trim() !== "") return { usable: false, reason: "has uncommitted or untracked changes" };
  return { usable: true };
}
function invalidOptions(o) {
  const what = "cannot check out the approved commit";
  if (!FULL_SHA.test(o.sha.toLowerCase())) return `${what}: "${o.sha}" is not a full commit SHA.`;
  if (!Number.isSafeInteger(o.prNumber) || o.prNumber < 1) {
    return `${what}: "${String(o.prNumber)}" is not a pull request number.`;
  }
  for (const name of [o.owner, o.repo]) {
    if (!NAME.test(name) || name === "." || name === "..")
      return `${what}: "${name}" is not a repository name.`;
  }
  let server;
  try {
    server = new URL(o.serverUrl);
  } catch {
    return `${what}: the server URL "${o.serverUrl}" is not a URL \u2014 check GITHUB_SERVER_URL.`;
  }
  if (!["https:", "http:", "file:"].includes(server.protocol)) {
    return `${what}: the server URL "${o.serverUrl}" is not an http(s) URL \u2014 check GITHUB_SERVER_URL.`;
  }
  if (!o.scratch) return `${what}: no scratch folder was given \u2014 check RUNNER_TEMP.`;
  return void 0;
}
function authConfig(serverUrl, token) {
  if (!token) return [];
  const key = `http.${serverUrl.replace(/\/+$/, "")}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return [
    [key, ""],
    [key, `AUTHORIZATION: basic ${basic}`]
  ];
}
function secretMasker(token) {
  if (!token) return (text) => text;
  const forms = [
    token,
    Buffer.from(`x-access-token:${token}`).toString("base64"),
    Buffer.from(token).toString("base64")
  ];
  return (text) => forms.reduce((masked, form) => masked.split(form).join("***"), text);
}
function gitEnv(config) {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    // As actions/checkout does by default: LFS files stay pointers instead of downloading with our token.
    GIT_LFS_SKIP_SMUDGE: "1"
  };
  for (const name of [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_ASKPASS",
    "SSH_ASKPASS"
  ]) {
    delete env[name];
  }
  const entries = [["credential.helper", ""], ["core.askPass", ""], ...config];
  const inherited = Number(env.GIT_CONFIG_COUNT ?? 0);
  const base = Number.isSafeInteger(inherited) && inherited > 0 ? inherited : 0;
  entries.forEach(([key, value2], i) => {
    env[`GIT_CONFIG_KEY_${base + i}`] = key;
    env[`GIT_CONFIG_VALUE_${base + i}`] = value2;
  });
  env.GIT_CONFIG_COUNT = String(base + entries.length);
  return env;
}
function git(args, cwd, config = []) {
  return new Promise((resolve4) => {
    execFile3(
      "git",
      args,
      { cwd, env: gitEnv(config), timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (!err) return resolve4({ ok: true, stdout, stderr, timedOut: false });
        const code = err.code;
        const notStarted = code === "ENOENT" || code === "EACCES";
        resolve4({
          ok: false,
          stdout,
          stderr,
          timedOut: err.killed === true && !notStarted,
          ...notStarted ? { spawnError: err.message } : {}
        });
      }
    );
  });
}
function fetchFailure(short2, where, outcome) {
  if (outcome.timedOut) {
    return `fetching the approved commit ${short2} from ${where} took longer than ${GIT_TIMEOUT_MS / 6e4} minutes \u2014 check the runner's network access to the server and run the job again.`;
  }
  return gitFailure(
    `could not fetch the approved commit ${short2} from ${where}`,
    outcome,
    "check that the workflow grants `contents: read` (under `permissions:`) and that its token can read the repository"
  );
}
function gitFailure(what, outcome, advice = "run the job again") {
  if (outcome.spawnError) {
    return `${what}: git could not be started (${outcome.spawnError}) \u2014 use a runner with git installed and on PATH.`;
  }
  if (outcome.timedOut)
    return `${what}: git took longer than ${GIT_TIMEOUT_MS / 6e4} minutes \u2014 ${advice}.`;
  const said = gitOutput(outcome.stderr || outcome.stdout);
  return `${what}${said ? `: ${said}` : ""} \u2014 ${advice}.`;
}
function gitOutput(text) {
  const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
  const joined = lines.slice(-GIT_OUTPUT_LINES).join(" ");
  return joined.length > GIT_OUTPUT_CHARS ? `\u2026${joined.slice(-GIT_OUTPUT_CHARS)}` : joined;
}
function lastLine(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).pop() ?? "no output";
}
function displayUrl(url) {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

// src/app/inline.ts
function inlineIsolation(env, log) {
  const userName = (env.PROCEED_INLINE_USER ?? "").trim() || DEFAULT_STEP_USER;
  const probe = probeIsolation(userName);
  if (probe.available) {
    const base = workspaceBase(tmpdir2());
    const hide = coverable([process.cwd(), ...env.PRIVATE_KEY_PATH ? [env.PRIVATE_KEY_PATH] : []], base);
    log.info(
      `proceed: inline steps run as ${userName} (uid ${probe.user.uid}) in PID and mount namespaces of their own execution; hidden from them: the other executions in ${base}${hide.length ? `, ${hide.join(", ")}` : ""}.`
    );
    return { kind: "isolated", user: probe.user, base, hide };
  }
  const production = env.NODE_ENV === "production";
  if (production && env.PROCEED_INLINE_UNISOLATED !== "1") {
    throw new ConfigError(
      `PROCEED_EXECUTOR is inline under NODE_ENV=production, but steps cannot be isolated: ${probe.reason}. Fix that; or use PROCEED_EXECUTOR=dispatch (steps run on GitHub Actions runners, away from the app); or set PROCEED_INLINE_UNISOLATED=1 to run steps as the app's own user, where a step can read the app's private key.`
    );
  }
  log.warn(
    `proceed: inline steps are NOT isolated: ${probe.reason}. A step can read the app's environment, files and memory, its private key among them${production ? " (PROCEED_INLINE_UNISOLATED=1 allows it)" : "; under NODE_ENV=production the app refuses to start so"}.`
  );
  return { kind: "unisolated", reason: probe.reason };
}
function inlineRunner(config, where, installationToken2, log, isolation = { kind: "unisolated", reason: "not asked for" }, appEnv = process.env) {
  const made = [];
  const sandboxes = [];
  const secrets = [...secretsInEnvironment(config.stepEnv), ...appCredentials(appEnv)];
  const scratchDirectory = async () => {
    if (isolation.kind === "unisolated") return mkdtemp3(join6(tmpdir2(), "proceed-app-"));
    await prepareWorkspaceBase(isolation.base);
    return makeExecutionDirectory(isolation.base);
  };
  return {
    runner: {
      workspace: async (sha, number) => {
        let scratch;
        try {
          scratch = await scratchDirectory();
        } catch (err) {
          return {
            ok: false,
            message: `cannot make a temporary workspace in ${tmpdir2()}: ${err.message} \u2014 free disk space or set TMPDIR.`
          };
        }
        made.push(scratch);
        const token = await installationToken2();
        secrets.push(token);
        const checkout = await checkoutApproved({
          workspace: "",
          scratch,
          serverUrl: config.gitUrl,
          owner: where.owner,
          repo: where.repo,
          sha,
          prNumber: number,
          token,
          log
        });
        if (!checkout.ok || isolation.kind === "unisolated") return checkout;
        try {
          await handOver(scratch, isolation.user);
          sandboxes.push(
            await StepSandbox.open({
              root: scratch,
              base: isolation.base,
              user: isolation.user,
              hide: isolation.hide
            })
          );
        } catch (err) {
          return {
            ok: false,
            message: `cannot isolate the steps of this execution: ${err.message}. Nothing was run.`
          };
        }
        return { ok: true, dir: checkout.dir };
      },
      holder: {
        kind: "app",
        id: config.instanceId,
        heartbeatMs: config.lockHeartbeatMs ?? DEFAULT_LOCK_HEARTBEAT_MS
      },
      env: config.stepEnv,
      secrets,
      pollMs: config.pollMs
    },
    cleanup: async () => {
      await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
      await Promise.all(made.splice(0).map((dir) => rm3(dir, { recursive: true, force: true })));
    }
  };
}

// src/app/issued-tokens.ts
var DEFAULT_TOKEN_SWEEP_MS = 5 * 6e4;
var IssuedTokens = class {
  constructor(github, log, now3 = () => /* @__PURE__ */ new Date()) {
    this.github = github;
    this.log = log;
    this.now = now3;
  }
  github;
  log;
  now;
  runs = /* @__PURE__ */ new Map();
  record(run) {
    this.runs.set(keyOf(run.owner, run.repo, run.runId), run);
  }
  /** The runs whose tokens are still out (for tests and the log). */
  outstanding() {
    return [...this.runs.values()];
  }
  /** The run ended (its `workflow_run` completed webhook): its token, if this instance gave one, is revoked. */
  async runEnded(owner, repo, runId) {
    const run = this.runs.get(keyOf(owner, repo, runId));
    if (!run) return false;
    await this.revoke(run, "its run has ended");
    return true;
  }
  /** Revokes the tokens of runs that have ended or that GitHub no longer knows; forgets expired ones. */
  async sweep() {
    for (const run of [...this.runs.values()]) {
      if (Date.parse(run.expiresAt) <= this.now().getTime()) {
        this.runs.delete(keyOf(run.owner, run.repo, run.runId));
        continue;
      }
      let status2;
      try {
        status2 = await this.github.runStatus(run.installationId, run.owner, run.repo, run.runId);
      } catch (err) {
        this.log.warn(
          `proceed: could not read run ${run.runId} of ${run.owner}/${run.repo} to revoke its token (${err.message}); trying again later.`
        );
        continue;
      }
      if (status2 === void 0 || status2 === "completed")
        await this.revoke(run, status2 ? "its run has ended" : "GitHub no longer knows its run");
    }
  }
  async revoke(run, why) {
    try {
      await this.github.revoke(run.token);
      this.log.info(`proceed: revoked the token of run ${run.runId} of ${run.owner}/${run.repo}: ${why}.`);
    } catch (err) {
      if (err.status !== 401) {
        this.log.warn(
          `proceed: could not revoke the token of run ${run.runId} of ${run.owner}/${run.repo} (${err.message}); trying again at the next sweep.`
        );
        return;
      }
    }
    this.runs.delete(keyOf(run.owner, run.repo, run.runId));
  }
};
function keyOf(owner, repo, runId) {
  return `${owner.toLowerCase()}/${repo.toLowerCase()}#${runId}`;
}

// src/app/token-exchange-http.ts
import { Octokit as OctokitCore } from "@octokit/core";
var MAX_BODY_BYTES = 64 * 1024;
function tokenExchangeHandler(exchange, log) {
  return async (req, res) => {
    if (req.url?.split("?")[0] !== TOKEN_EXCHANGE_PATH) return false;
    const from = req.socket.remoteAddress ?? "unknown address";
    try {
      if (req.method !== "POST")
        throw new ExchangeRefusal(
          400,
          "method",
          `use POST ${TOKEN_EXCHANGE_PATH} with {"token": "<OIDC token>"}`
        );
      const jwt = await readToken(req);
      const issued = await exchange(jwt);
      log.info(
        `proceed: gave run ${issued.runId} of ${issued.repository} an installation token for that repository, until ${issued.expiresAt}.`
      );
      answer(res, 201, {
        token: issued.token,
        expires_at: issued.expiresAt,
        repository: issued.repository,
        bot_login: issued.botLogin,
        permissions: issued.permissions
      });
    } catch (err) {
      const refusal2 = err instanceof ExchangeRefusal ? err : new ExchangeRefusal(
        502,
        "internal",
        `the exchange failed: ${err.message ?? String(err)}`
      );
      log.warn(`proceed: refused a token exchange from ${from} (${refusal2.reason}): ${refusal2.message}.`);
      answer(res, refusal2.status, {
        reason: refusal2.reason,
        message: `proceed refused the token: ${refusal2.message}.`
      });
    }
    return true;
  };
}
function answer(res, status2, body) {
  res.writeHead(status2, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));
}
async function readToken(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new ExchangeRefusal(400, "malformed", "the request body is too large for a token");
    chunks.push(chunk);
  }
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ExchangeRefusal(
      400,
      "malformed",
      'the request body is not JSON: send {"token": "<OIDC token>"}'
    );
  }
  const token = body?.token;
  if (typeof token !== "string" || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token))
    throw new ExchangeRefusal(
      400,
      "malformed",
      'the body has no "token" holding a JWT: send {"token": "<OIDC token>"}'
    );
  return token;
}
function probotExchangeGitHub(app) {
  const asApp = async () => await app.auth();
  const asInstallation = async (id) => await app.auth(id);
  return {
    async installation(owner, repo) {
      try {
        const { data } = await (await asApp()).request("GET /repos/{owner}/{repo}/installation", { owner, repo });
        return { id: data.id, permissions: { ...data.permissions } };
      } catch (err) {
        if (httpStatus(err) === 404) return void 0;
        throw err;
      }
    },
    async repository(installationId, owner, repo) {
      const { data } = await (await asInstallation(installationId)).request("GET /repos/{owner}/{repo}", {
        owner,
        repo
      });
      return { id: Number(data.id), fullName: data.full_name, defaultBranch: data.default_branch };
    },
    async workflowRun(installationId, owner, repo, runId) {
      try {
        const { data } = await (await asInstallation(installationId)).request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { owner, repo, run_id: runId });
        return {
          id: Number(data.id),
          event: data.event,
          status: data.status ?? "",
          path: data.path,
          headBranch: data.head_branch,
          headSha: data.head_sha,
          runAttempt: data.run_attempt ?? 1,
          triggeringActor: (data.triggering_actor ?? data.actor)?.login
        };
      } catch (err) {
        if (httpStatus(err) === 404) return void 0;
        throw err;
      }
    },
    async markExchanged(installationId, owner, repo, ref, sha) {
      try {
        await (await asInstallation(installationId)).request("POST /repos/{owner}/{repo}/git/refs", {
          owner,
          repo,
          ref,
          sha
        });
        return true;
      } catch (err) {
        if (httpStatus(err) === 422 && /already exists/i.test(err.message)) return false;
        throw err;
      }
    },
    async exchangeMarks(installationId, owner, repo) {
      const { data } = await (await asInstallation(installationId)).request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
        owner,
        repo,
        ref: "proceed/tokens/run-"
      });
      return data.map((r) => r.ref);
    },
    async deleteRef(installationId, owner, repo, ref) {
      await (await asInstallation(installationId)).request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
        owner,
        repo,
        ref: ref.replace(/^refs\//, "")
      });
    },
    async revokeToken(token) {
      const { baseUrl } = (await asApp()).request.endpoint.DEFAULTS;
      await new OctokitCore({ auth: token, baseUrl }).request("DELETE /installation/token");
    },
    async createToken(installationId, repositoryId, permissions) {
      const { data } = await (await asApp()).request("POST /app/installations/{installation_id}/access_tokens", {
        installation_id: installationId,
        repository_ids: [repositoryId],
        permissions
      });
      return {
        token: data.token,
        expiresAt: data.expires_at,
        permissions: { ...data.permissions }
      };
    }
  };
}

// src/app/webhook-log.ts
var REMEMBERED = 100;
function signatureFailure(value2) {
  const candidates = [value2, value2?.err];
  for (const candidate of candidates) {
    if (!(candidate instanceof Error)) continue;
    const errors = candidate instanceof AggregateError ? [...candidate.errors] : [candidate];
    const first = errors[0];
    if (!first || !/signature does not match|x-hub-signature/i.test(first.message)) continue;
    return { id: String(first.event?.id ?? "unknown"), name: String(first.event?.name ?? "unknown") };
  }
  return void 0;
}
function oneLineForBadSignatures(log) {
  const reported = [];
  const error = log.error;
  log.error = function(first, ...rest) {
    const failure = signatureFailure(first);
    if (!failure) return error.call(this, first, ...rest);
    if (reported.includes(failure.id)) return;
    reported.push(failure.id);
    if (reported.length > REMEMBERED) reported.shift();
    this.warn(
      `webhook refused: delivery ${failure.id} (${failure.name}) is not signed with WEBHOOK_SECRET; nothing ran. If GitHub sent it, set WEBHOOK_SECRET to the secret in the app's settings.`
    );
  };
}

// src/app/index.ts
var APP_EVENTS = [
  "pull_request",
  "pull_request_review",
  "issue_comment",
  "check_run",
  "merge_group"
];
var DISPATCH_EVENTS = ["workflow_run"];
var healthz = (req, res) => {
  if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end("ok");
  return true;
};
function createApp(config) {
  return (app, options) => {
    oneLineForBadSignatures(app.log);
    const served = addHealthz(options);
    const botLogin = appLogin(app, served);
    if (served && config.executor === "dispatch" && config.tokenExchange) {
      const github = probotExchangeGitHub(app);
      const exchange = {
        settings: config.tokenExchange,
        workflow: config.workflow,
        github,
        botLogin,
        verify: oidcVerifier(config.tokenExchange)
      };
      const log = { info: (line) => app.log.info(line), warn: (line) => app.log.warn(line) };
      const issued = new IssuedTokens(
        {
          runStatus: async (id, owner, repo, runId) => (await github.workflowRun(id, owner, repo, runId))?.status,
          revoke: (token) => github.revokeToken(token)
        },
        log
      );
      options.addHandler(
        tokenExchangeHandler(async (jwt) => {
          const given = await exchangeToken(exchange, jwt);
          const [owner = "", repo = ""] = given.repository.split("/");
          issued.record({ ...given, owner, repo });
          return given;
        }, log)
      );
      app.on("workflow_run.completed", async (context) => {
        const { workflow_run: run, repository } = context.payload;
        await issued.runEnded(repository.owner.login, repository.name, run.id);
      });
      setInterval(() => void issued.sweep(), config.tokenSweepMs ?? DEFAULT_TOKEN_SWEEP_MS).unref();
    }
    const isolation = config.executor === "inline" ? inlineIsolation(process.env, {
      info: (line) => app.log.info(line),
      warn: (line) => app.log.warn(line)
    }) : void 0;
    app.on([...APP_EVENTS], (context) => {
      const event = toActionable(context);
      if (!event) return Promise.resolve();
      return onWebhook(context, event, config, botLogin, served, isolation);
    });
  };
}
function proceedApp(app, options) {
  return createApp(configFromEnv(process.env))(app, options);
}
function addHealthz(options) {
  if (typeof options?.addHandler !== "function") return false;
  try {
    options.addHandler(healthz);
    return true;
  } catch {
    return false;
  }
}
function withoutRetries(octokit) {
  octokit.hook.before("request", (options) => {
    options.request = { ...options.request, retries: 0 };
  });
  return octokit;
}
function appLogin(app, served) {
  let login;
  return () => {
    login ??= (async () => {
      const jwt = await app.auth();
      const octokit = served ? jwt : withoutRetries(jwt);
      const { data } = await octokit.request("GET /app");
      if (!data?.slug) throw new Error("GET /app answered without the app slug");
      return `${data.slug}[bot]`;
    })().catch((err) => {
      login = void 0;
      throw err;
    });
    return login;
  };
}
function toActionable(context) {
  const comment = context.name === "issue_comment" ? withoutCommand(context.payload) : void 0;
  if (comment) {
    if (context.log.isLevelEnabled("debug"))
      context.log.debug(`proceed: comment ${comment.id} on #${comment.number} has no command; ignored.`);
    return void 0;
  }
  const event = toGateEvent(context.name, context.payload);
  if (event.kind === "ignored") {
    if (context.log.isLevelEnabled("debug")) context.log.debug(`proceed: ${event.reason}.`);
    return void 0;
  }
  if (event.kind === "invalid") {
    context.log.warn(`proceed: ${event.message} (delivery ${context.id}).`);
    return void 0;
  }
  return event;
}
function withoutCommand(payload) {
  const p = payload;
  const body = p.comment?.body;
  if (!actsOn("issue_comment", p.action) || body !== null && typeof body !== "string") return void 0;
  if (parseComment(body ?? "").kind !== "none") return void 0;
  return { id: p.comment?.id, number: p.issue?.number };
}
async function onWebhook(context, event, config, botLogin, served, isolation) {
  const log = (line) => context.log.info(line);
  const where = context.repo();
  const octokit = context.octokit;
  if (!served) withoutRetries(octokit);
  const port = new OctokitPort(octokit, where.owner, where.repo);
  let inline;
  try {
    if (event.kind === "comment" && event.sender.type === "User") {
      if (!await claimComment(octokit, where, event.commentId)) {
        log(`proceed: comment ${event.commentId} on #${event.number} was already seen; nothing to do.`);
        return;
      }
    }
    if (config.executor === "inline")
      inline = inlineRunner(config, where, () => installationToken(context), log, isolation);
    const env = {
      port,
      botLogin: await botLogin(),
      planGlobs: config.planGlobs,
      policyPath: config.policyPath,
      log,
      buttons: true,
      ...inline ? { runner: inline.runner } : {}
    };
    const result2 = await handleEvent(env, event);
    log(`proceed: ${result2.summary}`);
    if (result2.handoff && "number" in event)
      await handOn(context, config, port, event.number, result2.handoff);
  } catch (err) {
    await reportFailure(context, port, event, err);
    if (!served) process.exitCode = 1;
  } finally {
    await inline?.cleanup();
  }
}
async function handOn(context, config, port, number, handoff) {
  if (config.executor !== "dispatch") {
    context.log.warn(`proceed: a run was handed over on #${number}, but the executor is ${config.executor}.`);
    return;
  }
  const target2 = {
    ...context.repo(),
    workflow: config.workflow,
    ref: await defaultBranch(context)
  };
  try {
    const runId = await dispatchRun(context.octokit, target2, number, handoff);
    context.log.info(
      `proceed: dispatched ${target2.workflow} on ${target2.ref} for #${number} at ${handoff.headSha.slice(0, 7)} (/${handoff.command} by ${handoff.by})${runId === void 0 ? "" : `: run ${runId}`}.`
    );
  } catch (err) {
    context.log.warn(`proceed: could not dispatch ${target2.workflow}: ${err.message}`);
    await reportDispatchFailure(port, target2, number, handoff, err);
  }
}
async function defaultBranch(context) {
  const repository = context.payload.repository;
  if (typeof repository?.default_branch === "string") return repository.default_branch;
  const { data } = await context.octokit.request("GET /repos/{owner}/{repo}", context.repo());
  return data.default_branch;
}
async function installationToken(context) {
  const auth = await context.octokit.auth({ type: "installation" });
  if (typeof auth.token !== "string")
    throw new Error("no installation token: is the app installed on this repository?");
  return auth.token;
}
async function reportFailure(context, port, event, err) {
  const baseUrl = String(context.octokit.request.endpoint.DEFAULTS.baseUrl);
  const message = apiFailureMessage(err, baseUrl);
  const on = "number" in event ? `#${event.number}` : `the merge group at ${event.headSha.slice(0, 7)}`;
  context.log.error(`proceed: ${context.name} delivery ${context.id} on ${on} failed: ${message}`);
  if (networkErrorCode(err)) return;
  if (event.sender.type !== "User" || !("number" in event)) return;
  await port.createComment(
    event.number,
    `**proceed stopped** while handling this \`${context.name}\` event: ${codeSpan(message)}. Nothing after that point was done; comment the command again (or \`/plan\` to re-render) to continue.`
  ).catch(
    (again) => context.log.error(
      `proceed: could not report that on #${event.number} either: ${again.message}`
    )
  );
}

export {
  ConfigError,
  configFromEnv,
  startModeFromEnv,
  APP_EVENTS,
  DISPATCH_EVENTS,
  healthz,
  createApp,
  proceedApp
};

/**
 * YAML's own errors as diagnostics: syntax errors with the position a person would look at (an
 * unterminated quote where it opens), duplicate keys found in one linear pass, and the failures of
 * turning the document into data (aliases without anchors, alias bombs, nesting too deep).
 */
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  Lexer,
  visit,
  type Alias,
  type Document,
  type ErrorCode,
  type Pair,
  type YAMLError,
} from 'yaml';
import { formatPath, type Diagnostic, type PathSegment } from './diagnostics.js';
import { MAX_ALIAS_COUNT } from './limits.js';
import { scalarKey, type PositionIndex } from './positions.js';

const TOO_DEEP = 'the document is nested too deeply to read; flatten it';

const YAML_MESSAGES: Partial<Record<ErrorCode, (yamlMessage: string) => string>> = {
  MULTIPLE_DOCS: () =>
    'the file holds more than one YAML document (a second `---` starts here); keep a single document: remove this separator and what follows, or move it to its own file',
  TAB_AS_INDENT: () =>
    'a tab is used for indentation; YAML indents with spaces only, so replace the tab with spaces',
  BAD_INDENT: (m) =>
    `${m}; indent with spaces and line up the keys of one mapping (and the \`-\` of one list) at the same column`,
  BLOCK_AS_IMPLICIT_KEY: (m) =>
    `${m}: a line is indented deeper than the key above it, or a plain value contains ": "; line up the keys of one mapping and put such values in quotes`,
  MULTILINE_IMPLICIT_KEY: (m) =>
    `${m}: a line is indented deeper than the key above it, or a key is missing its ":"; line up the keys of one mapping`,
  BAD_SCALAR_START: (m) => `${m}; put the value in quotes`,
  MISSING_CHAR: (m) =>
    /quote/.test(m)
      ? `${m}: the quote opened here is never closed; close it at the end of the value`
      : `${m}; close the quote or bracket that was opened before this point`,
  BAD_DQ_ESCAPE: (m) => `${m}; inside double quotes write a backslash as \\\\, or use single quotes`,
  BLOCK_IN_FLOW: (m) =>
    `${m}; inside { } or [ ] write values on one line, or use indented block style instead`,
  NON_STRING_KEY: () => 'a key must be plain text, not a list or a mapping; write the key as text',
  KEY_OVER_1024_CHARS: () => 'a key is longer than 1024 characters; shorten it',
  RESOURCE_EXHAUSTION: () => TOO_DEEP,
  TAG_RESOLVE_FAILED: (m) => `${m}; remove the tag (a plain value needs none)`,
};

/**
 * Where the quoted value that an unterminated-quote error ends in was opened: yaml reports the end
 * of the file, but the line to fix is the one where the quote opens. The lexer's token for such a
 * value runs from its opening quote to where the error is.
 */
function unterminatedQuoteStart(source: string, errorOffset: number): number | undefined {
  let offset = 0;
  let opened: number | undefined;
  for (const token of new Lexer().lex(source)) {
    // The lexer also emits one-character markers (document, scalar, flow end) that are not source text.
    if (token === '\x02' || token === '\x18' || token === '\x1f') continue;
    if (
      (token[0] === '"' || token[0] === "'") &&
      offset <= errorOffset &&
      errorOffset <= offset + token.length
    )
      opened = offset;
    offset += token.length;
    if (offset > errorOffset) break;
  }
  return opened;
}

export function yamlErrorDiagnostic(
  error: YAMLError,
  severity: Diagnostic['severity'],
  positions: PositionIndex,
  file: string,
  source: string,
): Diagnostic {
  const quoteStart =
    error.code === 'MISSING_CHAR' && /quote/.test(error.message)
      ? unterminatedQuoteStart(source, error.pos[0])
      : undefined;
  const offset = quoteStart ?? error.pos[0];
  const start = positions.at(offset);
  const end = positions.at(quoteStart === undefined ? error.pos[1] : quoteStart + 1);
  const span = { line: start.line, col: start.col, endLine: end.line, endCol: end.col };
  const friendly = YAML_MESSAGES[error.code];
  const message = friendly ? friendly(error.message) : `YAML syntax error: ${error.message}`;
  return { severity, file, ...span, path: '', message };
}

/**
 * A key written twice in one mapping, reported at the second. Done here rather than by yaml's
 * `uniqueKeys`, which compares every pair with every other; iterative, so deep documents cannot
 * overflow the stack.
 */
export function duplicateKeyErrors(doc: Document, positions: PositionIndex, file: string): Diagnostic[] {
  const errors: Diagnostic[] = [];
  const pending: { node: unknown; path: PathSegment[] }[] = [{ node: doc.contents, path: [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next;
    if (isSeq(node)) node.items.forEach((item, i) => pending.push({ node: item, path: [...path, i] }));
    if (!isMap(node)) continue;
    const first = new Map<string, Pair>();
    for (const pair of node.items) {
      const key = scalarKey(pair);
      if (key === undefined) continue;
      pending.push({ node: pair.value, path: [...path, key] });
      const earlier = first.get(key);
      if (!earlier) {
        if (key !== '<<' || !isScalar(pair.key) || typeof pair.key.value !== 'symbol') first.set(key, pair);
        continue;
      }
      const span = positions.spanOf(pair.key);
      if (!span) continue;
      const firstLine = positions.spanOf(earlier.key)?.line;
      const firstAt =
        firstLine !== undefined && firstLine !== span.line ? ` (first at line ${firstLine})` : '';
      errors.push({
        severity: 'error',
        file,
        ...span,
        path: formatPath([...path, key]),
        message: `duplicate key \`${key}\`${firstAt}; a key may appear only once in a mapping, so remove or rename one of them`,
      });
    }
  }
  return errors;
}

/** `toJS` throws for an alias without an anchor, for alias bombs and for nesting past the stack; say which. */
export function conversionDiagnostic(
  doc: Document,
  error: unknown,
  positions: PositionIndex,
  file: string,
): Diagnostic {
  // One pass in document order: an alias is unresolved when no anchor of its name came before it.
  // (`Alias.resolve` scans the whole document per call, too slow for a file of many aliases.)
  const aliases: Alias[] = [];
  const anchors = new Set<string>();
  let unresolved: Alias | undefined;
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      aliases.push(node);
      if (!anchors.has(node.source)) unresolved ??= node;
    } else if (isNode(node) && node.anchor) anchors.add(node.anchor);
  });
  const diagnostic = (alias: Alias | undefined, message: string): Diagnostic => {
    const span = alias?.range ? positions.at(alias.range[0]) : positions.root();
    const end = alias?.range ? positions.at(alias.range[1]) : span;
    return { severity: 'error', file, ...span, endLine: end.line, endCol: end.col, path: '', message };
  };
  if (unresolved) {
    return diagnostic(
      unresolved,
      `alias \`*${unresolved.source}\` has no anchor \`&${unresolved.source}\` before it; define the anchor first or write the value out`,
    );
  }
  if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
    return diagnostic(
      aliases[0],
      `aliases expand into too much data (more than ${MAX_ALIAS_COUNT} aliased nodes), as in a "billion laughs" attack; write the values out instead of nesting anchors`,
    );
  }
  if (error instanceof RangeError) return diagnostic(undefined, TOO_DEEP);
  const reason = error instanceof Error ? error.message : String(error);
  return diagnostic(aliases[0], `cannot read the YAML: ${reason}`);
}

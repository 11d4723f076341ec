import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type ErrorCode,
  type Pair,
  type YAMLError,
} from 'yaml';
import { z } from 'zod';
import { formatPath, sortDiagnostics, type Diagnostic, type PathSegment } from './diagnostics.js';
import { planHash } from './hash.js';
import { lintPlan } from './lint.js';
import { closestMatch } from './closest-match.js';
import { DOCUMENT_START, PositionIndex, scalarKey, type SourceSpan } from './positions.js';
import { planSchema, type Plan } from './schema.js';

/** Larger plans are refused before parsing: a plan describes steps, it does not carry data. */
export const MAX_PLAN_BYTES = 1024 * 1024;

/**
 * How many nodes aliases may expand to. YAML anchors can nest (`*a` inside `&b` inside `&c` …) so a
 * few lines can expand to billions of nodes; yaml refuses past this count.
 */
export const MAX_ALIAS_COUNT = 100;

/** Errors listed for one file; past this a file is better fixed from the top than read to the end. */
export const MAX_ERRORS = 100;

export type ParseResult =
  | {
      ok: true;
      plan: Plan;
      source: string;
      hash: string;
      file: string;
      warnings: Diagnostic[];
      positions: PositionIndex;
    }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[]; file: string };

export type SchemaParseResult<T> =
  | { ok: true; value: T; positions: PositionIndex; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

// ---------------------------------------------------------------------------------------------------
// YAML syntax

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

function yamlErrorDiagnostic(
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
function duplicateKeyErrors(doc: Document, positions: PositionIndex, file: string): Diagnostic[] {
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

/** The first MAX_ERRORS errors, then one that says how many more there are. */
function capErrors(errors: Diagnostic[], file: string): Diagnostic[] {
  if (errors.length <= MAX_ERRORS) return errors;
  const last = errors[MAX_ERRORS - 1];
  const more = documentError(
    file,
    `more errors follow; fix the ${MAX_ERRORS} above first, then check again`,
    {
      line: last?.line ?? 1,
      col: last?.col ?? 1,
      endLine: last?.line ?? 1,
      endCol: last?.col ?? 1,
    },
  );
  return [...errors.slice(0, MAX_ERRORS), more];
}

/** One diagnostic per position: yaml often reports one mistake twice at the same place. */
function dedupeByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.col}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `toJS` throws for an alias without an anchor, for alias bombs and for nesting past the stack; say which. */
function conversionDiagnostic(
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

// ---------------------------------------------------------------------------------------------------
// Schema issues

/** The schemas that validate the value at `path` (several where a union offers alternatives). */
function schemasAt(schema: z.core.$ZodType, path: readonly PathSegment[]): z.core.$ZodType[] {
  let current = unwrap(schema);
  for (const segment of path) {
    current = current.flatMap((s) => unwrap(...childSchemas(s, segment)));
  }
  return current;
}

function unwrap(...schemas: z.core.$ZodType[]): z.core.$ZodType[] {
  return schemas.flatMap((schema): z.core.$ZodType[] => {
    const def = (schema as z.core.$ZodTypes)._zod.def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'catch':
      case 'readonly':
        return unwrap(def.innerType);
      case 'pipe':
        return unwrap(def.in);
      case 'union':
        return unwrap(...def.options);
      case 'lazy':
        return unwrap(def.getter());
      default:
        return [schema];
    }
  });
}

function childSchemas(schema: z.core.$ZodType, segment: PathSegment): z.core.$ZodType[] {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'object': {
      const child = Object.hasOwn(def.shape, segment) ? def.shape[segment] : undefined;
      return child ? [child] : [];
    }
    case 'array':
      return typeof segment === 'number' ? [def.element] : [];
    case 'record':
      return [def.valueType];
    default:
      return [];
  }
}

/** The keys the mapping at `path` may have, from the schema's own shape. */
function knownKeys(schema: z.core.$ZodType, path: readonly PathSegment[]): string[] {
  const keys = schemasAt(schema, path).flatMap((s) => {
    const def = (s as z.core.$ZodTypes)._zod.def;
    return def.type === 'object' ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}

function requiredKeys(schema: z.core.$ZodType): string[] {
  return unwrap(schema).flatMap((s) => {
    const def = (s as z.core.$ZodTypes)._zod.def;
    if (def.type !== 'object') return [];
    return Object.entries(def.shape)
      .filter(([, field]) => !z.safeParse(field, undefined).success)
      .map(([key]) => key);
  });
}

function listWords(words: readonly string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1) ?? ''}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  null: 'empty',
};

function describeExpected(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

/** What the YAML actually holds, for "got …". */
function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `the string ${JSON.stringify(shown)}`;
    }
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

function literal(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Messages for issues whose schema says nothing itself (schema messages take precedence in zod). */
const defaultMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${describeExpected(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${literal(issue.values[0])}`
        : `must be one of ${listWords(issue.values.map(literal), 'or')}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? 'must not be empty' : `must be at least ${min} characters long`;
      if (issue.origin === 'array') return `needs at least ${min} item${min === 1 ? '' : 's'}`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters long`;
      if (issue.origin === 'array') return `may have at most ${max} item${max === 1 ? '' : 's'}`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_format':
      return issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
};

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) {
      return { found: false, value: undefined };
    }
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value };
}

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

interface IssueContext {
  data: unknown;
  schema: z.core.$ZodType;
  positions: PositionIndex;
  file: string;
}

function issueDiagnostics(issue: z.core.$ZodIssue, ctx: IssueContext): Diagnostic[] {
  const path = toSegments(issue.path);
  const error = (span: SourceSpan, at: readonly PathSegment[], message: string): Diagnostic => ({
    severity: 'error',
    file: ctx.file,
    ...span,
    path: formatPath(at),
    message,
  });

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(ctx.schema, path);
    return issue.keys.slice(0, MAX_ERRORS + 1).map((key) => {
      const at = [...path, key];
      const suggestion = closestMatch(key, known);
      const hint = suggestion
        ? `did you mean \`${suggestion}\`?`
        : `expected one of ${listWords(
            known.map((k) => `\`${k}\``),
            'or',
          )}`;
      return error(ctx.positions.key(at) ?? ctx.positions.locate(path), at, `unknown key; ${hint}`);
    });
  }

  if (issue.code === 'invalid_key') {
    const reasons = issue.issues.map((inner) => inner.message).join('; ');
    return [error(ctx.positions.key(path) ?? ctx.positions.locate(path), path, `invalid key: ${reasons}`)];
  }

  if (issue.code === 'invalid_union') {
    // When only one alternative got past the type check, its issues are the useful ones.
    const typeMismatch = (branch: z.core.$ZodIssue[]) =>
      branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
    const closer = issue.errors.filter((branch) => !typeMismatch(branch));
    const [only] = closer;
    if (closer.length === 1 && only) {
      return only.flatMap((inner) =>
        issueDiagnostics({ ...inner, path: [...issue.path, ...inner.path] }, ctx),
      );
    }
    const expected = issue.errors.flatMap((branch) =>
      branch[0]?.code === 'invalid_type' ? [describeExpected(branch[0].expected)] : [],
    );
    const got = valueAt(ctx.data, issue.path);
    if (!got.found) return [error(missingSpan(path, ctx.positions), path, 'is required')];
    const message =
      expected.length === issue.errors.length
        ? `must be ${listWords(
            [...new Set(expected)].map((e) => (e === EXPECTED.boolean ? 'a boolean' : e)),
            'or',
          )}, got ${describeValue(got.value)}`
        : issue.message;
    return [error(ctx.positions.locate(path), path, message)];
  }

  if (issue.code === 'invalid_type' || issue.code === 'invalid_value') {
    const got = valueAt(ctx.data, issue.path);
    if (!got.found) return [error(missingSpan(path, ctx.positions), path, 'is required')];
    let message = `${issue.message}, got ${describeValue(got.value)}`;
    if (issue.code === 'invalid_value' && typeof got.value === 'string') {
      const suggestion = closestMatch(
        got.value,
        issue.values.filter((v) => typeof v === 'string'),
      );
      if (suggestion) message += `; did you mean \`${suggestion}\`?`;
    }
    return [error(ctx.positions.locate(path), path, message)];
  }

  return [error(ctx.positions.locate(path), path, issue.message)];
}

/** A missing key is reported where its mapping is written. */
function missingSpan(path: readonly PathSegment[], positions: PositionIndex): SourceSpan {
  const parent = path.slice(0, -1);
  return positions.value(parent) ?? positions.locate(parent);
}

// ---------------------------------------------------------------------------------------------------

function documentError(file: string, message: string, span: SourceSpan = DOCUMENT_START): Diagnostic {
  return { severity: 'error', file, ...span, path: '', message };
}

/**
 * YAML text + a zod schema → the validated value, or diagnostics located in the source. Shared by the
 * plan and the repository policy, so nothing here knows about plans.
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  source: string,
  file: string,
  schema: S,
): SchemaParseResult<z.output<S>> {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(source, {
      lineCounter: lines,
      prettyErrors: false,
      merge: true,
      // yaml's own duplicate check compares every pair with every other; duplicateKeyErrors is linear.
      uniqueKeys: false,
      stringKeys: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [documentError(file, `cannot read the YAML: ${reason}`)], warnings: [] };
  }
  const positions = new PositionIndex(doc, lines);
  const warnings = doc.warnings.map((w) => yamlErrorDiagnostic(w, 'warning', positions, file, source));
  // Past the nesting limit yaml also reports every bracket left open; only the cause is useful.
  const exhausted = doc.errors.filter((e) => e.code === 'RESOURCE_EXHAUSTION').slice(0, 1);
  const syntaxErrors = [
    ...(exhausted.length > 0 ? exhausted : doc.errors).map((e) =>
      yamlErrorDiagnostic(e, 'error', positions, file, source),
    ),
    ...(exhausted.length > 0 ? [] : duplicateKeyErrors(doc, positions, file)),
  ];
  if (syntaxErrors.length > 0) {
    return { ok: false, errors: capErrors(dedupeByPosition(sortDiagnostics(syntaxErrors)), file), warnings };
  }

  if (doc.contents === null) {
    const empty = z.safeParse(schema, {});
    if (empty.success) return { ok: true, value: empty.data, positions, warnings };
    const required = requiredKeys(schema);
    const needs = required.length ? `; it needs at least ${listWords(required, 'and')}` : '';
    return { ok: false, errors: [documentError(file, `the file is empty${needs}`)], warnings };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { ok: false, errors: [conversionDiagnostic(doc, error, positions, file)], warnings };
  }

  const result = z.safeParse(schema, data, { error: defaultMessage });
  if (result.success) return { ok: true, value: result.data, positions, warnings };
  const ctx: IssueContext = { data, schema, positions, file };
  const errors = result.error.issues
    .slice(0, MAX_ERRORS + 1)
    .flatMap((issue) => issueDiagnostics(issue, ctx));
  return { ok: false, errors: capErrors(sortDiagnostics(errors), file), warnings };
}

/** Validates a plan's text; lint warnings are added only when it is valid. */
export function parsePlan(source: string, file: string): ParseResult {
  const bytes = Buffer.byteLength(source, 'utf8');
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
    positions: parsed.positions,
  };
}

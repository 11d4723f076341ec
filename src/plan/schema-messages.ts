/**
 * zod's issues as messages a plan author can act on: what was expected and what was found, the keys
 * that would be accepted (with a "did you mean"), and where in the file it is, at the value or, for a
 * missing key, at its parent.
 */
import { z } from 'zod';
import { closestMatch } from './closest-match.js';
import { formatPath, type Diagnostic, type PathSegment } from './diagnostics.js';
import { MAX_ERRORS } from './limits.js';
import type { PositionIndex, SourceSpan } from './positions.js';

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

export function requiredKeys(schema: z.core.$ZodType): string[] {
  return unwrap(schema).flatMap((s) => {
    const def = (s as z.core.$ZodTypes)._zod.def;
    if (def.type !== 'object') return [];
    return Object.entries(def.shape)
      .filter(([, field]) => !z.safeParse(field, undefined).success)
      .map(([key]) => key);
  });
}

export function listWords(words: readonly string[], conjunction: 'and' | 'or'): string {
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
export const defaultMessage: z.core.$ZodErrorMap = (issue) => {
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

export interface IssueContext {
  data: unknown;
  schema: z.core.$ZodType;
  positions: PositionIndex;
  file: string;
}

export function issueDiagnostics(issue: z.core.$ZodIssue, ctx: IssueContext): Diagnostic[] {
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

/**
 * A plan's (or the policy's) YAML text → the validated value, or diagnostics at FILE:LINE:COL. This
 * file is the order of the checks; YAML's errors are worded in yaml-errors.ts, zod's in
 * schema-messages.ts, and the limits they are read within are in limits.ts.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { planHash } from './hash.js';
import { lintPlan } from './lint.js';
import { MAX_ALIAS_COUNT, MAX_ERRORS, MAX_PLAN_BYTES } from './limits.js';
import { DOCUMENT_START, PositionIndex, type SourceSpan } from './positions.js';
import {
  defaultMessage,
  issueDiagnostics,
  listWords,
  requiredKeys,
  type IssueContext,
} from './schema-messages.js';
import { conversionDiagnostic, duplicateKeyErrors, yamlErrorDiagnostic } from './yaml-errors.js';
import { planSchema, type Plan } from './schema.js';

export { MAX_ALIAS_COUNT, MAX_ERRORS, MAX_PLAN_BYTES } from './limits.js';

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

// ---------------------------------------------------------------------------------------------------

function documentError(file: string, message: string, span: SourceSpan = DOCUMENT_START): Diagnostic {
  return { severity: 'error', file, ...span, path: '', message };
}

/**
 * yaml's reading of the text, with the options every plan and policy is read with: the document
 * and where its lines start. The benchmark times it on its own; it is most of `parsePlan`'s time.
 */
export function readYaml(source: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter: lines,
    prettyErrors: false,
    merge: true,
    // yaml's own duplicate check compares every pair with every other; duplicateKeyErrors is linear.
    uniqueKeys: false,
    stringKeys: true,
  });
  return { doc, lines };
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
  let doc: Document;
  let lines: LineCounter;
  try {
    ({ doc, lines } = readYaml(source));
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

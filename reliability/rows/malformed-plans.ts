/**
 * Malformed plans: thousands of generated documents — damaged copies of real plans, plan-shaped
 * objects with wrong values, arbitrary YAML, arbitrary text, and damaged repository policies — go
 * through the parser, and a sample of them through the gate (the `proceed/plan` check and its
 * annotations) and through the CLI's `proceed validate`. A crash is an exception, an exit status
 * other than 0 or 1, or a body GitHub would refuse; every error must name FILE:LINE:COL in the file.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { POLICY_FILE, policySchema } from '../../src/gate/policy.js';
import { formatDiagnostic, type Diagnostic } from '../../src/plan/diagnostics.js';
import { parsePlan, parseYamlWithSchema } from '../../src/plan/parse.js';
import { count, counted, firstOf, saveFailures, type Row, type RowContext, type RowResult } from '../row.js';
import { MemoryScene } from '../../test/support/memory-scene.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/proceed.js');
const FILE = 'generated.plan.yml';
/** A stack frame, or the marks of an exception shown to a user. */
const TRACE = /\n\s+at \S|\bat (?:async )?\S+ \(\S+:\d+:\d+\)|\[object Object\]/;
const LOCATED = /^(.+?):(\d+):(\d+): /;

/** The real plans the mutations start from: the test fixtures and the examples. */
function corpus(): string[] {
  const dirs = [join(ROOT, 'test/fixtures/plans'), join(ROOT, 'examples')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.plan.yml'))
      .map((f) => readFileSync(join(dir, f), 'utf8')),
  );
}

/** Extremes every run checks, whatever the random draw: sizes and counts at and past the limits. */
const EXTREMES: Record<string, string> = {
  'a 70,000-character token after a syntax error': `  version: 1\ntitle: t\nsteps:\n  - name: ${'x'.repeat(70_000)}\n    run: echo\n`,
  '150 unknown keys of 900 characters': `version: 1\ntitle: t\nsteps:\n  - run: echo\n${Array.from({ length: 150 }, (_, i) => `k${i}${'y'.repeat(900)}: 1`).join('\n')}\n`,
  '60 steps with 2,000-character wrong values': `version: 1\ntitle: t\nsteps:\n${Array.from({ length: 60 }, (_, i) => `  - name: n${i}\n    run: echo\n    timeout: ${'z'.repeat(2000)}\n    shell: ${'q'.repeat(2000)}`).join('\n')}\n`,
  '50 steps warned about 3,000-character commands': `version: 1\ntitle: t\nsteps:\n${Array.from({ length: 50 }, (_, i) => `  - name: s${i}\n    run: echo ${'w'.repeat(3000)}`).join('\n')}\n`,
  '10,000 nested brackets': `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  'a plan over 1 MiB': `version: 1\ntitle: t\ndescription: ${'a'.repeat(1_100_000)}\nsteps:\n  - run: echo\n`,
  'an alias bomb': `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from(
    { length: 9 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(',')}]`,
  ).join('\n')}\nversion: 1\ntitle: t\nsteps: *j\n`,
};

const POLICIES = [
  'approvers:\n  permission: maintain\n  users: [alice, "@bob"]\n  teams: [octo-org/deployers]\nself_approval: false\nforks: false\nbind_approval_to: plan\ncheckpoint_timeout: 2h\nverify:\n  tests: npm test\n',
  'forks: true\ncheckpoint_timeout: 30m\n',
  '',
];

/** YAML's sharp edges, to be dropped into documents. */
const YAML_BITS = [
  ': ',
  ':',
  '- ',
  '-',
  '? ',
  '&a ',
  '*a',
  '*missing',
  '!!binary ',
  '!!js/function ',
  '!custom ',
  '!!map',
  '|',
  '|-',
  '>',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  '%YAML 1.1\n---\n',
  '---\n',
  '...\n',
  '\t',
  '\r\n',
  '\r',
  '\u0000',
  '\u2028',
  '\uFEFF',
  '\uD800',
  '<<: *a\n',
  'null',
  '~',
  '.nan',
  '-.inf',
  '1e999',
  '0x1F',
  '0o17',
  '-1',
  '99999999999999999999',
  'yes',
  'off',
  '2001-12-14t21:59:43.10-05:00',
  '10x',
  '0s',
  '-5m',
  '1h90m',
  '',
  ' ',
  '\n',
  '\n\n',
  '@user',
  '<script>',
];

const scalarWeird = fc.oneof(
  fc.constantFrom(...YAML_BITS),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constant('x'.repeat(70_000)),
);

/** One edit of a text document. */
const edit = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(scalarWeird, fc.string({ maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat(60) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('indent' as const),
    at: fc.nat(),
    by: fc.constantFrom(-4, -2, -1, 1, 2, 3, 8),
    tab: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('value' as const), at: fc.nat(), text: scalarWeird }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function applyEdit(text: string, e: Edit): string {
  const lines = text.split('\n');
  const line = (n: number) => n % Math.max(1, lines.length);
  switch (e.kind) {
    case 'insert': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + e.text + text.slice(at);
    }
    case 'delete': {
      const at = e.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + e.length);
    }
    case 'duplicate-line': {
      const i = line(e.at);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'swap-lines': {
      const [i, j] = [line(e.a), line(e.b)];
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = line(e.at);
      const l = lines[i] ?? '';
      lines[i] =
        e.by > 0
          ? (e.tab ? '\t' : ' '.repeat(e.by)) + l
          : l.slice(Math.min(-e.by, l.length - l.trimStart().length));
      return lines.join('\n');
    }
    case 'value': {
      // The value after a `key:` on some line, replaced.
      const i = line(e.at);
      lines[i] = (lines[i] ?? '').replace(/(:\s*).*$/, (_m, sep: string) => sep + e.text);
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, e.at % (text.length + 1));
  }
}

function damaged(base: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...base), fc.array(edit, { minLength: 1, maxLength: 5 }))
    .map(([text, edits]) => edits.reduce(applyEdit, text));
}

/** A value of the kind a plan key takes, or of the wrong kind. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('10m', '1h30m', '90s', '0s', 'bash', 'pwsh', 'zsh', './run.sh', 'true'),
  fc.integer({ min: -5, max: 60 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const stepKeys = [
  'id',
  'name',
  'description',
  'run',
  'shell',
  'working-directory',
  'env',
  'timeout',
  'estimate',
  'checkpoint',
  'rollback',
  'nmae',
  'timout',
];
const planKeys = [
  'version',
  'title',
  'description',
  'requirements',
  'risks',
  'estimate',
  'verify',
  'config',
  'titel',
];
const step = fc.dictionary(fc.constantFrom(...stepKeys), anyValue, { maxKeys: 8 });
const planShaped = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...planKeys), anyValue, { maxKeys: 6 }),
    fc.oneof(fc.array(step, { maxLength: 55 }), anyValue),
    fc.boolean(),
  )
  .map(([top, steps, flow]) =>
    stringify({ version: 1, title: 'Generated', ...top, steps }, flow ? { collectionStyle: 'flow' } : {}),
  );

const anyYaml = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v)),
  fc
    .array(fc.jsonValue({ maxDepth: 2 }), { minLength: 2, maxLength: 3 })
    .map((docs) => docs.map((d) => stringify(d)).join('---\n')),
  fc.nat(200).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc
    .nat(12)
    .map(
      (n) =>
        `a: &a ["x","x"]\n${Array.from({ length: n }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join('\n')}\nsteps: *a\n`,
    ),
);

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);

export interface Finding {
  input: string;
  problem: string;
}

/** What is wrong with the diagnostics of one document (crash, trace, or an error without a place in it). */
export function checkDiagnostics(
  source: string,
  file: string,
  diagnostics: Diagnostic[],
  mustHaveError: boolean,
): string[] {
  const problems: string[] = [];
  const lines = source.split(/\r\n|\r|\n/).length;
  if (mustHaveError && !diagnostics.some((d) => d.severity === 'error'))
    problems.push('rejected without an error');
  for (const d of diagnostics) {
    const text = formatDiagnostic(d);
    const m = LOCATED.exec(text);
    if (!m || m[1] !== file) problems.push(`not FILE:LINE:COL: ${text.slice(0, 120)}`);
    else if (Number(m[2]) < 1 || Number(m[2]) > lines + 1 || Number(m[3]) < 1)
      problems.push(`position ${m[2]}:${m[3]} outside the ${lines}-line document: ${text.slice(0, 120)}`);
    if (TRACE.test(d.message) && !TRACE.test(source)) problems.push(`stack trace in: ${text.slice(0, 160)}`);
  }
  return problems;
}

function parseOne(
  source: string,
  kind: 'plan' | 'policy',
): { problems: string[]; ms: number; rejected: boolean } {
  const start = performance.now();
  try {
    const [file, r] =
      kind === 'plan'
        ? [FILE, parsePlan(source, FILE)]
        : [POLICY_FILE, parseYamlWithSchema(source, POLICY_FILE, policySchema)];
    const ms = performance.now() - start;
    const diagnostics = r.ok ? r.warnings : [...r.errors, ...r.warnings];
    return { ms, rejected: !r.ok, problems: checkDiagnostics(source, file, diagnostics, !r.ok) };
  } catch (err) {
    const where = (err as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(err);
    return { ms: performance.now() - start, rejected: true, problems: [`crash: ${where}`] };
  }
}

/** The gate on a pull request holding the plan: it renders or refuses, never throws, and GitHub takes all it posts. */
async function throughGate(source: string): Promise<string[]> {
  const scene = new MemoryScene({ plan: source, planPath: FILE, permissions: { bob: 'write' } });
  try {
    await scene.open();
    const problems: string[] = [];
    const lines = source.split(/\r\n|\r|\n/).length;
    for (const check of scene.github.checkRuns()) {
      for (const a of check.annotations) {
        if (a.path !== FILE || a.start_line < 1 || a.start_line > lines + 1 || a.end_line < a.start_line)
          problems.push(
            `annotation at ${a.path}:${a.start_line}-${a.end_line} outside the ${lines}-line plan`,
          );
      }
    }
    return problems;
  } catch (err) {
    return [`gate crash: ${(err as Error).message.slice(0, 200)}`];
  } finally {
    scene.cleanup();
  }
}

/** `proceed validate` on many files at once: exit 0 or 1, every line located, nothing on stderr. */
async function throughCli(sources: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'proceed-rel-cli-'));
  try {
    const files = sources.map((s, i) => {
      const f = join(dir, `p${i}.plan.yml`);
      writeFileSync(f, s);
      return f;
    });
    const child = spawn(process.execPath, [CLI, 'validate', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    const problems: string[] = [];
    if (code !== 0 && code !== 1) problems.push(`proceed validate exited ${code}: ${err.slice(0, 300)}`);
    if (err.trim()) problems.push(`proceed validate wrote to stderr: ${err.slice(0, 300)}`);
    if (TRACE.test(out)) problems.push('stack trace in proceed validate output');
    for (const line of out.split('\n')) {
      if (!line || /: valid, \d+ step\(s\)/.test(line)) continue;
      const m = LOCATED.exec(line);
      // Messages can quote the plan's own text over several lines; a line that starts a diagnostic names its file.
      if (!m && line.startsWith(dir)) problems.push(`unlocated line: ${line.slice(0, 160)}`);
    }
    const located = out.split('\n').filter((l) => LOCATED.test(l) && l.startsWith(dir)).length;
    if (code === 1 && located === 0) problems.push('proceed validate refused plans without naming a place');
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const malformedPlans: Row = {
  name: 'malformed plans',
  bar: '0 crashes, 0 stack traces; every error has FILE:LINE:COL',
  how:
    'fast-check generates documents from five families — real plans (test fixtures and examples) damaged by 1–5 random edits ' +
    '(inserted YAML syntax, deleted spans, swapped or re-indented lines, replaced values, truncation), plan-shaped objects with ' +
    'wrong keys and values, arbitrary YAML (multi-document, deep nesting, alias bombs), arbitrary text (binary, lone surrogates), ' +
    'and damaged repository policies — plus a fixed set of extremes (a 70,000-character token, 150 long unknown keys, long wrong ' +
    'values, long commands, 10,000 nested brackets, a plan over 1 MiB, an alias bomb). Each is parsed with `parsePlan` (or the policy schema); a sample is put on a pull request ' +
    'and handled by `handleEvent` over the in-memory GitHub (the `proceed/plan` check and its annotations), and another sample is ' +
    'validated by the bundled CLI (`proceed validate`, 100 files per process). Crash: an exception, an exit status other than 0/1, ' +
    'output on stderr, or a body GitHub would refuse. Every diagnostic must read `FILE:LINE:COL:` with the position inside the document.',
  async run(ctx: RowContext): Promise<RowResult> {
    const total = ctx.short ? 600 : 6000;
    const gateSample = ctx.short ? 60 : 600;
    const cliSample = ctx.short ? 100 : 1000;
    const plans = corpus();
    const families: [string, fc.Arbitrary<string>, 'plan' | 'policy'][] = [
      ['damaged plans', damaged(plans), 'plan'],
      ['plan-shaped objects', planShaped, 'plan'],
      ['arbitrary YAML', anyYaml, 'plan'],
      ['arbitrary text', anyText, 'plan'],
      ['damaged policies', damaged(POLICIES.filter(Boolean)), 'policy'],
    ];
    const weights = [0.45, 0.2, 0.15, 0.1, 0.1];
    const findings: Finding[] = [];
    let documents = 0;
    let rejected = 0;
    let slowest = 0;
    const gateInputs: string[] = Object.values(EXTREMES);
    const cliInputs: string[] = Object.values(EXTREMES);
    for (const [label, source] of Object.entries(EXTREMES)) {
      const parsed = parseOne(source, 'plan');
      documents++;
      if (parsed.rejected) rejected++;
      for (const p of parsed.problems) findings.push({ input: source, problem: `${label}: ${p}` });
    }
    for (const [i, [label, arb, kind]] of families.entries()) {
      const n = Math.round(total * weights[i]!);
      const inputs = fc.sample(arb, { numRuns: n, seed: ctx.seed + i });
      for (const source of inputs) {
        const parsed = parseOne(source, kind);
        documents++;
        slowest = Math.max(slowest, parsed.ms);
        if (parsed.rejected) rejected++;
        for (const p of parsed.problems) findings.push({ input: source, problem: `${label}: ${p}` });
        if (kind === 'plan') {
          if (gateInputs.length < gateSample && documents % Math.ceil(total / gateSample) === 0)
            gateInputs.push(source);
          if (cliInputs.length < cliSample && documents % Math.ceil(total / cliSample) === 1)
            cliInputs.push(source);
        }
      }
      ctx.progress(`${label}: ${count(n)} documents`);
    }
    const named = new Map(Object.entries(EXTREMES).map(([label, source]) => [source, label]));
    for (const source of gateInputs) {
      for (const p of await throughGate(source))
        findings.push({ input: source, problem: named.has(source) ? `${named.get(source)}: ${p}` : p });
    }
    ctx.progress(`through the gate: ${gateInputs.length}`);
    for (let i = 0; i < cliInputs.length; i += 100) {
      for (const p of await throughCli(cliInputs.slice(i, i + 100)))
        findings.push({ input: '(a batch)', problem: p });
    }
    ctx.progress(`through proceed validate: ${cliInputs.length}`);

    const saved = findings.length ? saveFailures(this.name, findings) : undefined;
    const crashes = findings.filter((f) => /crash|exited|stderr/.test(f.problem)).length;
    const traces = findings.filter((f) => /stack trace/.test(f.problem)).length;
    const unlocated = findings.length - crashes - traces;
    return {
      row: this.name,
      figure:
        `${count(documents)} documents (${count(rejected)} rejected; ${gateInputs.length} through the gate, ${cliInputs.length} through the CLI): ` +
        `${counted(crashes, 'crash', 'crashes')}, ${counted(traces, 'stack trace')}, ${counted(unlocated, 'error')} without FILE:LINE:COL; ` +
        `slowest parse ${Math.round(slowest)} ms`,
      bar: this.bar,
      ok: findings.length === 0,
      detail: firstOf(findings.map((f) => `${f.problem} — input ${JSON.stringify(f.input.slice(0, 160))}`)),
      ...(saved ? { saved } : {}),
    };
  },
};

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatDiagnostic, type Diagnostic } from '../../src/plan/diagnostics.js';
import { planHash } from '../../src/plan/hash.js';
import { closestMatch } from '../../src/plan/closest-match.js';
import {
  MAX_ERRORS,
  MAX_PLAN_BYTES,
  parsePlan,
  parseYamlWithSchema,
  type ParseResult,
} from '../../src/plan/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const yaml = (...lines: string[]) => lines.join('\n') + '\n';

function errorsOf(result: ParseResult): Diagnostic[] {
  if (result.ok) throw new Error(`expected errors, the plan is valid`);
  return result.errors;
}

/** `[line, col, path, message]` of each diagnostic, for exact comparison. */
function where(diagnostics: readonly Diagnostic[]): [number, number, string, string][] {
  return diagnostics.map((d) => [d.line, d.col, d.path, d.message]);
}

function onlyError(source: string): Diagnostic {
  const errors = errorsOf(parsePlan(source, 'p.plan.yml'));
  expect(errors).toHaveLength(1);
  return errors[0] as Diagnostic;
}

const VALID_HEAD = ['version: 1', 'title: t'];

describe('a valid plan', () => {
  it('parses the SPEC example with defaults applied and every step id filled in', () => {
    const source = fixture('full.plan.yml');
    const result = parsePlan(source, 'plans/full.plan.yml');
    if (!result.ok) throw new Error(result.errors.map(formatDiagnostic).join('\n'));
    expect(result.file).toBe('plans/full.plan.yml');
    expect(result.hash).toBe(planHash(source));
    expect(result.source).toBe(source);
    const { plan } = result;
    expect(plan.title).toBe('Migrate user data from MySQL to PostgreSQL');
    expect(plan.requirements).toEqual(['Data volume: ~50,000 records']);
    expect(plan.steps.map((s) => s.id)).toEqual(['schema', 'execute-migration']);
    expect(plan.steps[0]).toMatchObject({
      shell: 'bash',
      env: { TARGET: 'postgres' },
      timeout: '10m',
      checkpoint: false,
    });
    expect(plan.steps[1]).toMatchObject({
      shell: 'bash',
      checkpoint: true,
      rollback: './scripts/rollback.sh',
    });
    expect(plan.verify?.counts).toEqual({ run: './scripts/compare-counts.sh', shell: 'bash', timeout: '5m' });
    expect(plan.verify?.tests).toBe('npm test');
    expect(where(result.warnings)).toEqual([
      [
        20,
        5,
        'steps[1]',
        'has no estimate while config.show_estimated_time is on; add one (for example `estimate: 5m`) or set show_estimated_time: false',
      ],
    ]);
  });

  it('fills in the config defaults when the plan has no config', () => {
    const result = parsePlan(fixture('minimal.plan.yml'), 'minimal.plan.yml');
    if (!result.ok) throw new Error('expected a valid plan');
    expect(result.plan.config).toEqual({
      require_approval: true,
      stop_on_error: true,
      allow_skip: false,
      checkpoint_between_steps: false,
      max_plan_steps: 50,
      show_estimated_time: true,
    });
    expect(result.warnings).toEqual([]);
  });

  it('exposes the source positions of the parsed plan', () => {
    const result = parsePlan(fixture('full.plan.yml'), 'full.plan.yml');
    if (!result.ok) throw new Error('expected a valid plan');
    expect(result.positions.key(['steps', 1, 'run'])).toMatchObject({ line: 21, col: 5 });
    expect(result.positions.value(['steps', 1, 'run'])).toEqual({
      line: 21,
      col: 10,
      endLine: 21,
      endCol: 30,
    });
    expect(result.positions.value(['verify', 'counts', 'timeout'])).toMatchObject({ line: 28, col: 56 });
    expect(result.positions.locate(['steps', 0])).toMatchObject({ line: 11, col: 5 });
    expect(result.positions.root()).toMatchObject({ line: 2, col: 1 });
  });
});

describe('YAML syntax errors', () => {
  it('reports a tab used for indentation where it is', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'steps:', '  - name: a', '\t  run: b'));
    expect([d.line, d.col, d.path]).toEqual([5, 1, '']);
    expect(d.message).toBe(
      'a tab is used for indentation; YAML indents with spaces only, so replace the tab with spaces',
    );
  });

  it('reports keys of one mapping that do not line up', () => {
    const d = onlyError(
      yaml(...VALID_HEAD, 'config:', '  stop_on_error: true', ' allow_skip: true', 'steps: []'),
    );
    expect([d.line, d.col]).toEqual([5, 1]);
    expect(d.message).toMatch(/^All mapping items must start at the same column; indent with spaces/);
  });

  it('reports a key indented deeper than the one above it once, at the value it swallowed', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'steps:', '  - name: x', '     run: y'));
    expect([d.line, d.col]).toEqual([4, 11]);
    expect(d.message).toMatch(/line up the keys of one mapping/);
  });

  it('reports an unclosed quote at the line where it opens, not where the file ends', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'description: "never closed', 'steps: []'));
    expect([d.line, d.col]).toEqual([3, 14]);
    expect(d.message).toMatch(/Missing closing "quote: the quote opened here is never closed/);
  });

  it('finds the opening of an unclosed quote among escaped and closed ones, single or double', () => {
    const double = onlyError(
      yaml(
        ...VALID_HEAD,
        'description: "closed"',
        'steps:',
        '  - name: x',
        '    run: "say \\"hi\\" and',
        '  - name: y',
      ),
    );
    expect([double.line, double.col]).toEqual([6, 10]);
    const single = onlyError(yaml(...VALID_HEAD, "description: 'it''s open", 'steps: []'));
    expect([single.line, single.col]).toEqual([3, 14]);
    expect(single.message).toMatch(/Missing closing 'quote/);
  });

  it('reports a value that starts with a reserved character and says to quote it', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'description: @team', 'steps: []'));
    expect([d.line, d.col]).toEqual([3, 14]);
    expect(d.message).toMatch(/reserved character @; put the value in quotes$/);
  });

  it('reports a duplicate key at its second occurrence, naming the first', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'steps:', '  - name: a', '    run: b', '    run: c'));
    expect([d.line, d.col, d.path]).toEqual([6, 5, 'steps[0].run']);
    expect(d.message).toBe(
      'duplicate key `run` (first at line 5); a key may appear only once in a mapping, so remove or rename one of them',
    );
  });

  it('reports duplicate keys in nested and flow mappings, each at its second occurrence', () => {
    const source = yaml(
      ...VALID_HEAD,
      'steps:',
      '  - name: a',
      '    env: { A: 1, B: 2, A: 3 }',
      'title: again',
    );
    expect(where(errorsOf(parsePlan(source, 'p.plan.yml')))).toEqual([
      [5, 24, 'steps[0].env.A', expect.stringMatching(/^duplicate key `A`; a key may appear only once/)],
      [
        6,
        1,
        'title',
        'duplicate key `title` (first at line 2); a key may appear only once in a mapping, so remove or rename one of them',
      ],
    ]);
  });

  it('refuses a second YAML document at its separator', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'steps: [{ name: a }]', '---', 'title: again'));
    expect([d.line, d.col, d.path]).toEqual([4, 1, '']);
    expect(d.message).toMatch(/^the file holds more than one YAML document/);
  });

  it('accepts a single document that starts with ---', () => {
    expect(parsePlan(yaml('---', ...VALID_HEAD, 'steps: [{ name: a, run: make }]'), 'p.plan.yml').ok).toBe(
      true,
    );
  });

  it('refuses an empty file and says which keys a plan needs', () => {
    for (const source of ['', '\n\n', '# only a comment\n']) {
      const d = onlyError(source);
      expect([d.line, d.col, d.path, d.message]).toEqual([
        1,
        1,
        '',
        'the file is empty; it needs at least version, title and steps',
      ]);
    }
  });

  it('refuses a document that is a list or a single value, at the value', () => {
    expect(where([onlyError(yaml('- version: 1'))])).toEqual([[1, 1, '', 'must be a mapping, got a list']]);
    expect(where([onlyError(yaml('# plan', '  just text'))])).toEqual([
      [2, 3, '', 'must be a mapping, got the string "just text"'],
    ]);
  });

  it('refuses a list or mapping used as a key, at the key', () => {
    const d = onlyError(yaml(...VALID_HEAD, '? [a, b]', ': c', 'steps: [{ name: a }]'));
    expect([d.line, d.col, d.path, d.message]).toEqual([
      3,
      3,
      '',
      'a key must be plain text, not a list or a mapping; write the key as text',
    ]);
  });

  it('counts lines and columns the same in a file with CRLF line ends', () => {
    const source =
      ['version: 1', 'title: t', 'steps:', '  - name: a', '    timeout: soon'].join('\r\n') + '\r\n';
    expect(where([onlyError(source)])).toEqual([
      [5, 14, 'steps[0].timeout', 'must be a duration such as 90s, 10m or 1h30m'],
    ]);
  });

  it('refuses nesting too deep to read instead of overflowing the stack', () => {
    const d = onlyError('a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n');
    expect(d.line).toBe(1);
    expect(d.message).toBe('the document is nested too deeply to read; flatten it');
  });

  it('does not run the schema while the YAML is broken', () => {
    const errors = errorsOf(parsePlan(yaml('version: 2', 'title: "x'), 'p.plan.yml'));
    expect(errors.every((e) => !e.message.includes('must be 1'))).toBe(true);
  });
});

describe('aliases and merge keys', () => {
  it('applies merge keys and points at the anchored value when it is wrong', () => {
    const source = yaml(
      ...VALID_HEAD,
      'steps:',
      '  - name: a',
      '    run: make',
      '    <<: &defaults { shell: zsh, timeout: 5m }',
      '  - name: b',
      '    run: make b',
      '    <<: *defaults',
    );
    expect(where(errorsOf(parsePlan(source, 'p.plan.yml')))).toEqual([
      [
        6,
        28,
        'steps[0].shell',
        'must be one of bash, sh, pwsh or python, got the string "zsh"; did you mean `sh`?',
      ],
      [
        6,
        28,
        'steps[1].shell',
        'must be one of bash, sh, pwsh or python, got the string "zsh"; did you mean `sh`?',
      ],
    ]);
    const fixed = parsePlan(source.replace('zsh', 'sh'), 'p.plan.yml');
    if (!fixed.ok) throw new Error('expected a valid plan');
    expect(fixed.plan.steps.map((s) => [s.shell, s.timeout])).toEqual([
      ['sh', '5m'],
      ['sh', '5m'],
    ]);
  });

  it('refuses an alias bomb at the first alias instead of expanding it', () => {
    const bomb = yaml(
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    );
    const d = onlyError(bomb);
    expect([d.line, d.col, d.path]).toEqual([2, 8, '']);
    expect(d.message).toMatch(/^aliases expand into too much data \(more than 100 aliased nodes\)/);
  });

  it('reports an alias without an anchor where it is used', () => {
    const d = onlyError(yaml(...VALID_HEAD, 'description: *missing', 'steps: []'));
    expect([d.line, d.col]).toEqual([3, 14]);
    expect(d.message).toBe(
      'alias `*missing` has no anchor `&missing` before it; define the anchor first or write the value out',
    );
  });
});

describe('schema errors', () => {
  it('reports wrong types, bad durations, bad values and a missing name at the offending node', () => {
    const errors = errorsOf(parsePlan(fixture('wrong-types.plan.yml'), 'wrong-types.plan.yml'));
    expect(where(errors)).toEqual([
      [1, 10, 'version', 'must be 1, got the string "1"'],
      [2, 8, 'title', 'must be a string, got the number 42'],
      [3, 8, 'risks', 'must be a list, got the string "a single string"'],
      [7, 14, 'steps[0].timeout', 'must be a duration such as 90s, 10m or 1h30m, got the number 90'],
      [8, 15, 'steps[0].estimate', 'must be a duration such as 90s, 10m or 1h30m'],
      [9, 17, 'steps[0].checkpoint', 'must be a boolean or a mapping, got the string "yes"'],
      [
        10,
        12,
        'steps[0].shell',
        'must be one of bash, sh, pwsh or python, got the string "zsh"; did you mean `sh`?',
      ],
      [13, 7, 'steps[0].env.bad-name', 'invalid key: must be an environment variable name'],
      [14, 7, 'steps[0].env.NESTED', 'must be a string, a number or a boolean, got a mapping'],
      [15, 5, 'steps[1].name', 'is required'],
      [
        16,
        9,
        'steps[1].id',
        'must be lowercase letters, digits, - or _, starting with a letter or digit, at most 63 characters',
      ],
      [18, 10, 'verify.tests', 'must be a string or a mapping, got the number 5'],
      [20, 19, 'config.max_plan_steps', 'must be at most 50'],
      [21, 15, 'config.allow_skip', 'must be true or false, got the number 1'],
    ]);
    expect(errors.every((e) => e.severity === 'error' && e.file === 'wrong-types.plan.yml')).toBe(true);
  });

  it('formats the errors as FILE:LINE:COL: path: message', () => {
    const errors = errorsOf(parsePlan(fixture('wrong-types.plan.yml'), 'plans/w.plan.yml'));
    expect(formatDiagnostic(errors[4] as Diagnostic)).toBe(
      'plans/w.plan.yml:8:15: steps[0].estimate: must be a duration such as 90s, 10m or 1h30m',
    );
  });

  it('reports missing required keys at the mapping that lacks them', () => {
    const source = yaml('# plan', 'title: t', 'steps:', '  - run: make', '  - name: b');
    expect(where(errorsOf(parsePlan(source, 'p.plan.yml')))).toEqual([
      [2, 1, 'version', 'is required'],
      [4, 5, 'steps[0].name', 'is required'],
    ]);
  });

  it('reports a missing run in a verify entry at its mapping', () => {
    const source = yaml(...VALID_HEAD, 'steps: [{ name: a }]', 'verify:', '  counts: { timeout: 5m }');
    expect(where([onlyError(source)])).toEqual([[5, 11, 'verify.counts.run', 'is required']]);
  });

  it('refuses a version other than 1', () => {
    expect(where([onlyError(yaml('version: 2', 'title: t', 'steps: [{ name: a }]'))])).toEqual([
      [1, 10, 'version', 'must be 1, got the number 2'],
    ]);
  });

  it('refuses an empty or absent list of steps at the steps key', () => {
    expect(where([onlyError(yaml(...VALID_HEAD, 'steps: []'))])).toEqual([
      [3, 1, 'steps', 'needs at least one step'],
    ]);
    expect(where([onlyError(yaml(...VALID_HEAD, 'steps:'))])).toEqual([
      [3, 1, 'steps', 'must be a list, got an empty value'],
    ]);
  });

  it('reports an empty value where a string is needed at its key', () => {
    expect(where([onlyError(yaml('version: 1', 'title:', 'steps: [{ name: a }]'))])).toEqual([
      [2, 1, 'title', 'must be a string, got an empty value'],
    ]);
  });

  it('refuses more steps than config.max_plan_steps at the steps key', () => {
    const source = yaml(
      ...VALID_HEAD,
      'config: { max_plan_steps: 2 }',
      'steps:',
      ...['a', 'b', 'c'].map((n) => `  - name: ${n}`),
    );
    expect(where([onlyError(source)])).toEqual([
      [4, 1, 'steps', 'has 3 steps, more than max_plan_steps (2); split the work into smaller plans'],
    ]);
  });

  it('refuses more than 50 steps when the plan sets no limit', () => {
    const steps = Array.from({ length: 51 }, (_, i) => `  - { name: step ${i}, run: make ${i} }`);
    expect(where([onlyError(yaml(...VALID_HEAD, 'steps:', ...steps))])).toEqual([
      [3, 1, 'steps', 'has 51 steps, more than max_plan_steps (50); split the work into smaller plans'],
    ]);
  });

  it('refuses duplicate explicit step ids at the later id', () => {
    const source = yaml(
      ...VALID_HEAD,
      'steps:',
      '  - id: build',
      '    name: a',
      '  - id: build',
      '    name: b',
    );
    expect(where([onlyError(source)])).toEqual([
      [6, 9, 'steps[1].id', 'step id "build" is already used by steps[0]; give one of them a different id'],
    ]);
  });

  it('refuses steps whose names slug to the same id, at the later name', () => {
    const source = yaml(...VALID_HEAD, 'steps:', '  - name: Build it', '  - name: build-it!');
    expect(where([onlyError(source)])).toEqual([
      [
        5,
        11,
        'steps[1].name',
        'step id "build-it" is already used by steps[0]; give one of them a different id',
      ],
    ]);
  });

  it('reports unknown keys at every level at the key, suggesting the close known key', () => {
    const errors = errorsOf(parsePlan(fixture('unknown-keys.plan.yml'), 'u.plan.yml'));
    expect(where(errors)).toEqual([
      [3, 1, 'desciption', 'unknown key; did you mean `description`?'],
      [7, 5, 'steps[0].timout', 'unknown key; did you mean `timeout`?'],
      [
        8,
        5,
        'steps[0].colour',
        'unknown key; expected one of `id`, `name`, `description`, `run`, `shell`, `working-directory`, `env`, `timeout`, `estimate`, `checkpoint` or `rollback`',
      ],
      [12, 5, 'verify.counts.timeuot', 'unknown key; did you mean `timeout`?'],
      [14, 3, 'config.max_plan_step', 'unknown key; did you mean `max_plan_steps`?'],
    ]);
  });

  it('suggests the key when only case or - and _ differ', () => {
    const source = yaml(...VALID_HEAD, 'steps:', '  - name: a', '    working_directory: db', '    Run: make');
    expect(where(errorsOf(parsePlan(source, 'p.plan.yml')))).toEqual([
      [5, 5, 'steps[0].working_directory', 'unknown key; did you mean `working-directory`?'],
      [6, 5, 'steps[0].Run', 'unknown key; did you mean `run`?'],
    ]);
  });

  it('reports an invalid verify name and an invalid env name at the key, quoting odd keys in the path', () => {
    const source = yaml(
      ...VALID_HEAD,
      'steps:',
      '  - name: a',
      '    env: { "A B": x }',
      'verify:',
      '  Unit Tests: npm test',
    );
    expect(where(errorsOf(parsePlan(source, 'p.plan.yml')))).toEqual([
      [5, 12, 'steps[0].env["A B"]', 'invalid key: must be an environment variable name'],
      [7, 3, 'verify["Unit Tests"]', 'invalid key: must be lowercase letters, digits, - or _'],
    ]);
  });

  it('reads keys that look like numbers as text', () => {
    const source = yaml(...VALID_HEAD, 'steps:', '  - name: a', '    env:', '      1: x');
    expect(where([onlyError(source)])).toEqual([
      [6, 7, 'steps[0].env["1"]', 'invalid key: must be an environment variable name'],
    ]);
  });

  it('lists at most 100 errors, then says that more follow', () => {
    const source = yaml(
      ...VALID_HEAD,
      'steps: [{ name: a }]',
      ...Array.from({ length: 150 }, (_, i) => `extra${i}: x`),
    );
    const errors = errorsOf(parsePlan(source, 'p.plan.yml'));
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(where(errors.slice(0, 1))).toEqual([[4, 1, 'extra0', expect.stringMatching(/^unknown key/)]]);
    expect(where(errors.slice(-1))).toEqual([
      [103, 1, '', 'more errors follow; fix the 100 above first, then check again'],
    ]);
  });

  it('runs lint only when the schema passed', () => {
    const result = parsePlan(
      yaml('version: 1', 'title: t', 'steps: [{ name: a }]', 'extra: 1'),
      'p.plan.yml',
    );
    expect(result.ok).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it('refuses a plan larger than 1 MiB before parsing it', () => {
    const d = onlyError('#'.repeat(MAX_PLAN_BYTES + 1));
    expect([d.line, d.col, d.path]).toEqual([1, 1, '']);
    expect(d.message).toBe(
      `the plan is ${MAX_PLAN_BYTES + 1} bytes, more than the ${MAX_PLAN_BYTES} allowed; keep long scripts in files that the steps run`,
    );
  });
});

describe('messages for any input', () => {
  const full = fixture('full.plan.yml');
  const check = (source: string) => {
    const result = parsePlan(source, 'p.plan.yml');
    const diagnostics = result.ok ? result.warnings : [...result.errors, ...result.warnings];
    const lineCount = source.split('\n').length;
    for (const d of diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.line).toBeLessThanOrEqual(lineCount);
      expect(d.col).toBeGreaterThanOrEqual(1);
      expect(d.message).not.toMatch(/\n\s+at |Error:|undefined|\[object Object\]/);
    }
  };

  it('never throws and never shows a stack trace for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => check(text)),
      { numRuns: 300 },
    );
  });

  it('never throws and never shows a stack trace for damaged plans', () => {
    const damaged = fc
      .tuple(fc.nat(full.length), fc.nat(40), fc.string({ maxLength: 8 }))
      .map(([at, cut, insert]) => full.slice(0, at) + insert + full.slice(at + cut));
    fc.assert(
      fc.property(damaged, (text) => check(text)),
      { numRuns: 300 },
    );
  });
});

describe('parseYamlWithSchema', () => {
  const policy = z.strictObject({
    forks: z.boolean().default(false),
    approvers: z
      .strictObject({ permission: z.enum(['write', 'maintain', 'admin']).default('write') })
      .default({
        permission: 'write',
      }),
  });

  it('validates any schema and returns its output', () => {
    const result = parseYamlWithSchema(yaml('forks: true'), '.github/proceed.yml', policy);
    expect(result.ok && result.value).toEqual({ forks: true, approvers: { permission: 'write' } });
  });

  it('gives an empty file the defaults when the schema has a default for every key', () => {
    const result = parseYamlWithSchema('# nothing set\n', '.github/proceed.yml', policy);
    expect(result.ok && result.value).toEqual({ forks: false, approvers: { permission: 'write' } });
  });

  it('reports errors of another schema with positions and suggestions from its own keys', () => {
    const result = parseYamlWithSchema(
      yaml('approvers:', '  permision: admin', 'forks: maybe'),
      'policy.yml',
      policy,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(where(result.errors)).toEqual([
      [2, 3, 'approvers.permision', 'unknown key; did you mean `permission`?'],
      [3, 8, 'forks', 'must be true or false, got the string "maybe"'],
    ]);
  });

  it('passes YAML warnings such as an unknown tag on as warnings', () => {
    const result = parseYamlWithSchema(
      yaml('forks: !custom true'),
      'policy.yml',
      z.object({ forks: z.string() }),
    );
    expect(result.ok).toBe(true);
    expect(where(result.warnings)).toEqual([
      [1, 8, '', 'Unresolved tag: !custom; remove the tag (a plain value needs none)'],
    ]);
  });
});

describe('closestMatch', () => {
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
  ];

  it('suggests a key one or two edits away', () => {
    expect(closestMatch('timout', stepKeys)).toBe('timeout');
    expect(closestMatch('nmae', stepKeys)).toBe('name');
    expect(closestMatch('estimte', stepKeys)).toBe('estimate');
    expect(closestMatch('rn', stepKeys)).toBe('run');
  });

  it('suggests nothing for a word that is not close to any key', () => {
    expect(closestMatch('command', stepKeys)).toBeUndefined();
    expect(closestMatch('colour', stepKeys)).toBeUndefined();
    expect(closestMatch('desc', stepKeys)).toBeUndefined();
  });

  it('suggests nothing when two keys are equally close', () => {
    expect(closestMatch('bsh', ['bash', 'sh'])).toBeUndefined();
  });
});

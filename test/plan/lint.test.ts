import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/plan/diagnostics.js';
import { lintPlan, trivialCommand } from '../../src/plan/lint.js';
import { parsePlan, parseYamlWithSchema } from '../../src/plan/parse.js';
import { planSchema } from '../../src/plan/schema.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const yaml = (...lines: string[]) => lines.join('\n') + '\n';

function warningsOf(source: string): [number, number, string, string][] {
  const result = parsePlan(source, 'p.plan.yml');
  if (!result.ok) throw new Error(`expected a valid plan: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.warnings.map((d: Diagnostic) => [d.line, d.col, d.path, d.message]);
}

const NO_ESTIMATES = 'config: { show_estimated_time: false }';
const VERIFY = 'verify: { tests: npm test }';

describe('over-planning', () => {
  it('warns on each trivial step of the seed example, at its command or at the step', () => {
    const trivial = 'which is over-planning; merge it into the meaningful step it belongs to';
    expect(warningsOf(fixture('anti-patterns.plan.yml'))).toEqual([
      [1, 1, '', expect.stringMatching(/^the plan has no verify phase/)],
      [5, 10, 'steps[0].run', `only creates a single file (\`hello.txt\`), ${trivial}`],
      [8, 10, 'steps[1].run', `only writes a single file (\`hello.txt\`), ${trivial}`],
      [
        10,
        5,
        'steps[2]',
        'has no command (`run`), which is over-planning; merge it into a meaningful step, or give it the command that does the work',
      ],
      [13, 10, 'steps[3].run', `only prints text, ${trivial}`],
      [17, 5, 'steps[4]', expect.stringMatching(/^has no estimate/)],
      [20, 10, 'steps[5].run', expect.stringMatching(/^runs the same command as steps\[4\]/)],
    ]);
  });

  it('warns about a step without a command at the start of the step', () => {
    const source = yaml(
      'version: 1',
      'title: t',
      NO_ESTIMATES,
      VERIFY,
      'steps:',
      '  - { name: a, run: make }',
      '  - name: Think',
    );
    expect(warningsOf(source)).toEqual([
      [7, 5, 'steps[1]', expect.stringMatching(/^has no command \(`run`\)/)],
    ]);
  });

  it('says nothing about steps that do real work', () => {
    const source = yaml(
      'version: 1',
      'title: t',
      NO_ESTIMATES,
      VERIFY,
      'steps:',
      '  - { name: Test, run: npm test }',
      '  - name: Migrate',
      '    run: |',
      '      set -euo pipefail',
      '      echo "migrating"',
      '      ./scripts/migrate.sh',
    );
    expect(warningsOf(source)).toEqual([]);
  });
});

describe('trivialCommand', () => {
  it.each([
    ['echo hello', 'only prints text'],
    ['printf "%s\\n" done', 'only prints text'],
    ['echo "a; npm test | x"', 'only prints text'],
    ['echo one\n# a comment\necho two\n', 'only prints text'],
    ['touch hello.txt', 'only creates a single file (`hello.txt`)'],
    ['echo "Hello World" > hello.txt', 'only writes a single file (`hello.txt`)'],
    ["printf 'x' >> 'my notes.txt'", "only writes a single file (`'my notes.txt'`)"],
    [': > empty.log', 'only writes a single file (`empty.log`)'],
    ['mkdir -p build', 'only creates a directory (`build`)'],
    ['cat > config.json <<EOF\n{ "a": 1 }\nEOF\n', 'only writes a single file (`config.json`)'],
    ["cat <<'EOF' > notes.md\nuses $(not run)\nEOF", 'only writes a single file (`notes.md`)'],
    ['tee out.txt <<EOF\nhello\nEOF', 'only writes a single file (`out.txt`)'],
    ['true', 'does nothing'],
    ['# TODO\n', 'holds only comments, so it does nothing'],
  ])('recognises %j', (run, expected) => {
    expect(trivialCommand(run)).toBe(expected);
  });

  it.each([
    'npm test',
    'npm run build > build.log',
    'make',
    'echo $(date) > stamp',
    'echo `whoami`',
    'echo hi | tee out.txt',
    'echo start && npm test',
    'echo start; npm test',
    'touch a b',
    'touch -d yesterday a',
    'mkdir a b',
    'cp .env.example .env',
    'cat > f <<EOF\n$(curl https://example.com)\nEOF',
    'cat > f <<EOF\nline\n',
    'echo one\nnpm test',
    'touch a\ntouch b',
    'echo hi \\\n  there',
    './scripts/deploy.sh',
  ])('leaves %j alone', (run) => {
    expect(trivialCommand(run)).toBeUndefined();
  });

  it('judges a command of many lines as classifying every line would', () => {
    // What each line is on its own, from the one-line verdicts pinned above.
    const kindOf = (line: string) => {
      const verdict = trivialCommand(line);
      if (verdict === 'only prints text') return 'print';
      if (verdict === 'does nothing') return 'noop';
      return verdict;
    };
    // The rule read whole: every line prints or does nothing, or one line does one thing.
    const whole = (run: string): string | undefined => {
      const lines = run
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
      if (lines.length === 0) return 'holds only comments, so it does nothing';
      const heredoc = /^(cat|tee)\b.*<</.test(lines[0]!) ? trivialCommand(run) : undefined;
      if (heredoc?.startsWith('only writes')) return heredoc;
      const kinds = lines.map(kindOf);
      if (kinds.every((k) => k === 'print' || k === 'noop'))
        return kinds.includes('print') ? 'only prints text' : 'does nothing';
      return lines.length === 1 && kinds[0] !== 'print' && kinds[0] !== 'noop' ? kinds[0] : undefined;
    };
    const line = fc.constantFrom(
      'echo hi',
      'printf x',
      'true',
      ':',
      'exit 0',
      'touch a.txt',
      'mkdir -p out',
      'echo x > f',
      'npm test',
      './scripts/migrate.sh --region 1',
      '# comment',
      '',
      '   ',
      '  echo indented  ',
      'echo a \\',
      'EOF',
      'cat > f <<EOF',
      "cat <<'EOF' > g",
      'tee t <<EOF',
      'echo $(date)',
    );
    const ending = fc.constantFrom('\n', '\r\n');
    const command = fc.array(fc.tuple(line, ending), { maxLength: 8 }).chain((lines) =>
      fc.boolean().map((trailing) => {
        const joined = lines.map(([l, e]) => l + e).join('');
        return trailing ? joined : joined.replace(/\r?\n$/, '');
      }),
    );
    fc.assert(
      fc.property(command, (run) => {
        expect(trivialCommand(run)).toBe(whole(run));
      }),
      { numRuns: 500 },
    );
  });

  it('only judges sh and bash commands', () => {
    expect(trivialCommand('echo hi', 'sh')).toBe('only prints text');
    expect(trivialCommand('echo hi', 'pwsh')).toBeUndefined();
    expect(trivialCommand('print("hi")', 'python')).toBeUndefined();
  });
});

describe('no verify phase', () => {
  it('warns at the document root when verify is absent', () => {
    const source = yaml(
      '# a plan',
      'version: 1',
      'title: t',
      NO_ESTIMATES,
      'steps: [{ name: a, run: make }]',
    );
    expect(warningsOf(source)).toEqual([
      [
        2,
        1,
        '',
        'the plan has no verify phase; add `verify:` with the commands that prove the result (for example `tests: npm test`), which proceed/verify runs before merge',
      ],
    ]);
  });

  it('warns at the verify key when verify is empty', () => {
    const source = yaml(
      'version: 1',
      'title: t',
      NO_ESTIMATES,
      'steps: [{ name: a, run: make }]',
      'verify: {}',
    );
    expect(warningsOf(source)).toEqual([
      [5, 1, 'verify', expect.stringMatching(/^the verify phase is empty; list the commands/)],
    ]);
  });
});

describe('missing estimates', () => {
  const steps = [
    'steps:',
    '  - name: a',
    '    run: make a',
    '    estimate: 1m',
    '  - name: b',
    '    run: make b',
  ];

  it('warns once per step without an estimate, at the step, while show_estimated_time is on', () => {
    expect(
      warningsOf(yaml('version: 1', 'title: t', VERIFY, ...steps, '  - { name: c, run: make c }')),
    ).toEqual([
      [
        8,
        5,
        'steps[1]',
        'has no estimate while config.show_estimated_time is on; add one (for example `estimate: 5m`) or set show_estimated_time: false',
      ],
      [10, 5, 'steps[2]', expect.stringMatching(/^has no estimate/)],
    ]);
  });

  it('says nothing when show_estimated_time is off', () => {
    expect(warningsOf(yaml('version: 1', 'title: t', VERIFY, NO_ESTIMATES, ...steps))).toEqual([]);
  });
});

describe('duplicate commands', () => {
  it('warns on the later step, naming the earlier one, when the commands match after trimming', () => {
    const source = yaml(
      'version: 1',
      'title: t',
      VERIFY,
      NO_ESTIMATES,
      'steps:',
      '  - { id: build, name: Build, run: npm run build }',
      '  - { name: Test, run: npm test }',
      '  - name: Build again',
      '    run: "  npm run build\\n"',
    );
    expect(warningsOf(source)).toEqual([
      [
        9,
        10,
        'steps[2].run',
        'runs the same command as steps[0] (`build`); merge the two steps or remove this one',
      ],
    ]);
  });

  it('tells commands of the same length apart and names the first step of each', () => {
    const source = yaml(
      'version: 1',
      'title: t',
      VERIFY,
      NO_ESTIMATES,
      'steps:',
      '  - { name: One, run: make aaa }',
      '  - { name: Two, run: make bbb }',
      '  - { name: Three, run: make bbb }',
      '  - { name: Four, run: make aaa }',
      '  - { name: Five, run: make ccc }',
    );
    expect(warningsOf(source)).toEqual([
      [8, 25, 'steps[2].run', expect.stringMatching(/^runs the same command as steps\[1\] \(`two`\)/)],
      [9, 24, 'steps[3].run', expect.stringMatching(/^runs the same command as steps\[0\] \(`one`\)/)],
    ]);
  });
});

describe('lintPlan', () => {
  it('returns warnings only, located in the given file', () => {
    const parsed = parseYamlWithSchema(fixture('anti-patterns.plan.yml'), 'x.plan.yml', planSchema);
    if (!parsed.ok) throw new Error('expected a valid plan');
    const warnings = lintPlan(parsed.value, parsed.positions, 'other/name.plan.yml');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w.severity === 'warning' && w.file === 'other/name.plan.yml')).toBe(true);
  });
});

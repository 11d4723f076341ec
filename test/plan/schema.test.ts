import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateSchema, planSchemaText, SCHEMA_FILE } from '../../scripts/generate-schema.js';
import { planJsonSchema, planSchema } from '../../src/plan/schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proceed-schema-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the committed schema/plan.schema.json', () => {
  it('is what scripts/generate-schema.ts writes from the zod schema (run `npm run schema` when this fails)', () => {
    expect(SCHEMA_FILE).toBe(join(root, 'schema/plan.schema.json'));
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(planSchemaText());
  });
});

describe('generateSchema', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, write: (line: string) => void lines.push(line) };
  };

  it('writes the schema text to the given file', async () => {
    const file = join(dir, 'written.json');
    const out = capture();
    expect(await generateSchema([file], out.write)).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(planSchemaText());
    expect(out.lines).toEqual([`wrote ${file}`]);
  });

  it('with --check passes on an up-to-date file and writes nothing', async () => {
    const file = join(dir, 'fresh.json');
    await writeFile(file, planSchemaText());
    const out = capture();
    expect(await generateSchema(['--check', file], out.write)).toBe(0);
    expect(out.lines).toEqual([`${file} is up to date with src/plan/schema.ts.`]);
  });

  it('with --check fails on a stale file and says how to fix it, leaving the file alone', async () => {
    const file = join(dir, 'stale.json');
    await writeFile(file, '{}\n');
    const err = capture();
    expect(await generateSchema(['--check', file], undefined, err.write)).toBe(1);
    expect(err.lines).toEqual([
      `${file} is out of date with src/plan/schema.ts: run \`npm run schema\` and commit the result.`,
    ]);
    expect(await readFile(file, 'utf8')).toBe('{}\n');
  });

  it('with --check fails on a missing file', async () => {
    const err = capture();
    expect(await generateSchema(['--check', join(dir, 'nope.json')], undefined, err.write)).toBe(1);
    expect(err.lines[0]).toMatch(/nope\.json is missing: run `npm run schema`/);
  });

  it('refuses unknown options with usage', async () => {
    const err = capture();
    expect(await generateSchema(['--chek'], undefined, err.write)).toBe(2);
    expect(err.lines[0]).toMatch(/^usage: tsx scripts\/generate-schema\.ts \[--check\] \[FILE\]/);
  });

  it('exits 1 from the command line when the file is stale', async () => {
    const file = join(dir, 'cli-stale.json');
    await writeFile(file, '{}\n');
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/generate-schema.ts', '--check', file],
      { cwd: root },
    );
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is out of date') });
  });
});

describe('the JSON Schema agrees with zod', () => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  const validate = ajv.compile(planJsonSchema());
  const plan = (...lines: string[]) => parse(['version: 1', 'title: t', ...lines].join('\n')) as unknown;
  const step = 'steps: [{ name: a, run: make }]';

  const valid: [string, unknown][] = [
    ['the SPEC example', parse(fixture('full.plan.yml'))],
    ['a minimal plan', parse(fixture('minimal.plan.yml'))],
    ['a verify entry as a mapping', plan(step, 'verify: { c: { run: x, shell: sh, timeout: 1h30m } }')],
    ['env values of every scalar type', plan('steps: [{ name: a, env: { A: x, B: 1, C: true } }]')],
  ];
  const invalid: [string, unknown][] = [
    ['an unknown root key', plan(step, 'extra: 1')],
    ['an unknown step key', plan('steps: [{ name: a, timout: 5m }]')],
    ['an unknown verify entry key', plan(step, 'verify: { c: { run: x, timout: 5m } }')],
    ['an unknown config key', plan(step, 'config: { max_steps: 3 }')],
    ['a bad duration', plan('steps: [{ name: a, timeout: 5 minutes }]')],
    ['version 2', parse('version: 2\ntitle: t\nsteps: [{ name: a }]')],
    ['no steps', plan('steps: []')],
    ['a step without a name', plan('steps: [{ run: make }]')],
    ['a bad step id', plan('steps: [{ id: Build, name: a }]')],
    ['an unknown shell', plan('steps: [{ name: a, shell: zsh }]')],
    ['a bad env name', plan('steps: [{ name: a, env: { A-B: x } }]')],
    ['a verify entry without run', plan(step, 'verify: { c: { timeout: 5m } }')],
    ['max_plan_steps over the hard cap', plan(step, 'config: { max_plan_steps: 51 }')],
  ];

  it.each(valid)('both accept %s', (_, data) => {
    expect(planSchema.safeParse(data).success).toBe(true);
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(invalid)('both refuse %s', (_, data) => {
    expect(planSchema.safeParse(data).success).toBe(false);
    expect(validate(data)).toBe(false);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/plan/diagnostics.js';
import { planHash } from '../../src/plan/hash.js';
import { loadPlanFile, readFailure } from '../../src/plan/load.js';
import { MAX_PLAN_BYTES, type ParseResult } from '../../src/plan/parse.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/plans/${name}`, import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proceed-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function onlyError(result: ParseResult): Diagnostic {
  if (result.ok) throw new Error('expected the file to be refused');
  expect(result.errors).toHaveLength(1);
  return result.errors[0] as Diagnostic;
}

describe('loadPlanFile with a readable plan', () => {
  it('parses the file and hashes its exact text', async () => {
    const path = fixture('full.plan.yml');
    const result = await loadPlanFile(path);
    if (!result.ok) throw new Error('expected a valid plan');
    expect(result.file).toBe(path);
    expect(result.hash).toBe(planHash(await readFile(path, 'utf8')));
    expect(result.plan.steps.map((s) => s.id)).toEqual(['schema', 'execute-migration']);
  });

  it('names diagnostics after the display name when one is given', async () => {
    const result = await loadPlanFile(fixture('wrong-types.plan.yml'), 'plans/wrong.plan.yml');
    expect(result.ok).toBe(false);
    expect(result.file).toBe('plans/wrong.plan.yml');
    if (!result.ok) expect(result.errors.every((e) => e.file === 'plans/wrong.plan.yml')).toBe(true);
  });

  it('keeps a byte order mark in the hashed text and still parses', async () => {
    const path = join(dir, 'bom.plan.yml');
    const text =
      '\ufeffversion: 1\ntitle: t\nsteps: [{ name: a, run: make, estimate: 1m }]\nverify: { t: make test }\n';
    await writeFile(path, text);
    const result = await loadPlanFile(path);
    expect(result.ok && result.hash).toBe(planHash(text));
  });
});

describe('loadPlanFile with a file it cannot use', () => {
  it('says the file does not exist, at 1:1', async () => {
    const d = onlyError(await loadPlanFile(join(dir, 'missing.plan.yml'), 'missing.plan.yml'));
    expect(d).toEqual({
      severity: 'error',
      file: 'missing.plan.yml',
      line: 1,
      col: 1,
      path: '',
      message: 'cannot read the plan: the file does not exist; check the path',
    });
  });

  it('says a directory is not a plan file', async () => {
    const d = onlyError(await loadPlanFile(dir));
    expect([d.line, d.col, d.message]).toEqual([
      1,
      1,
      'this is a directory, not a plan file; pass the path of a .plan.yml file',
    ]);
  });

  it('says a device is not a regular file', async () => {
    const d = onlyError(await loadPlanFile('/dev/null'));
    expect([d.line, d.col, d.message]).toEqual([
      1,
      1,
      'this is not a regular file; pass the path of a .plan.yml file',
    ]);
  });

  it('refuses a file over 1 MiB without parsing it', async () => {
    const path = join(dir, 'huge.plan.yml');
    await writeFile(path, '#'.repeat(MAX_PLAN_BYTES + 1));
    const d = onlyError(await loadPlanFile(path));
    expect([d.line, d.col, d.message]).toEqual([
      1,
      1,
      `the plan is ${MAX_PLAN_BYTES + 1} bytes, more than the ${MAX_PLAN_BYTES} allowed; keep long scripts in files that the steps run`,
    ]);
  });

  it('refuses a file that is not UTF-8', async () => {
    const path = join(dir, 'latin1.plan.yml');
    await writeFile(path, Buffer.from([0x74, 0x69, 0x74, 0x6c, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    const d = onlyError(await loadPlanFile(path));
    expect([d.line, d.col, d.message]).toEqual([1, 1, 'the file is not UTF-8 text; save it as UTF-8']);
  });

  // Root (as in CI) reads any file, so the errno a user would get is given directly.
  it('says permission is denied for an unreadable file', () => {
    for (const code of ['EACCES', 'EPERM']) {
      expect(readFailure({ code })).toBe('cannot read the plan: permission denied; make the file readable');
    }
  });
});

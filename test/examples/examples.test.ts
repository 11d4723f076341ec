// The example plans end to end, through the CLI as a user runs it (`proceed validate`, `proceed run
// --yes`). Each run works in a temporary copy of examples/, so the repository's own scratch folder
// is never touched and runs cannot disturb each other.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proceed, ROOT, RUN_TIMEOUT_MS, type Outcome } from '../support/cli.js';

const PLANS = ['hello', 'rest-api', 'db-migration', 'two-factor'];

const copies: string[] = [];

/** A fresh checkout-like folder holding a copy of examples/ without its scratch folder. */
function copyOfExamples(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proceed-examples-'));
  copies.push(dir);
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), {
    recursive: true,
    filter: (source) => basename(source) !== '.work',
  });
  return dir;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) {
    throw new Error('dist/cli.js is missing: run `npm run build` before these tests');
  }
});

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('the example plans validate cleanly', () => {
  it('exits 0 with every plan valid and not a single warning', async () => {
    const files = PLANS.map((name) => `examples/${name}.plan.yml`);
    const { code, stdout, stderr } = await proceed(['validate', ...files], ROOT);
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/warning/i);
    for (const file of files) expect(stdout).toMatch(new RegExp(`^${file}: valid, \\d+ step\\(s\\)$`, 'm'));
    expect(code).toBe(0);
  });
});

describe('each example plan runs to a verified report', () => {
  const runs = new Map<string, Promise<Outcome>>();
  const runOf = (name: string) => {
    let run = runs.get(name);
    if (!run) {
      const dir = copyOfExamples();
      run = proceed(['run', `examples/${name}.plan.yml`, '--yes'], dir);
      runs.set(name, run);
    }
    return run;
  };

  it.each(PLANS)(
    '%s exits 0 and reports every step and check passed',
    async (name) => {
      const { code, stdout, stderr } = await runOf(name);
      expect(code, `${stdout.slice(-3000)}\n${stderr.slice(-2000)}`).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain('Result: verified, every step and every check passed');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'db-migration confirms the checkpoint after step 5 and before step 6, with the steps in order',
    async () => {
      const { stdout } = await runOf('db-migration');
      const started = [...stdout.matchAll(/^▶ \[(\d)\/8\]/gm)].map((m) => Number(m[1]));
      expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const checkpoint = stdout.search(/CHECKPOINT before step 6\/8 "Execute migration": confirmed/);
      expect(checkpoint).toBeGreaterThan(stdout.indexOf('✓ [5/8] Import strategy'));
      expect(checkpoint).toBeLessThan(stdout.indexOf('▶ [6/8] Execute migration'));
      expect(stdout).toContain('3 malformed emails found and fixed; 50,003 valid records');
      expect(stdout).toContain('count match: PostgreSQL 50,003 = MySQL 50,003');
    },
    RUN_TIMEOUT_MS,
  );
});

describe('a failing step stops the plan there', () => {
  it(
    'db-migration with a step 2 that finds the target already there exits 1 and never runs step 3',
    async () => {
      const dir = copyOfExamples();
      const plan = readFileSync(join(dir, 'examples/db-migration.plan.yml'), 'utf8');
      const setup = 'run: node examples/db-migration/steps/target-setup.mjs\n';
      expect(plan).toContain(setup);
      // Running the setup twice is the seed's "Table already exists": the plan assumed a fresh target.
      const failing = plan.replace(
        setup,
        'run: node examples/db-migration/steps/target-setup.mjs && node examples/db-migration/steps/target-setup.mjs\n',
      );
      writeFileSync(join(dir, 'examples/db-migration-fails.plan.yml'), failing);

      const { code, stdout } = await proceed(['run', 'examples/db-migration-fails.plan.yml', '--yes'], dir);

      expect(code).toBe(1);
      expect(stdout).toContain('database "app" already exists; the plan assumed a fresh target');
      expect(stdout).toMatch(/Result: failed at step 2 "Target setup"/);
      expect(stdout).not.toContain('[3/8]');
      expect(existsSync(join(dir, 'examples/.work/db-migration/analysis'))).toBe(true);
      expect(existsSync(join(dir, 'examples/.work/db-migration/validation'))).toBe(false);
    },
    RUN_TIMEOUT_MS,
  );
});

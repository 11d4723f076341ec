/**
 * `proceed simulate`: the pull-request flow offline. Through the committed bundle as a user runs it
 * (in a temporary copy of examples/, so the repository's scratch folder is never touched), and
 * in-process with a Terminal over in-memory streams.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryTerminal, proceed, ROOT, RUN_TIMEOUT_MS, type Outcome } from '../support/cli.js';
import { simulate } from '../../src/cli/simulate.js';

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proceed-simulate-'));
  dirs.push(dir);
  return dir;
}

/** A fresh checkout-like folder holding a copy of examples/ without its scratch folder. */
function copyOfExamples(): string {
  const dir = tempDir();
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), {
    recursive: true,
    filter: (source) => basename(source) !== '.work',
  });
  return dir;
}

/** Step 2 exits 3; steps 1 and 3 leave a file behind, so one can tell which ran. */
const FAILING_PLAN = `version: 1
title: Stops at step 2
steps:
  - id: first
    name: First step
    run: touch first.done
    estimate: 5s
  - id: second
    name: Second step
    run: echo "about to fail"; exit 3
    estimate: 5s
  - id: third
    name: Third step
    run: touch third.done
    estimate: 5s
verify:
  done: test -f first.done
`;

const PASSING_PLAN = `version: 1
title: Two quick steps
steps:
  - id: one
    name: Step one
    run: echo one >> log.txt
    estimate: 5s
  - id: two
    name: Step two
    run: echo two >> log.txt
    checkpoint: true
    estimate: 5s
verify:
  logged: grep -q two log.txt
`;

/** The lines that announce a post, in order. */
function posts(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('▸ '));
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('proceed simulate through the bundle', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) {
      throw new Error('dist/cli.js is missing: run `npm run build` before these tests');
    }
  });

  const runs = new Map<string, Promise<Outcome>>();
  const runOf = (name: string) => {
    let run = runs.get(name);
    if (!run) {
      run = proceed(['simulate', `examples/${name}.plan.yml`], copyOfExamples());
      runs.set(name, run);
    }
    return run;
  };

  it.each(['hello', 'db-migration'])(
    '%s exits 0 with the review, the plan and verify checks, and a successful check run per step',
    async (name) => {
      const { code, stdout, stderr } = await runOf(name);
      expect(code, `${stdout.slice(-3000)}\n${stderr}`).toBe(0);
      expect(stderr).toBe('');
      const title =
        name === 'hello' ? 'Hello World, planned and executed' : 'Migrate user data from MySQL to PostgreSQL';
      expect(stdout).toMatch(/^▸ review posted \(event COMMENT on [0-9a-f]{7}\) — state proposed$/m);
      expect(stdout).toContain(`## 📋 ${title}`);
      expect(stdout).toContain('<!-- proceed:state … (the hidden state marker, shortened here) -->');
      expect(stdout).not.toMatch(/<!-- proceed:state [A-Za-z0-9+/=]+ -->/);
      expect(stdout).toContain('▸ check run proceed/plan created: completed, success — Valid');
      expect(stdout).toContain('▸ check run proceed/verify created: queued — Waiting for approval');
      expect(stdout).toContain(
        '▸ check run proceed/verify updated: completed, success — Verified: every step and every check passed',
      );
      const ids =
        name === 'hello'
          ? ['create', 'greet']
          : [
              'schema-analysis',
              'target-setup',
              'data-validation',
              'export-strategy',
              'import-strategy',
              'execute-migration',
              'validation',
              'cutover',
            ];
      const finished = posts(stdout)
        .map((l) => /^▸ check run proceed\/([\w-]+) updated: completed, (\w+) — Succeeded/.exec(l))
        .filter((m) => m !== null)
        .map((m) => [m[1], m[2]]);
      expect(finished).toEqual(ids.map((id) => [id, 'success']));
      expect(stdout).toContain(`## ✅ Verified: ${title}`);
      expect(stdout).toMatch(/^Result: verified: every step and every verification passed\.$/m);
      expect(stdout).toMatch(/^═══ The review at the end — state verified ═══$/m);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'db-migration pauses at the checkpoint before step 6, and the second /proceed runs steps 6 to 8',
    async () => {
      const { stdout } = await runOf('db-migration');
      const lines = stdout.split('\n');
      const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
      const step5 = at(/^▸ check run proceed\/import-strategy updated: completed, success/);
      const waiting = at(
        /^▸ check run proceed\/execute-migration created: completed, action_required — Checkpoint/,
      );
      const checkpoint = at(/^### ⏸️ Checkpoint before step 6: `Execute migration`$/);
      const paused = at(/^→ state: paused/);
      const confirm = at(/^— the reviewer comments \/proceed to confirm the checkpoint —$/);
      const second = at(/^═══ 3\. @reviewer comments "\/proceed" \(issue_comment created\) ═══$/);
      const step6 = at(/^▸ check run proceed\/execute-migration created: in progress/);
      const order = [step5, waiting, checkpoint, paused, confirm, second, step6];
      expect(
        order.every((i) => i >= 0),
        String(order),
      ).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(stdout.match(/^▸ reaction 👀 on @reviewer's comment "\/proceed"$/gm)).toHaveLength(2);
      expect(stdout).toContain('count match: PostgreSQL 50,003 = MySQL 50,003');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'a plan whose step 2 exits 3 stops there: the STOP escalation offers /retry, step 3 never runs, exit 1',
    async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'stops.plan.yml'), FAILING_PLAN);
      const { code, stdout } = await proceed(['simulate', 'stops.plan.yml'], dir);
      expect(code).toBe(1);
      expect(stdout).toContain(
        '▸ check run proceed/second updated: completed, failure — Failed (exit code 3)',
      );
      expect(stdout).toContain('### ⛔ STOP: step 2, `Second step`, failed with exit 3');
      expect(stdout).toContain('- `/retry` runs it again, then continues');
      expect(stdout).toContain('about to fail');
      expect(stdout).toContain('▸ check run proceed/verify updated: completed, failure — Failed at step 2');
      expect(stdout).toMatch(/^Result: failed at step second; .*simulation ends here\.$/m);
      expect(stdout).not.toMatch(/^▸ check run proceed\/third/m);
      expect(existsSync(join(dir, 'first.done'))).toBe(true);
      expect(existsSync(join(dir, 'third.done'))).toBe(false);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('simulate in-process', () => {
  it('runs the flow in --cwd, confirms the checkpoint, and ends verified with exit 0', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'quick.plan.yml'), PASSING_PLAN);
    const t = memoryTerminal();
    const code = await simulate(join(dir, 'quick.plan.yml'), t.term, { cwd: dir });
    expect(code, t.out()).toBe(0);
    expect(t.out()).toContain('pull request  #1 by @author, adding quick.plan.yml');
    expect(t.out()).toContain('policy        none (no .github/proceed.yml): the defaults');
    expect(t.out()).toContain('— the reviewer comments /proceed to confirm the checkpoint —');
    expect(t.out()).toContain('### ⏸️ Checkpoint before step 2: `Step two`');
    expect(t.out()).toContain('## ✅ Verified: Two quick steps');
    expect(t.err()).toBe('');
  });

  it('with --quiet prints one line per post and no Markdown bodies', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'quick.plan.yml'), PASSING_PLAN);
    const t = memoryTerminal();
    expect(await simulate(join(dir, 'quick.plan.yml'), t.term, { cwd: dir, quiet: true })).toBe(0);
    expect(t.out()).toMatch(
      /^▸ review posted \(event COMMENT on [0-9a-f]{7}\) — state proposed: ## 📋 Two quick steps$/m,
    );
    expect(posts(t.out())).toContainEqual('▸ comment posted: ### ⏸️ Checkpoint before step 2: `Step two`');
    expect(t.out()).not.toContain('### 🪜 Steps');
    expect(t.out()).not.toContain('The review at the end');
    expect(t.out()).not.toMatch(/^ {4}/m);
  });

  it("applies the repository's .github/proceed.yml: its allowlisted approver confirms, its verify runs", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'quick.plan.yml'), PASSING_PLAN);
    mkdirSync(join(dir, '.github'));
    writeFileSync(
      join(dir, '.github/proceed.yml'),
      'approvers:\n  permission: maintain\n  users: [carol]\n  teams: [octo-org/deployers]\nverify:\n  policy-check: test -f log.txt\n',
    );
    const t = memoryTerminal();
    const code = await simulate(join(dir, 'quick.plan.yml'), t.term, { cwd: dir });
    expect(code, t.out()).toBe(0);
    expect(t.out()).toContain('reviewer      @carol, with maintain permission and in octo-org/deployers');
    expect(t.out()).toContain('═══ 2. @carol comments "/proceed" (issue_comment created) ═══');
    expect(t.out()).toContain('Running `policy-check`, `logged`.');
  });

  it('with an invalid repository policy shows what the bot posts about it and exits 1', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'quick.plan.yml'), PASSING_PLAN);
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github/proceed.yml'), 'self_aproval: true\n');
    const t = memoryTerminal();
    expect(await simulate(join(dir, 'quick.plan.yml'), t.term, { cwd: dir, quiet: true })).toBe(1);
    expect(t.out()).toContain(
      '▸ check run proceed/plan created: completed, failure — The repository policy is invalid',
    );
    expect(t.out()).not.toContain('comments "/proceed"');
    expect(existsSync(join(dir, 'log.txt'))).toBe(false);
  });

  it('prints FILE:LINE:COL errors for an invalid plan, posts nothing and exits 1', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'bad.plan.yml'),
      'version: 1\ntitle: Bad\nsteps:\n  - name: One\n    run: ls\n    timout: 1m\n',
    );
    const t = memoryTerminal();
    expect(await simulate(join(dir, 'bad.plan.yml'), t.term, { cwd: dir })).toBe(1);
    expect(t.out()).toContain(`${join(dir, 'bad.plan.yml')}:6:5: steps[0].timout:`);
    expect(t.out()).not.toContain('▸');
  });

  it('refuses a plan outside the directory the steps run in, and one the bot would not find', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'quick.plan.yml'), PASSING_PLAN);
    writeFileSync(join(dir, 'quick.yml'), PASSING_PLAN);
    const outside = memoryTerminal();
    expect(await simulate(join(elsewhere, 'quick.plan.yml'), outside.term, { cwd: dir })).toBe(1);
    expect(outside.err()).toMatch(/is outside .*pass --cwd DIR/);
    const unnamed = memoryTerminal();
    expect(await simulate(join(dir, 'quick.yml'), unnamed.term, { cwd: dir })).toBe(1);
    expect(unnamed.err()).toContain('it would not find quick.yml');
    expect(unnamed.err()).toContain('Rename it to end in .plan.yml');
    expect(existsSync(join(dir, 'log.txt'))).toBe(false);
  });
});

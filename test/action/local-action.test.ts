/**
 * `npx @github/local-action run . src/action/main.ts <env>`, the way GitHub's own tool runs an
 * Action from source, against the fake GitHub: it imports main.ts and calls `run()` itself, so the
 * Action must do its work exactly once (one review, one gate), with the outputs of that run.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkspace, runnerEnv, runnerFiles } from '../support/action.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LOCAL_ACTION = join(ROOT, 'node_modules/@github/local-action/bin/local-action.js');
const BASE = 'b'.repeat(40);
const HEAD = '1'.repeat(40);
const PLAN = `version: 1
title: Say hello
steps:
  - name: Greet
    run: echo hello
    estimate: 1m
verify:
  tests: echo ok
`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** The dotenv file local-action reads: every runner variable and input, one `KEY="value"` a line. */
function dotenv(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([key]) => key !== 'PATH' && key !== 'HOME')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join('\n');
}

function localAction(envFile: string, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [LOCAL_ACTION, 'run', ROOT, 'src/action/main.ts', envFile],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('@github/local-action', () => {
  const fake = useFakeGitHub();

  it('runs the Action from source exactly once: one review, one gate, the outputs of that run', async () => {
    fake().addPullRequest({
      number: 7,
      user: 'alice',
      headSha: HEAD,
      baseSha: BASE,
      files: [{ filename: 'deploy/hello.plan.yml', content: PLAN }],
    });
    const payload = pullRequestEvent('opened', { number: 7, user: 'alice', headSha: HEAD, baseSha: BASE });
    const files = runnerFiles(payload);
    const workspace = makeWorkspace();
    cleanups.push(() => rmSync(files.scratch, { recursive: true, force: true }));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
    const envFile = join(files.scratch, 'local-action.env');
    writeFileSync(
      envFile,
      dotenv(runnerEnv({ files, event: 'pull_request', apiUrl: fake().url, workspace })),
    );

    const run = await localAction(envFile, ROOT);

    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Running Action');
    const reviews = fake().reviews(7);
    expect(reviews, run.output).toHaveLength(1);
    expect(reviews[0]!.body).toContain('Say hello');
    const names = fake()
      .checkRuns(HEAD)
      .map((check) => check.name)
      .sort();
    expect(names).toEqual(['proceed/plan', 'proceed/verify']);
    expect(fake().comments(7)).toHaveLength(0);
    // local-action prints each output as the (deprecated) set-output command it stands for.
    const outputs = [...run.output.matchAll(/::set-output name=([\w-]+)::(.*)/g)].map((m) => [m[1], m[2]]);
    expect(outputs).toEqual([
      ['state', 'proposed'],
      ['plan-path', 'deploy/hello.plan.yml'],
      ['next-step', ''],
    ]);
  }, 180_000);
});

/**
 * Spawns a bundled action the way the runner does, timing it from spawn to exit. The environment is
 * the one test/support/action.ts gives the Action (its `runAction` always runs dist/index.js, and the
 * cold-start row needs the same environment for the floor's bundle too).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TimedRun {
  code: number;
  wallMs: number;
  /** `performance.now()` when the process was spawned. */
  startedAt: number;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT as written, `name<<DELIM` records included. */
  outputFile: string;
}

export interface SpawnOptions {
  bundle: string;
  apiUrl: string;
  event: string;
  payload: unknown;
  workspace: string;
  env?: Record<string, string>;
}

export const BENCH_INPUTS: Record<string, string> = {
  'github-token': 'ghs_bench_token',
  'plan-files': '**/*.plan.yml,**/*.plan.yaml',
  'policy-file': '.github/proceed.yml',
  mode: 'auto',
};

export async function spawnTimed(o: SpawnOptions): Promise<TimedRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'proceed-bench-run-'));
  const eventPath = join(scratch, 'event.json');
  const outputPath = join(scratch, 'output');
  const summaryPath = join(scratch, 'summary');
  writeFileSync(eventPath, JSON.stringify(o.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: o.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'octo-org/widgets',
    GITHUB_API_URL: o.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: scratch,
    PROCEED_WRITE_INTERVAL_MS: '0',
    ...Object.fromEntries(Object.entries(BENCH_INPUTS).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...o.env,
  };
  try {
    const start = performance.now();
    const child = spawn(process.execPath, [o.bundle], {
      cwd: o.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number>((done, fail) => {
      child.on('error', fail);
      child.on('close', (c) => done(c ?? -1));
    });
    const wallMs = performance.now() - start;
    return { code, wallMs, startedAt: start, stdout, stderr, outputFile: readFileSync(outputPath, 'utf8') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One output's value from GITHUB_OUTPUT's `name<<DELIM\nvalue\nDELIM` records. */
export function outputValue(outputFile: string, name: string): string | undefined {
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(outputFile); m; m = re.exec(outputFile)) if (m[1] === name) return m[3];
  return undefined;
}

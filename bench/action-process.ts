/**
 * Spawns a bundled action the way the runner does, timing it from spawn to exit, in the environment
 * test/support/action.ts gives the Action (`runnerEnv`); the cold-start row runs the floor's bundle
 * in the same one.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { parseOutputs, runnerEnv, runnerFiles } from '../test/support/action.js';

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

export async function spawnTimed(o: SpawnOptions): Promise<TimedRun> {
  const files = runnerFiles(o.payload);
  const env = runnerEnv({
    files,
    event: o.event,
    apiUrl: o.apiUrl,
    workspace: o.workspace,
    inputs: { 'github-token': 'ghs_bench_token' },
    env: o.env,
  });
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
    return {
      code,
      wallMs,
      startedAt: start,
      stdout,
      stderr,
      outputFile: readFileSync(files.outputPath, 'utf8'),
    };
  } finally {
    rmSync(files.scratch, { recursive: true, force: true });
  }
}

/** One output's value from GITHUB_OUTPUT's `name<<DELIM\nvalue\nDELIM` records. */
export function outputValue(outputFile: string, name: string): string | undefined {
  return parseOutputs(outputFile)[name];
}

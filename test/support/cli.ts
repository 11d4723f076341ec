/**
 * The `proceed` CLI as a user runs it: the committed bundle through bin/proceed.js in a child
 * process, colours off, its exit code and whole output returned.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/proceed.js');
/** Longest a CLI run may take before the test gives up on it. */
export const RUN_TIMEOUT_MS = 60_000;

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export function proceed(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 32 * 1024 * 1024, timeout: RUN_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

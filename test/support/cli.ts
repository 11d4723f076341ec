/**
 * The `proceed` CLI as a user runs it: the committed bundle through bin/proceed.js in a child
 * process, colours off, its exit code and whole output returned.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { Terminal } from '../../src/cli/terminal.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin/proceed.js');
/** Longest a CLI run may take before the test gives up on it. */
export const RUN_TIMEOUT_MS = 60_000;

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export function proceed(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        env: { ...process.env, NO_COLOR: '1', ...env },
        maxBuffer: 32 * 1024 * 1024,
        timeout: RUN_TIMEOUT_MS,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A Terminal whose output is kept in memory, for running a CLI command in-process. */
export function memoryTerminal() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return {
    term: new Terminal(new PassThrough(), stdout, stderr),
    out: () => out,
    err: () => err,
  };
}

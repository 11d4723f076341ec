/**
 * Runs the committed Action bundle (`dist/index.js`) as the runner would: a child process with the
 * runner's variables, the event in a file, inputs as INPUT_* and a real git clone as the workspace,
 * pointed at the fake GitHub through GITHUB_API_URL.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeGitHub } from './fake-github/index.js';

export const BUNDLE = resolve(import.meta.dirname, '../../dist/index.js');

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunActionOptions {
  fake: FakeGitHub;
  event: string;
  payload: unknown;
  repository?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** The workspace; default a fresh git clone made by `makeWorkspace`. */
  workspace?: string;
  /** Called with the running process, e.g. to kill it mid-step like a runner that dies. */
  onStart?: (child: ChildProcess) => void;
}

/** A throwaway git repository standing in for the runner's checkout. */
export function makeWorkspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'proceed-ws-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  for (const [path, content] of Object.entries({ 'README.md': 'workspace\n', ...files }))
    writeFileSync(join(dir, path), content);
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  return dir;
}

/** Parses GITHUB_OUTPUT's `name<<DELIM\nvalue\nDELIM` records. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[3]!;
  return out;
}

export async function runAction(o: RunActionOptions): Promise<ActionRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'proceed-run-'));
  const workspace = o.workspace ?? makeWorkspace();
  const eventPath = join(scratch, 'event.json');
  const outputPath = join(scratch, 'output');
  const summaryPath = join(scratch, 'summary');
  writeFileSync(eventPath, JSON.stringify(o.payload));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs: Record<string, string> = {
    'github-token': 'ghs_test_token',
    'plan-files': '**/*.plan.yml,**/*.plan.yaml',
    'policy-file': '.github/proceed.yml',
    mode: 'auto',
    ...o.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? scratch,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: o.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: o.repository ?? 'octo-org/widgets',
    GITHUB_API_URL: o.fake.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: scratch,
    PROCEED_WRITE_INTERVAL_MS: '0',
    PROCEED_POLL_INTERVAL_MS: '100',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...o.env,
  };
  const child = spawn(process.execPath, [BUNDLE], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  o.onStart?.(child);
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
  const run: ActionRun = {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
  };
  rmSync(scratch, { recursive: true, force: true });
  if (!o.workspace) rmSync(workspace, { recursive: true, force: true });
  return run;
}

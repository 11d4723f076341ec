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
import { issueCommentEvent } from './payloads.js';

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
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[3]!;
  return out;
}

/** The Action's inputs as action.yml's defaults give them, with a test token. */
export const DEFAULT_INPUTS: Record<string, string> = {
  'github-token': 'ghs_test_token',
  'plan-files': '**/*.plan.yml,**/*.plan.yaml',
  'policy-file': '.github/proceed.yml',
  mode: 'auto',
};

/** The files a runner gives a job (the event, GITHUB_OUTPUT, the job summary), in a scratch directory of their own. */
export interface RunnerFiles {
  scratch: string;
  eventPath: string;
  outputPath: string;
  summaryPath: string;
}

export function runnerFiles(payload: unknown): RunnerFiles {
  const scratch = mkdtempSync(join(tmpdir(), 'proceed-run-'));
  const files = {
    scratch,
    eventPath: join(scratch, 'event.json'),
    outputPath: join(scratch, 'output'),
    summaryPath: join(scratch, 'summary'),
  };
  writeFileSync(files.eventPath, JSON.stringify(payload));
  writeFileSync(files.outputPath, '');
  writeFileSync(files.summaryPath, '');
  return files;
}

export interface RunnerEnvOptions {
  files: RunnerFiles;
  event: string;
  apiUrl: string;
  workspace: string;
  repository?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
}

/**
 * The environment the runner gives a JavaScript action: its variables, the inputs as INPUT_*, and
 * the API pointed at the fake. Writes unthrottled (GitHub's 1 s spacing would time the throttle)
 * and a running execution polling every 100 ms, unless `env` says otherwise.
 */
export function runnerEnv(o: RunnerEnvOptions): Record<string, string> {
  const inputs = { ...DEFAULT_INPUTS, ...o.inputs };
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? o.files.scratch,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: o.event,
    GITHUB_EVENT_PATH: o.files.eventPath,
    GITHUB_REPOSITORY: o.repository ?? 'octo-org/widgets',
    GITHUB_API_URL: o.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_OUTPUT: o.files.outputPath,
    GITHUB_STEP_SUMMARY: o.files.summaryPath,
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: o.files.scratch,
    PROCEED_WRITE_INTERVAL_MS: '0',
    PROCEED_POLL_INTERVAL_MS: '100',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...o.env,
  };
}

export interface StartActionOptions extends Omit<RunActionOptions, 'onStart'> {
  /**
   * Keep at most this many characters of each of stdout and stderr (the newest), and of `tail`, both
   * interleaved as they came: a step may print a gigabyte, and the harness must not hold it all.
   * Default: everything.
   */
  keep?: number;
}

export interface ActionExit extends ActionRun {
  signal: NodeJS.Signals | null;
  /** The newest output of stdout and stderr together, in the order it came. */
  tail: string;
}

export interface StartedAction {
  child: ChildProcess;
  pid: number;
  exit: Promise<ActionExit>;
}

/**
 * Starts the Action bundle on one event as the runner would; `exit` settles when the process has
 * ended (also when it was killed before writing any output). The one runner of the bundle for the
 * tests, the reliability suite and the bench.
 */
export function startAction(o: StartActionOptions): StartedAction {
  const files = runnerFiles(o.payload);
  const workspace = o.workspace ?? makeWorkspace();
  const env = runnerEnv({ ...o, files, apiUrl: o.fake.url, workspace });
  const child = spawn(process.execPath, [BUNDLE], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = o.keep ?? Infinity;
  const kept = (text: string) => (text.length > keep ? text.slice(-keep) : text);
  let stdout = '';
  let stderr = '';
  let tail = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout = kept(stdout + c.toString());
    tail = kept(tail + c.toString());
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr = kept(stderr + c.toString());
    tail = kept(tail + c.toString());
  });
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return ''; // killed before the runner's files were read back
    }
  };
  const exit = new Promise<ActionExit>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const run: ActionExit = {
        code: code ?? -1,
        signal,
        stdout,
        stderr,
        tail,
        outputs: parseOutputs(read(files.outputPath)),
        summary: read(files.summaryPath),
      };
      rmSync(files.scratch, { recursive: true, force: true });
      if (!o.workspace) rmSync(workspace, { recursive: true, force: true });
      done(run);
    });
  });
  return { child, pid: child.pid!, exit };
}

/** Runs the Action bundle on one event to its end, keeping all its output. */
export async function runAction(o: RunActionOptions): Promise<ActionRun> {
  const started = startAction(o);
  o.onStart?.(started.child);
  return started.exit;
}

export type CommentRunOptions = Omit<RunActionOptions, 'event' | 'payload'> & {
  user: string;
  body: string;
  /** Default 7, the pull request the tests seed. */
  number?: number;
  /** Who opened the pull request (default alice). */
  prAuthor?: string;
  /** When the payload says the comment was written (default: GitHub's time of the comment). */
  createdAt?: string;
};

/**
 * Writes a comment on the fake's pull request and runs the Action on its `issue_comment` event, as
 * GitHub starts a workflow run for it. The comment is written at once; `run` settles when the run ends.
 */
export function commentRun(o: CommentRunOptions): { comment: { id: number }; run: Promise<ActionRun> } {
  const { user, body, number = 7, prAuthor = 'alice', createdAt, ...rest } = o;
  const comment = o.fake.addComment(number, { user, body });
  const payload = issueCommentEvent('created', {
    number,
    user,
    body,
    commentId: comment.id,
    prAuthor,
    ...(createdAt ? { createdAt } : {}),
  });
  return { comment, run: runAction({ ...rest, event: 'issue_comment', payload }) };
}

/**
 * The Action as the runner starts it: the committed bundle `dist/index.js` in a child process, with
 * the runner's variables, against the OpenAPI-checked fake GitHub and a local git server. Unlike
 * test/support/action.ts, the child's output is counted and only its tail kept (a step may print a
 * gigabyte, and the Action echoes nothing of it, but the harness must not hold it either), and the
 * child is handed back while it runs, to be killed or sampled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { BUNDLE, makeWorkspace, parseOutputs, runnerEnv, runnerFiles } from '../../test/support/action.js';
import type { FakeGitHub } from '../../test/support/fake-github/index.js';

export { BUNDLE };

/** The token every Action run gets; the fake may map it to an identity (`tokens`). */
export const ACTION_TOKEN = 'ghs_reliability_token';

/** How much of the Action's own stdout and stderr is kept for the report when something goes wrong. */
const KEPT_OUTPUT = 16 * 1024;

export interface ActionExit {
  code: number;
  signal: NodeJS.Signals | null;
  /** The last bytes of stdout and stderr, for a failure's detail. */
  tail: string;
  outputs: Record<string, string>;
}

export interface StartedAction {
  child: ChildProcess;
  pid: number;
  exit: Promise<ActionExit>;
}

export interface ActionOptions {
  fake: FakeGitHub;
  event: string;
  payload: unknown;
  /** Added to the runner's variables (RUN_LOG, GITHUB_SERVER_URL of the git remote, GITHUB_RUN_ID …). */
  env?: Record<string, string>;
}

/** Starts the Action on one event; `exit` settles when the process has ended. */
export function startAction(o: ActionOptions): StartedAction {
  const files = runnerFiles(o.payload);
  const workspace = makeWorkspace();
  const env = runnerEnv({
    files,
    event: o.event,
    apiUrl: o.fake.url,
    workspace,
    inputs: { 'github-token': ACTION_TOKEN },
    env: o.env,
  });
  const child = spawn(process.execPath, [BUNDLE], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<ActionExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let outputs: Record<string, string> = {};
      try {
        outputs = parseOutputs(readFileSync(files.outputPath, 'utf8'));
      } catch {
        /* killed before writing any */
      }
      rmSync(files.scratch, { recursive: true, force: true });
      rmSync(workspace, { recursive: true, force: true });
      resolve({ code: code ?? -1, signal, tail, outputs });
    });
  });
  return { child, pid: child.pid!, exit };
}

/** Runs the Action on one event to its end. */
export async function runAction(o: ActionOptions): Promise<ActionExit> {
  return startAction(o).exit;
}

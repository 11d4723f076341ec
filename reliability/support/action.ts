/**
 * The Action as the runner starts it: the committed bundle `dist/index.js` in a child process, with
 * the runner's variables, against the OpenAPI-checked fake GitHub and a local git server. Unlike
 * test/support/action.ts, the child's output is counted and only its tail kept (a step may print a
 * gigabyte, and the Action echoes nothing of it, but the harness must not hold it either), and the
 * child is handed back while it runs, to be killed or sampled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE, makeWorkspace } from '../../test/support/action.js';
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
  const scratch = mkdtempSync(join(tmpdir(), 'proceed-rel-run-'));
  const workspace = makeWorkspace();
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
    'INPUT_GITHUB-TOKEN': ACTION_TOKEN,
    'INPUT_PLAN-FILES': '**/*.plan.yml,**/*.plan.yaml',
    'INPUT_POLICY-FILE': '.github/proceed.yml',
    INPUT_MODE: 'auto',
    ...o.env,
  };
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
        outputs = parseOutputs(readFileSync(outputPath, 'utf8'));
      } catch {
        /* killed before writing any */
      }
      rmSync(scratch, { recursive: true, force: true });
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

/** GITHUB_OUTPUT's `name<<DELIM\nvalue\nDELIM` records. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[3]!;
  return out;
}

/**
 * The Action as the reliability suite runs it: test/support/action.ts's runner with the suite's token,
 * keeping only the tail of the output (a step may print a gigabyte, and the harness must not hold it),
 * and the child handed back while it runs, to be killed or sampled.
 */
import { BUNDLE, startAction as startBundle, type ActionExit, type StartedAction } from './action.js';
import type { FakeGitHub } from './fake-github/index.js';

export { BUNDLE };

/** The token every Action run gets; the fake may map it to an identity (`tokens`). */
export const ACTION_TOKEN = 'ghs_reliability_token';

/** How much of the Action's own stdout and stderr is kept for the report when something goes wrong. */
const KEPT_OUTPUT = 16 * 1024;

export type { ActionExit, StartedAction };

export interface ActionOptions {
  fake: FakeGitHub;
  event: string;
  payload: unknown;
  /** Added to the runner's variables (RUN_LOG, GITHUB_SERVER_URL of the git remote, GITHUB_RUN_ID …). */
  env?: Record<string, string>;
}

/** Starts the Action on one event with the suite's token, keeping only the tail of its output. */
export function startAction(o: ActionOptions): StartedAction {
  return startBundle({ ...o, inputs: { 'github-token': ACTION_TOKEN }, keep: KEPT_OUTPUT });
}

/** Runs the Action on one event to its end. */
export async function runAction(o: ActionOptions): Promise<ActionExit> {
  return startAction(o).exit;
}

/**
 * What of the environment reaches a step. Steps inherit the job's environment, as workflow steps
 * do, except the runner's channels to the job itself: with them a step could write the Action's
 * outputs (`state=verified` to $GITHUB_OUTPUT), its summary, the job's later environment and PATH,
 * or the Actions cache of the default branch's scope. The OIDC request variables stay: a workflow
 * that grants `id-token: write` means its deploy steps to use them.
 */

/** Variables the runner gives the Action for itself; never handed to a step. */
export const RUNNER_CHANNELS = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'GITHUB_OUTPUT',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
] as const;

const channels: ReadonlySet<string> = new Set(RUNNER_CHANNELS);

/** `env` without the runner's channels and without any action input (`INPUT_*`, the token among them). */
export function stepEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !channels.has(key.toUpperCase()) && !/^INPUT_/i.test(key)),
  );
}

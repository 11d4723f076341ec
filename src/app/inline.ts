import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  coverable,
  DEFAULT_STEP_USER,
  handOver,
  makeExecutionDirectory,
  prepareWorkspaceBase,
  probeIsolation,
  StepSandbox,
  workspaceBase,
  type StepUser,
} from '../execute/sandbox.js';
import { appCredentials, secretsInEnvironment } from '../execute/secrets.js';
import { checkoutApproved } from '../execute/checkout.js';
import type { PlanRunner } from '../gate/view.js';
import { ConfigError, DEFAULT_LOCK_HEARTBEAT_MS, type AppConfig } from './config.js';

export interface InlineRunner {
  runner: PlanRunner;
  /** Removes every workspace this runner made; call it when the event is done, whatever happened. */
  cleanup(): Promise<void>;
}

/** How inline steps are kept from the app, decided once when the app starts (`inlineIsolation`). */
export type InlineIsolation =
  | {
      kind: 'isolated';
      user: StepUser;
      /** Holds the executions' directories: root's, mode 0711, covered in every execution's namespace. */
      base: string;
      /** Covered in every execution's namespace: the app's directory (its .env) and its key file. */
      hide: string[];
    }
  | { kind: 'unisolated'; reason: string };

/**
 * Whether inline steps can run isolated (as PROCEED_INLINE_USER, default `proceed-step`, in
 * namespaces of their execution), said in the log at start. Without isolation a step can read the
 * app's environment, files and memory, its private key among them: under NODE_ENV=production that
 * stops the app (a ConfigError) unless the operator sets PROCEED_INLINE_UNISOLATED=1.
 */
export function inlineIsolation(
  env: NodeJS.ProcessEnv,
  log: { info: (line: string) => void; warn: (line: string) => void },
): InlineIsolation {
  const userName = (env.PROCEED_INLINE_USER ?? '').trim() || DEFAULT_STEP_USER;
  const probe = probeIsolation(userName);
  if (probe.available) {
    const base = workspaceBase(tmpdir());
    const hide = coverable([process.cwd(), ...(env.PRIVATE_KEY_PATH ? [env.PRIVATE_KEY_PATH] : [])], base);
    log.info(
      `proceed: inline steps run as ${userName} (uid ${probe.user.uid}) in PID and mount namespaces of their own execution; ` +
        `hidden from them: the other executions in ${base}${hide.length ? `, ${hide.join(', ')}` : ''}.`,
    );
    return { kind: 'isolated', user: probe.user, base, hide };
  }
  const production = env.NODE_ENV === 'production';
  if (production && env.PROCEED_INLINE_UNISOLATED !== '1') {
    throw new ConfigError(
      `PROCEED_EXECUTOR is inline under NODE_ENV=production, but steps cannot be isolated: ${probe.reason}. ` +
        'Fix that; or use PROCEED_EXECUTOR=dispatch (steps run on GitHub Actions runners, away from the app); ' +
        "or set PROCEED_INLINE_UNISOLATED=1 to run steps as the app's own user, where a step can read the app's private key.",
    );
  }
  log.warn(
    `proceed: inline steps are NOT isolated: ${probe.reason}. A step can read the app's environment, files and memory, ` +
      `its private key among them${production ? ' (PROCEED_INLINE_UNISOLATED=1 allows it)' : '; under NODE_ENV=production the app refuses to start so'}.`,
  );
  return { kind: 'unisolated', reason: probe.reason };
}

/**
 * The `inline` executor: each execution gets a fresh temporary clone of exactly the approved commit,
 * fetched with the installation token (through git's environment, never a URL or `.git/config`).
 * Isolated, the clone is in `<tmp>/proceed-inline/run-<random>`, owned by the step user, mode 0700,
 * and its steps run in the execution's namespaces; otherwise in `<tmp>/proceed-app-<random>`.
 * Nothing is kept between events: the app holds no state that matters.
 */
export function inlineRunner(
  config: AppConfig,
  where: { owner: string; repo: string },
  installationToken: () => Promise<string>,
  log: (line: string) => void,
  isolation: InlineIsolation = { kind: 'unisolated', reason: 'not asked for' },
  appEnv: NodeJS.ProcessEnv = process.env,
): InlineRunner {
  const made: string[] = [];
  const sandboxes: StepSandbox[] = [];
  // The app's own credentials are masked whatever reaches a step; the token is added when a
  // workspace is made, and the executor reads the list after that.
  const secrets: string[] = [...secretsInEnvironment(config.stepEnv), ...appCredentials(appEnv)];
  const scratchDirectory = async (): Promise<string> => {
    if (isolation.kind === 'unisolated') return mkdtemp(join(tmpdir(), 'proceed-app-'));
    await prepareWorkspaceBase(isolation.base);
    return makeExecutionDirectory(isolation.base);
  };
  return {
    runner: {
      workspace: async (sha, number) => {
        let scratch: string;
        try {
          scratch = await scratchDirectory();
        } catch (err) {
          return {
            ok: false,
            message: `cannot make a temporary workspace in ${tmpdir()}: ${(err as Error).message} — free disk space or set TMPDIR.`,
          };
        }
        made.push(scratch);
        const token = await installationToken();
        secrets.push(token);
        // An empty `workspace` is never reused: the clone always goes to `scratch`.
        const checkout = await checkoutApproved({
          workspace: '',
          scratch,
          serverUrl: config.gitUrl,
          owner: where.owner,
          repo: where.repo,
          sha,
          prNumber: number,
          token,
          log,
        });
        if (!checkout.ok || isolation.kind === 'unisolated') return checkout;
        try {
          await handOver(scratch, isolation.user);
          sandboxes.push(
            await StepSandbox.open({
              root: scratch,
              base: isolation.base,
              user: isolation.user,
              hide: isolation.hide,
            }),
          );
        } catch (err) {
          return {
            ok: false,
            message: `cannot isolate the steps of this execution: ${(err as Error).message}. Nothing was run.`,
          };
        }
        return { ok: true, dir: checkout.dir };
      },
      holder: {
        kind: 'app',
        id: config.instanceId,
        heartbeatMs: config.lockHeartbeatMs ?? DEFAULT_LOCK_HEARTBEAT_MS,
      },
      env: config.stepEnv,
      secrets,
      pollMs: config.pollMs,
    },
    cleanup: async () => {
      await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

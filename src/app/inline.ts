import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretsInEnvironment } from '../execute/secrets.js';
import { checkoutApproved } from '../execute/checkout.js';
import type { PlanRunner } from '../gate/view.js';
import { DEFAULT_LOCK_HEARTBEAT_MS, type AppConfig } from './config.js';

export interface InlineRunner {
  runner: PlanRunner;
  /** Removes every workspace this runner made; call it when the event is done, whatever happened. */
  cleanup(): Promise<void>;
}

/**
 * The `inline` executor: each execution gets a fresh temporary clone of exactly the approved commit,
 * fetched with the installation token (through git's environment, never a URL or `.git/config`), in
 * `<tmp>/proceed-app-<random>`. Nothing is kept between events: the app holds no state that matters.
 */
export function inlineRunner(
  config: AppConfig,
  where: { owner: string; repo: string },
  installationToken: () => Promise<string>,
  log: (line: string) => void,
): InlineRunner {
  const made: string[] = [];
  // Filled when a workspace is made: the executor reads it after that, to mask the token in posted logs.
  const secrets: string[] = secretsInEnvironment(config.stepEnv);
  return {
    runner: {
      workspace: async (sha, number) => {
        let scratch: string;
        try {
          scratch = await mkdtemp(join(tmpdir(), 'proceed-app-'));
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
        return checkout.ok ? { ok: true, dir: checkout.dir } : checkout;
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
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

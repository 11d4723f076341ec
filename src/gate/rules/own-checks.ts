/**
 * Only the bot's own check runs carry state (issue 12, attack 2). Any app, and every workflow, can
 * create a check run named `proceed/<step>` or `proceed/verify`: a forged success must not skip a step
 * on resume, and a foreign open check run must never be patched (GitHub answers 403 to anyone but its
 * creator). Every read of check runs goes through `ownCheckRuns`, whichever door the gate runs behind.
 */
import type { CheckRunInfo, GitHubPort } from '../port.js';

/** The app slug behind a bot login: `proceed-app[bot]` → `proceed-app`, `github-actions[bot]` → `github-actions`. */
export function appSlugOf(botLogin: string): string {
  return botLogin.replace(/\[bot\]$/i, '').toLowerCase();
}

/** The check runs the bot's own app created; those of other apps and workflows are left out. */
export function ownCheckRuns(checks: CheckRunInfo[], botLogin: string): CheckRunInfo[] {
  const slug = appSlugOf(botLogin);
  return checks.filter((c) => c.appSlug?.toLowerCase() === slug);
}

/** The port with `listCheckRuns` answering only the bot's own check runs; everything else as it was. */
export function portTrustingOwnChecks(port: GitHubPort, botLogin: string): GitHubPort {
  const listOwn = async (sha: string, name?: string) =>
    ownCheckRuns(await port.listCheckRuns(sha, name), botLogin);
  return new Proxy(port, {
    get(target, prop) {
      if (prop === 'listCheckRuns') return listOwn;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

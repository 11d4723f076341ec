/**
 * The one line the Action fails with when an error escaped the gate (an API failure that outlived
 * the retries, or a bug): what happened, without a stack trace, and what the user can do about it.
 */
import { httpStatus } from '../github/octokit.js';

const RESUME =
  'Steps that finished keep their check runs and are not run again; the lock this run held counts as ' +
  'ended once the run is over. To resume, comment `/proceed` on the pull request (or re-run this job) once ' +
  'GitHub answers again.';

/** Why the Action stopped, for `core.setFailed`. */
export function stoppedMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = httpStatus(err);
  const network = networkCode(err);
  if (network)
    return `proceed stopped: could not reach the GitHub API (${network}: ${message}). Check GITHUB_API_URL and the runner's network. ${RESUME}`;
  if (code === undefined)
    return `proceed stopped: ${message}. Re-run the job; if it persists, report it with this log.`;
  if (code >= 500 || code === 429)
    return `proceed stopped: GitHub kept failing after retries: ${message} (HTTP ${code}). ${RESUME}`;
  if (code === 401 || code === 403)
    return `proceed stopped: ${message} (HTTP ${code}). Check the token's permissions (the README's workflow lists them).`;
  return `proceed stopped: ${message} (HTTP ${code}). Re-run the job; if it persists, report it with this log.`;
}

/** A Node network error code (ECONNREFUSED, ENOTFOUND, …) anywhere in the error's cause chain. */
function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

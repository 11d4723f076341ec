/**
 * What to tell a user when a call to GitHub's API failed for good (after the retries): a network
 * failure says the API could not be reached and why (ECONNREFUSED, DNS, TLS, timeout), an HTTP
 * answer says its status, so nobody is sent to check a token's permissions when the host was down.
 */
import { httpStatus } from './octokit.js';

/** System error codes that mean the request never got an HTTP answer, and what each means. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name did not resolve (DNS)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection broke',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate could not be verified",
};

/** The first system error code in an error's `cause` chain (fetch wraps it twice), if any. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let at = err, depth = 0; at && typeof at === 'object' && depth < 6; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && (code in NETWORK_CODES || /^E[A-Z_]+$/.test(code))) return code;
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * One sentence about a failed API call, with what to do: `apiUrl` names where the API was
 * expected (GITHUB_API_URL, the app's base URL); `resume` says how to go on after a server error.
 */
export function apiFailureMessage(err: unknown, apiUrl: string, resume?: string): string {
  const message = (err as Error | undefined)?.message ?? String(err);
  const code = networkErrorCode(err);
  if (code) {
    const why = NETWORK_CODES[code] ?? 'the request got no answer';
    return (
      `could not reach the GitHub API at ${apiUrl}: ${why} (${code}: ${message}). ` +
      'Check that the API URL is right and the host is reachable from here, then run it again.'
    );
  }
  const status = httpStatus(err);
  if (status === 401)
    return `the GitHub API at ${apiUrl} refused the token (HTTP 401: ${message}). Check that the token is valid and not expired.`;
  if (status === 403 || status === 404)
    return (
      `the GitHub API at ${apiUrl} answered HTTP ${status}: ${message}. ` +
      "Check the token's permissions (see the README's permissions) and that the repository exists."
    );
  if (status !== undefined && status >= 500)
    return `the GitHub API at ${apiUrl} kept failing after retries (HTTP ${status}: ${message}). ${resume ?? 'Run it again later.'}`;
  return `${message}${status === undefined ? '' : ` (HTTP ${status})`}. Run it again; if it persists, report it.`;
}

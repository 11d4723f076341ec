/**
 * `mode: execute` with `app-url`: the token the dispatched workflow works with comes from the app,
 * traded for the job's GitHub Actions OIDC token (`permissions: id-token: write`), so the repository
 * holds no private key. The token is restricted to this repository and revoked when the Action ends.
 */
import * as core from '@actions/core';
import type { Octokit } from '@octokit/core';

/** The path the app serves the exchange on (src/app/token-exchange.ts, TOKEN_EXCHANGE_PATH). */
const EXCHANGE_PATH = '/proceed/token';
/** Connection failures (the request never arrived) are tried again this often; an answer is final. */
const CONNECT_ATTEMPTS = 3;

export interface AppToken {
  token: string;
  /** The app's bot (`<slug>[bot]`), whose review and check runs the execution continues. */
  botLogin: string;
  expiresAt: string;
}

export interface AppTokenOptions {
  /** The job's OIDC token for an audience; `core.getIDToken` on a runner. */
  idToken?: (audience: string) => Promise<string>;
  log?: (line: string) => void;
}

/** Trades the job's OIDC token for the app's installation token, or throws saying why the app refused. */
export async function tokenFromApp(appUrl: string, options: AppTokenOptions = {}): Promise<AppToken> {
  const base = appUrl.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base))
    throw new Error(
      `The app-url input is "${appUrl}": give the proceed app's URL, e.g. https://proceed.example.com.`,
    );
  let idToken: string;
  try {
    // The app expects its own URL as the audience, so a token meant for anything else is useless to it.
    idToken = await (options.idToken ?? ((audience) => core.getIDToken(audience)))(base);
  } catch (err) {
    throw new Error(
      `Cannot get the job's OIDC token (${(err as Error).message.replace(/\s+/g, ' ').trim()}): ` +
        'the proceed workflow needs `permissions: { id-token: write }`.',
    );
  }
  const url = `${base}${EXCHANGE_PATH}`;
  let response: Response | undefined;
  for (let attempt = 1; !response; attempt++) {
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token: idToken }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      if (attempt >= CONNECT_ATTEMPTS) throw new Error(`Cannot reach the proceed app at ${url} (${cause}).`);
      options.log?.(`proceed: the app at ${url} did not answer (${cause}); trying again.`);
      await new Promise((done) => setTimeout(done, 2_000 * attempt));
    }
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not the app (a proxy's error page): said below with the status.
  }
  if (!response.ok || typeof body.token !== 'string' || typeof body.bot_login !== 'string') {
    const said =
      typeof body.message === 'string' ? body.message : `HTTP ${response.status} ${text.slice(0, 200)}`;
    throw new Error(`The proceed app at ${base} gave no token (HTTP ${response.status}): ${said}`);
  }
  core.setSecret(body.token);
  return { token: body.token, botLogin: body.bot_login, expiresAt: String(body.expires_at ?? '') };
}

/** Revokes the token the octokit holds (`DELETE /installation/token`), so it is useless once the execution ended. */
export async function revokeToken(octokit: Octokit): Promise<void> {
  await octokit.request('DELETE /installation/token');
}

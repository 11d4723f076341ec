/** The Action's side of the dispatch token exchange: what a workflow author is told when it cannot get the app's token. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenFromApp } from '../../src/action/app-token.js';

let server: Server | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = undefined;
});

/** A stand-in for the app (or a proxy in front of it) that answers every request the same way. */
async function answering(status: number, body: string, contentType = 'application/json'): Promise<string> {
  server = createServer((_req, res) => res.writeHead(status, { 'content-type': contentType }).end(body));
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('trading the job’s OIDC token for the app’s token', () => {
  it('says the workflow needs id-token: write when the runner offers no OIDC token', async () => {
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', '');
    await expect(tokenFromApp('https://proceed.example.com')).rejects.toThrow(
      /Cannot get the job's OIDC token .*needs `permissions: \{ id-token: write \}`/,
    );
  });

  it('refuses an app-url that is not a URL', async () => {
    await expect(tokenFromApp('proceed.example.com', { idToken: async () => 'a.b.c' })).rejects.toThrow(
      /The app-url input is "proceed.example.com": give the proceed app's URL/,
    );
  });

  it('asks for a token whose audience is the app’s URL, and returns the app’s token and login', async () => {
    const url = await answering(
      201,
      JSON.stringify({ token: 'ghs_x', bot_login: 'p[bot]', expires_at: 'soon' }),
    );
    const audiences: string[] = [];
    const token = await tokenFromApp(`${url}/`, {
      idToken: async (audience) => {
        audiences.push(audience);
        return 'a.b.c';
      },
    });
    expect(audiences).toEqual([url]);
    expect(token).toEqual({ token: 'ghs_x', botLogin: 'p[bot]', expiresAt: 'soon' });
  });

  it('passes on the app’s reason for a refusal', async () => {
    const url = await answering(
      403,
      JSON.stringify({ reason: 'wrong-workflow', message: 'proceed refused the token: no.' }),
    );
    await expect(tokenFromApp(url, { idToken: async () => 'a.b.c' })).rejects.toThrow(
      `The proceed app at ${url} gave no token (HTTP 403): proceed refused the token: no.`,
    );
  });

  it('says what answered when it is not the app (a proxy’s error page)', async () => {
    const url = await answering(502, '<html>Bad Gateway</html>', 'text/html');
    await expect(tokenFromApp(url, { idToken: async () => 'a.b.c' })).rejects.toThrow(
      /gave no token \(HTTP 502\): HTTP 502 <html>Bad Gateway<\/html>/,
    );
  });
});

/**
 * The Action's bundle with GitHub's API out of reach: the job fails with a message that says the
 * API could not be reached and why, never a stack trace, and does not send the user to the token's
 * permissions.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runAction } from '../support/action.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('the Action with the API out of reach', () => {
  const fake = useFakeGitHub();

  it('fails the job saying it could not reach the API (ECONNREFUSED), without a stack trace', async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}`;
    const run = await runAction({
      fake: fake(),
      event: 'pull_request',
      payload: pullRequestEvent('opened', {
        number: 7,
        user: 'alice',
        headSha: '1'.repeat(40),
        baseSha: 'b'.repeat(40),
      }),
      env: { GITHUB_API_URL: apiUrl },
    });
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toContain(`::error::proceed stopped: could not reach the GitHub API at ${apiUrl}`);
    expect(output).toContain('ECONNREFUSED');
    expect(output).not.toMatch(/permissions/);
    expect(output).not.toMatch(/\n\s+at /);
    expect(fake().requests).toHaveLength(0);
  }, 120_000);
});

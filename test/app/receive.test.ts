/**
 * `npx probot receive -e pull_request -p <payload> dist/app.js`, Probot's own way to try an app on
 * one delivery: the committed bundle must default-export the app function, work without a server
 * (no `addHandler`), handle the event against the fake GitHub, and, with GitHub out of reach, stop
 * at once with a message saying so and a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { pullRequestEvent } from '../support/payloads.js';
import { APP, BOT, PLAN_PATH, plan, privateKey } from '../support/app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PROBOT = join(ROOT, 'node_modules/probot/lib/bin/probot.js');
const APP_BUNDLE = join(ROOT, 'dist/app.js');
const BASE = 'b'.repeat(40);
const HEAD = '1'.repeat(40);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Received {
  code: number;
  output: string;
  seconds: number;
}

/** Runs `probot receive` in a folder of its own (no developer's .env), the payload in a file. */
function receive(baseUrl: string, payload: unknown): Promise<Received> {
  const cwd = mkdtempSync(join(tmpdir(), 'proceed-receive-'));
  dirs.push(cwd);
  const payloadPath = join(cwd, 'payload.json');
  writeFileSync(payloadPath, JSON.stringify(payload));
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [PROBOT, 'receive', '-e', 'pull_request', '-p', payloadPath, '--base-url', baseUrl, APP_BUNDLE],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: cwd,
          APP_ID: String(APP.id),
          PRIVATE_KEY: privateKey(),
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'json',
        },
        timeout: 150_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        done({ code, output: `${stdout}${stderr}`, seconds: (Date.now() - started) / 1000 });
      },
    );
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const opened = pullRequestEvent('opened', { number: 7, user: 'alice', headSha: HEAD, baseSha: BASE });

describe('probot receive dist/app.js', () => {
  const fake = useFakeGitHub({ app: APP });

  it('loads the app and handles a pull_request against the fake: one review, the gate', async () => {
    fake().addPullRequest({
      number: 7,
      user: 'alice',
      headSha: HEAD,
      baseSha: BASE,
      files: [{ filename: PLAN_PATH, content: plan() }],
    });

    const run = await receive(fake().url, opened);

    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toMatch(/No server instance/);
    const reviews = fake().reviews(7);
    expect(reviews, run.output).toHaveLength(1);
    expect(reviews[0]!.user).toBe(BOT);
    expect(reviews[0]!.body).toContain('Release the widgets service');
    const names = fake()
      .checkRuns(HEAD)
      .map((check) => check.name)
      .sort();
    expect(names).toEqual(['proceed/plan', 'proceed/verify']);
  }, 180_000);

  it('with GitHub out of reach, fails at once with a message saying so and a non-zero exit', async () => {
    const run = await receive(`http://127.0.0.1:${await closedPort()}`, opened);

    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toMatch(/could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.output).toContain('ECONNREFUSED');
    expect(run.output).not.toMatch(/check the token's permissions/);
    // No retries with backoff (1 + 4 + 9 s per request): a generous bound a loaded machine still meets.
    expect(run.seconds, run.output).toBeLessThan(60);
  }, 180_000);
});

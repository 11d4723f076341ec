/**
 * `npm start` as an operator runs it: the committed bundle dist/server.js, configured like
 * .env.example, in a folder of its own (so no developer's .env is read).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_EVENTS, DISPATCH_EVENTS } from '../../src/app/index.js';
import { freePort } from '../support/free-port.js';
import { WEBHOOK_SECRET, privateKey, until } from '../support/app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist/server.js');

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number>;
}

function npmStart(env: Record<string, string>): Started {
  const cwd = mkdtempSync(join(tmpdir(), 'proceed-start-'));
  dirs.push(cwd);
  const child = spawn(process.execPath, [BUNDLE], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  // 'close', not 'exit': 'exit' can come before the pipes are drained, and the message would be lost.
  const exited = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
  return { child, output: () => output, exited };
}

async function healthy(url: string, child: ChildProcess): Promise<Response> {
  for (const started = Date.now(); Date.now() - started < 15_000;) {
    if (child.exitCode !== null) throw new Error('the app exited');
    try {
      return await fetch(`${url}/healthz`);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('the app did not answer /healthz within 15 s');
}

describe('npm start', () => {
  it('serves /healthz and refuses an unsigned webhook, with the variables of .env.example', async () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const name of ['APP_ID', 'PRIVATE_KEY', 'WEBHOOK_SECRET', 'PROCEED_EXECUTOR'])
      expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    const port = await freePort();
    const app = npmStart({
      APP_ID: '1',
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET,
      PROCEED_EXECUTOR: 'inline',
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const url = `http://127.0.0.1:${port}`;
    const health = await healthy(url, app.child);
    expect(health.status, app.output()).toBe(200);
    expect(await health.text()).toBe('ok');
    const unsigned = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issue_comment',
        'x-github-delivery': '1',
      },
      body: JSON.stringify({ action: 'created' }),
    });
    expect([400, 401]).toContain(unsigned.status);
  });

  it('serves the dispatch token exchange at POST /proceed/token, refusing a request without a token', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const app = npmStart({
      APP_ID: '1',
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET,
      PROCEED_EXECUTOR: 'dispatch',
      PROCEED_APP_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    expect((await healthy(url, app.child)).status, app.output()).toBe(200);
    const answer = await fetch(`${url}/proceed/token`, { method: 'POST', body: '{"token": 3}' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ reason: 'malformed' });
    await until(() => /refused a token exchange from 127\.0\.0\.1 \(malformed\)/.test(app.output()));
  });

  it('logs a badly signed webhook in one line, without stack traces or its payload', async () => {
    const port = await freePort();
    const app = npmStart({
      APP_ID: '1',
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const url = `http://127.0.0.1:${port}`;
    expect((await healthy(url, app.child)).status, app.output()).toBe(200);
    const forged = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issue_comment',
        'x-github-delivery': 'forged-1',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({ action: 'created', comment: { body: 'FORGED-PAYLOAD' } }),
    });
    expect(forged.status).toBe(400);
    for (let waited = 0; !/webhook refused/.test(app.output()) && waited < 10_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    const lines = app
      .output()
      .split('\n')
      .filter((line) => /signature|signed|refused/i.test(line));
    expect(lines, app.output()).toEqual([
      expect.stringContaining(
        'webhook refused: delivery forged-1 (issue_comment) is not signed with WEBHOOK_SECRET',
      ),
    ]);
    expect(app.output()).not.toContain('FORGED-PAYLOAD');
    expect(app.output()).not.toMatch(/\n\s+at /);
  });

  it('serves /healthz in setup mode too (no APP_ID yet), beside the setup page', async () => {
    const port = await freePort();
    const app = npmStart({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const url = `http://127.0.0.1:${port}`;
    const health = await healthy(url, app.child);
    expect(health.status, app.output()).toBe(200);
    expect(await health.text()).toBe('ok');
    expect(app.output()).toMatch(/setup mode/);
  });

  it('stops with a message naming the setting when PROCEED_EXECUTOR is not inline or dispatch', async () => {
    const app = npmStart({
      APP_ID: '1',
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET,
      PROCEED_EXECUTOR: 'cluster',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/PROCEED_EXECUTOR is "cluster": use inline .* or dispatch/);
    expect(app.output()).not.toMatch(/\n\s+at /);
  });
});

describe('npm start with credentials Probot would quietly replace', () => {
  it.each([
    [{ WEBHOOK_SECRET: '' }, /WEBHOOK_SECRET is not set/],
    [
      { PRIVATE_KEY: '', PRIVATE_KEY_PATH: 'nowhere/app.pem' },
      /PRIVATE_KEY_PATH is "nowhere\/app.pem", which cannot be read/,
    ],
    [{ PRIVATE_KEY: 'garbage' }, /PRIVATE_KEY does not hold a PEM private key/],
    [{ APP_ID: '', PRIVATE_KEY: '', WEBHOOK_SECRET: '', NODE_ENV: 'production' }, /NODE_ENV is production/],
    [{ PROCEED_EXECUTOR: 'dispatch' }, /PROCEED_APP_URL is not set/],
  ])('stops at once, saying what to set: %o', async (override, message) => {
    const app = npmStart({
      APP_ID: '1',
      PRIVATE_KEY: privateKey(),
      WEBHOOK_SECRET,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ...override,
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(message);
    expect(app.output()).not.toMatch(/\n\s+at /);
    expect(app.output()).not.toMatch(/Listening on/);
  });
});

describe('the app manifest (app.yml)', () => {
  const manifest = parse(readFileSync(join(ROOT, 'app.yml'), 'utf8')) as {
    default_events: string[];
    default_permissions: Record<string, string>;
  };

  it('subscribes to exactly the events the app handles', () => {
    expect([...manifest.default_events].sort()).toEqual([...APP_EVENTS, ...DISPATCH_EVENTS].sort());
  });

  it('asks for what the gate, the lock, the buttons and the dispatch executor use', () => {
    expect(manifest.default_permissions).toMatchObject({
      contents: 'write',
      pull_requests: 'write',
      issues: 'write',
      checks: 'write',
      actions: 'write',
      metadata: 'read',
      merge_queues: 'read',
    });
  });
});

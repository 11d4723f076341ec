/**
 * Inline steps cannot reach the app's credentials (issue 13 item 2). The app runs in a process of
 * its own (inline-isolation.host.ts) with its credentials in its environment, a .env and a key file
 * in its directory, as `npm start` after Probot's setup would; a step of one execution searches
 * /proc/*\/environ, its parent, the app's directory, the key file and the other execution's
 * workspace. It must find none of them, and nothing posted to GitHub may hold one.
 *
 * This needs root, as creating the step user and the namespaces do; CI runs as root. Not skipped
 * elsewhere: it fails, saying why.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/app/config.js';
import { inlineIsolation } from '../../src/app/inline.js';
import { privateKey } from '../support/app.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HOST = join(ROOT, 'test/app/inline-isolation.host.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
const STEP_USER = 'proceed-test-step';
const WEBHOOK_SECRET = 'whsec-isolation-3b9d0c1e';
const CLIENT_SECRET = 'oauth-client-secret-58af2c';
/** What #8's step writes into its workspace; the plan holds only a recipe for it. */
const OTHER_SECRET = 'OTHER_EXECUTION_a3f7_SECRET';

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'this test runs steps as a second Unix user in namespaces of their own, which needs root: run it as root (CI does)',
    );
  }
}

/** The step user, made once per machine (useradd is idempotent here: an existing user is kept). */
function ensureStepUser(): void {
  try {
    execFileSync('getent', ['passwd', STEP_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', STEP_USER]);
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every body line of a PEM key: printing any one of them leaks part of the key. */
const keyLines = (pem: string) =>
  pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));

describe('an inline step, isolated', () => {
  let found = '';
  let posted = '';
  let state: string | undefined;
  let violations: unknown[] = [];
  let otherWorkspace = '';
  const pem = privateKey();

  beforeAll(async () => {
    requireRoot();
    ensureStepUser();
    const appDir = mkdtempSync(join(tmpdir(), 'proceed-appdir-'));
    const tmp = mkdtempSync(join(tmpdir(), 'proceed-isolated-tmp-'));
    const findings = mkdtempSync(join(tmpdir(), 'proceed-findings-'));
    dirs.push(appDir, tmp, findings);
    // As an operator's machine has them: /tmp-like TMPDIR, a world-readable .env and key file.
    chmodSync(tmp, 0o711);
    chmodSync(findings, 0o777);
    chmodSync(appDir, 0o755);
    const keyPath = join(appDir, 'key.pem');
    writeFileSync(keyPath, pem, { mode: 0o644 });
    writeFileSync(
      join(appDir, '.env'),
      `APP_ID=4242\nWEBHOOK_SECRET=${WEBHOOK_SECRET}\nPRIVATE_KEY="${pem.replace(/\n/g, '\\n')}"\n`,
      { mode: 0o644 },
    );
    const child = spawn(process.execPath, ['--import', TSX, HOST], {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: appDir,
        TMPDIR: tmp,
        NODE_ENV: 'production',
        APP_ID: '4242',
        PRIVATE_KEY: pem,
        PRIVATE_KEY_PATH: keyPath,
        WEBHOOK_SECRET,
        GITHUB_CLIENT_SECRET: CLIENT_SECRET,
        PROCEED_INLINE_USER: STEP_USER,
        FINDINGS: findings,
        PROBE_APP_DIR: appDir,
        PROBE_KEY_PATH: keyPath,
        PROBE_BASE: join(tmp, 'proceed-inline'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    if (code !== 0) throw new Error(`the app process failed (exit ${code}): ${stderr}\n${stdout}`);
    const result = JSON.parse(stdout) as { posted: unknown; state?: string; violations: unknown[] };
    posted = JSON.stringify(result.posted);
    state = result.state;
    violations = result.violations;
    found = readFileSync(join(findings, 'found'), 'utf8');
    otherWorkspace = readFileSync(join(findings, 'other-pwd'), 'utf8').trim();
  }, 240_000);

  it('ran as the step user, in a workspace only it can read, and the execution succeeded', () => {
    expect(violations).toEqual([]);
    expect(state).toBe('verified');
    expect(found).toMatch(new RegExp(`uid=\\d+\\(${STEP_USER}\\)`));
    expect(found).toMatch(new RegExp(`^${STEP_USER} 700 /`, 'm'));
    expect(found).not.toMatch(/uid=0\(/);
  });

  it('searched everything the test names (the search itself ran to the end)', () => {
    for (const section of [
      'every environ',
      'parent',
      'processes',
      'app directory',
      'workspaces',
      'git',
      'sudo',
    ])
      expect(found).toContain(`== ${section}`);
  });

  it('found none of the app credentials: environment, .env, key file, memory, installation token', () => {
    expect(found).not.toContain(WEBHOOK_SECRET);
    expect(found).not.toContain(CLIENT_SECRET);
    for (const line of keyLines(pem)) expect(found).not.toContain(line);
    expect(found).not.toMatch(/ghs_fake\d+x[0-9a-f]{32}/);
    // The app's process is outside the step's PID namespace: its parent is not there at all.
    expect(found).toContain('PPID=0');
  });

  it("could not read the other execution's workspace, nor list the executions", () => {
    expect(found).not.toContain(OTHER_SECRET);
    // The step was even told the other workspace's path; in its mount namespace there is nothing there.
    expect(found).toContain(`${otherWorkspace}/other-secret.txt: No such file or directory`);
    expect(found).toMatch(/ls: cannot open directory '[^']*proceed-inline': Permission denied/);
  });

  it('and nothing posted to GitHub holds a credential', () => {
    expect(posted).toContain('== every environ');
    expect(posted).not.toContain(WEBHOOK_SECRET);
    expect(posted).not.toContain(CLIENT_SECRET);
    for (const line of keyLines(pem)) expect(posted).not.toContain(line);
    expect(posted).not.toMatch(/ghs_fake\d+x[0-9a-f]{32}/);
    expect(posted).not.toContain(OTHER_SECRET);
  });
});

describe('the app at start, when steps cannot be isolated', () => {
  const log = () => {
    const lines: string[] = [];
    return {
      lines,
      info: (l: string) => lines.push(`info ${l}`),
      warn: (l: string) => lines.push(`warn ${l}`),
    };
  };
  const missing = { PROCEED_INLINE_USER: 'proceed-no-such-user' };

  it('says so and why, and runs them unisolated outside production', () => {
    const said = log();
    expect(inlineIsolation({ ...missing }, said)).toMatchObject({ kind: 'unisolated' });
    expect(said.lines.join('\n')).toMatch(
      /^warn proceed: inline steps are NOT isolated: there is no user "proceed-no-such-user" to run steps as: create it \(useradd .*\) or name another with PROCEED_INLINE_USER\. A step can read the app's environment, files and memory/,
    );
  });

  it('refuses to start under NODE_ENV=production, naming dispatch and PROCEED_INLINE_UNISOLATED', () => {
    expect(() => inlineIsolation({ ...missing, NODE_ENV: 'production' }, log())).toThrow(ConfigError);
    expect(() => inlineIsolation({ ...missing, NODE_ENV: 'production' }, log())).toThrow(
      /PROCEED_EXECUTOR is inline under NODE_ENV=production, but steps cannot be isolated: .*PROCEED_EXECUTOR=dispatch.*PROCEED_INLINE_UNISOLATED=1/,
    );
  });

  it('npm start stops with that message and exit code 1, before serving anything', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'proceed-start-'));
    dirs.push(cwd);
    const started = spawnSync(process.execPath, [join(ROOT, 'dist/server.js')], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: cwd,
        NODE_ENV: 'production',
        APP_ID: '1',
        PRIVATE_KEY: privateKey(),
        WEBHOOK_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        ...missing,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status, started.stdout + started.stderr).toBe(1);
    expect(started.stderr).toMatch(
      /^proceed: PROCEED_EXECUTOR is inline under NODE_ENV=production, but steps cannot be isolated/m,
    );
    expect(started.stderr).not.toMatch(/\n\s+at /);
  });

  it('starts under production when the operator sets PROCEED_INLINE_UNISOLATED=1, still warning', () => {
    const said = log();
    const env = { ...missing, NODE_ENV: 'production', PROCEED_INLINE_UNISOLATED: '1' };
    expect(inlineIsolation(env, said)).toMatchObject({ kind: 'unisolated' });
    expect(said.lines[0]).toMatch(/^warn .*NOT isolated.*PROCEED_INLINE_UNISOLATED=1 allows it/);
  });

  it('says how steps run when they can be isolated', () => {
    requireRoot();
    ensureStepUser();
    const said = log();
    const isolation = inlineIsolation({ PROCEED_INLINE_USER: STEP_USER, NODE_ENV: 'production' }, said);
    expect(isolation).toMatchObject({ kind: 'isolated', user: { name: STEP_USER } });
    expect(said.lines[0]).toMatch(
      new RegExp(
        `^info proceed: inline steps run as ${STEP_USER} \\(uid \\d+\\) in PID and mount namespaces`,
      ),
    );
  });
});

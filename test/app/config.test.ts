import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, startModeFromEnv } from '../../src/app/config.js';
import { WEBHOOK_SECRET, privateKey } from '../support/app.js';

describe('the app configuration from the environment', () => {
  it('defaults to the inline executor, proceed.yml, github.com and the Action’s globs and policy file', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({
      executor: 'inline',
      workflow: 'proceed.yml',
      gitUrl: 'https://github.com',
      planGlobs: ['**/*.plan.yml', '**/*.plan.yaml'],
      policyPath: '.github/proceed.yml',
      pollMs: 10_000,
      lockHeartbeatMs: 30_000,
    });
    expect(config.instanceId).toMatch(/-\d+-[0-9a-f]{6}$/);
  });

  it('clones from the GitHub Enterprise Server Probot is pointed at, unless PROCEED_GIT_URL says otherwise', () => {
    expect(configFromEnv({ GHE_HOST: 'git.example.com' }).gitUrl).toBe('https://git.example.com');
    expect(configFromEnv({ GHE_HOST: 'git.example.com', PROCEED_GIT_URL: 'file:///srv/git' }).gitUrl).toBe(
      'file:///srv/git',
    );
  });

  it('renews the lock as often as PROCEED_LOCK_HEARTBEAT_MS says', () => {
    expect(configFromEnv({ PROCEED_LOCK_HEARTBEAT_MS: '5000' }).lockHeartbeatMs).toBe(5_000);
    expect(configFromEnv({ PROCEED_LOCK_HEARTBEAT_MS: ' ' }).lockHeartbeatMs).toBe(30_000);
  });

  it('hands steps the environment without the app’s credentials', () => {
    const config = configFromEnv({
      PATH: '/usr/bin',
      DEPLOY_REGION: 'eu',
      APP_ID: '1',
      PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----',
      WEBHOOK_SECRET: 'shh',
      PROCEED_EXECUTOR: 'inline',
    });
    expect(config.stepEnv).toEqual({ PATH: '/usr/bin', DEPLOY_REGION: 'eu' });
  });

  it.each([
    [{ PROCEED_EXECUTOR: 'kubernetes' }, /PROCEED_EXECUTOR is "kubernetes": use inline .* or dispatch/],
    [
      { PROCEED_WORKFLOW: '../evil.yml' },
      /PROCEED_WORKFLOW is "..\/evil.yml": give the workflow's file name/,
    ],
    [{ PROCEED_GIT_URL: 'github.com' }, /PROCEED_GIT_URL is "github.com", which is not a URL/],
    [
      { PROCEED_LOCK_HEARTBEAT_MS: '30s' },
      /PROCEED_LOCK_HEARTBEAT_MS is "30s": give a whole number of milliseconds/,
    ],
    [{ PROCEED_LOCK_HEARTBEAT_MS: '10' }, /PROCEED_LOCK_HEARTBEAT_MS is "10": .* at least 50/],
    [
      { PROCEED_EXECUTOR: 'dispatch' },
      /PROCEED_APP_URL is not set: the dispatch executor needs the app's public URL/,
    ],
    [
      { PROCEED_EXECUTOR: 'dispatch', PROCEED_APP_URL: 'proceed.example.com' },
      /PROCEED_APP_URL is "proceed.example.com", which is not an http\(s\) URL/,
    ],
    [
      {
        PROCEED_EXECUTOR: 'dispatch',
        PROCEED_APP_URL: 'https://proceed.example.com',
        PROCEED_OIDC_ISSUER: 'token',
      },
      /PROCEED_OIDC_ISSUER is "token", which is not an http\(s\) URL/,
    ],
  ])('refuses %o with a message naming the setting', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(message);
  });
});

describe('the token exchange of the dispatch executor', () => {
  it('expects OIDC tokens from GitHub Actions for the app’s own URL', () => {
    const config = configFromEnv({
      PROCEED_EXECUTOR: 'dispatch',
      PROCEED_APP_URL: 'https://proceed.example.com/',
    });
    expect(config.tokenExchange).toEqual({
      appUrl: 'https://proceed.example.com',
      issuer: 'https://token.actions.githubusercontent.com',
      audience: 'https://proceed.example.com',
    });
  });

  it('takes another issuer for GitHub Enterprise Server', () => {
    const config = configFromEnv({
      PROCEED_EXECUTOR: 'dispatch',
      PROCEED_APP_URL: 'https://proceed.example.com',
      PROCEED_OIDC_ISSUER: 'https://git.example.com/_services/token',
    });
    expect(config.tokenExchange?.issuer).toBe('https://git.example.com/_services/token');
  });

  it('serves no exchange for the inline executor', () => {
    expect(configFromEnv({ PROCEED_APP_URL: 'https://proceed.example.com' }).tokenExchange).toBeUndefined();
  });
});

describe('the app’s credentials at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proceed-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'app.pem');
  writeFileSync(keyFile, privateKey());
  const good = { APP_ID: '42', PRIVATE_KEY: privateKey(), WEBHOOK_SECRET };

  it('runs the app with an id, a key that parses and a webhook secret', () => {
    expect(startModeFromEnv(good, dir)).toBe('app');
    expect(startModeFromEnv({ ...good, PRIVATE_KEY: privateKey().replace(/\n/g, '\\n') }, dir)).toBe('app');
    expect(
      startModeFromEnv({ ...good, PRIVATE_KEY: Buffer.from(privateKey()).toString('base64') }, dir),
    ).toBe('app');
    expect(startModeFromEnv({ ...good, PRIVATE_KEY: '', PRIVATE_KEY_PATH: 'app.pem' }, dir)).toBe('app');
  });

  it('serves the setup page only when no credential is set, outside production', () => {
    expect(startModeFromEnv({}, dir)).toBe('setup');
    expect(startModeFromEnv({ NODE_ENV: 'development', PROCEED_EXECUTOR: 'inline' }, dir)).toBe('setup');
    expect(() => startModeFromEnv({ NODE_ENV: 'production' }, dir)).toThrow(
      /are not set, and NODE_ENV is production: set them from the app's settings page/,
    );
  });

  it.each([
    [{ ...good, APP_ID: '' }, /APP_ID is not set: set it to the App ID on the app's settings page/],
    [{ ...good, APP_ID: 'proceed' }, /APP_ID is "proceed", not a number/],
    [{ ...good, WEBHOOK_SECRET: '' }, /WEBHOOK_SECRET is not set: .* anyone could send the app events/],
    [{ ...good, WEBHOOK_SECRET: 'development' }, /WEBHOOK_SECRET is "development", Probot's public default/],
    [
      { ...good, PRIVATE_KEY: '' },
      /PRIVATE_KEY and PRIVATE_KEY_PATH are not set: set PRIVATE_KEY to the PEM file/,
    ],
    [{ ...good, PRIVATE_KEY: 'not a key' }, /PRIVATE_KEY does not hold a PEM private key/],
    [
      { ...good, PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----' },
      /PRIVATE_KEY holds a private key that does not parse/,
    ],
    [
      { ...good, PRIVATE_KEY: '', PRIVATE_KEY_PATH: 'missing.pem' },
      /PRIVATE_KEY_PATH is "missing.pem", which cannot be read \(ENOENT\)/,
    ],
  ])('refuses to start with %#, saying what to set', (env, message) => {
    expect(() => startModeFromEnv(env, dir)).toThrow(ConfigError);
    expect(() => startModeFromEnv(env, dir)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../src/app/config.js';

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
  ])('refuses %o with a message naming the setting', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { secretsInEnvironment } from '../../src/execute/secrets.js';

describe('secret values in the environment', () => {
  it('picks the values of variables whose names look secret, and nothing else', () => {
    const found = secretsInEnvironment({
      DEPLOY_TOKEN: 'ghp_abcdef123456',
      DB_PASSWORD: 'correct-horse',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
      STRIPE_API_KEY: 'sk_live_123456',
      HOME: '/root',
      PATH: '/usr/bin',
      GITHUB_REPOSITORY: 'octo-org/widgets',
    });
    expect(found.sort()).toEqual(
      ['correct-horse', 'ghp_abcdef123456', 'sk_live_123456', 'wJalrXUtnFEMI'].sort(),
    );
  });

  it('leaves out values too short to mask without masking ordinary words', () => {
    expect(secretsInEnvironment({ NPM_TOKEN: '', CI_SECRET: 'yes' })).toEqual([]);
  });
});

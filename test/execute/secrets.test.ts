/** Which values are masked in posted logs, in which encodings, with real processes printing them. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/execute/process.js';
import {
  appCredentials,
  secretForms,
  secretsInEnvironment,
  withEncodings,
} from '../../src/execute/secrets.js';

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

describe('a secret is masked in the forms a log shows it in by accident', () => {
  const token = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
  const forms = (secret: string): Record<string, string> => {
    const bytes = Buffer.from(secret);
    return {
      plain: secret,
      base64: bytes.toString('base64'),
      base64url: bytes.toString('base64url'),
      'git basic header': Buffer.from(`x-access-token:${secret}`).toString('base64'),
      'URL-encoded': encodeURIComponent(secret),
      hex: bytes.toString('hex'),
      // Inside a longer encoded string the token starts at each of the three byte alignments.
      'base64 after 1 byte': Buffer.from(`a${secret}z`).toString('base64'),
      'base64 after 2 bytes': Buffer.from(`ab${secret}yz`).toString('base64'),
      'base64url after 1 byte': Buffer.from(`{${secret}}`).toString('base64url'),
    };
  };

  it('masks each form in the posted tail and in live output of a real process', async () => {
    const secret = `${token}/+?&= é`;
    const shown = forms(secret);
    const live: string[] = [];
    const outcome = await runCommand({
      command: Object.values(shown)
        .map((form) => `printf '%s\\n' '${form}'`)
        .join('; '),
      shell: 'bash',
      cwd: process.cwd(),
      env: { PATH: process.env.PATH },
      secrets: [secret],
      onOutput: (chunk) => live.push(chunk),
    });
    expect(outcome.exitCode).toBe(0);
    for (const [name, form] of Object.entries(shown)) {
      expect(outcome.tail, name).not.toContain(form);
      expect(live.join(''), name).not.toContain(form);
    }
    // What is left of an aligned form is only what its neighbours decide: no run of the token.
    for (const text of [outcome.tail, live.join('')]) {
      for (const variant of secretForms(secret)) expect(text).not.toContain(variant);
      expect(text.split('\n').filter((line) => line && !line.includes('***'))).toEqual([]);
    }
  });

  it('masks a multi-line private key line by line, as one line of it may be printed alone', () => {
    const pem = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAuXkq3pQ2Kd7mY0vVn5TzH7Jt1bqYwWcZl4H0aG9e8sPpR2nL',
      'oXf3wqKp8f1v6Jt0Qw2eS9d3mN4Bz7aLq1kRyT5uV8cX2sE6hG0jI3oP9lM4nB7v',
      '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const found = secretForms(pem);
    expect(found).toContain(pem);
    expect(found).toContain('oXf3wqKp8f1v6Jt0Qw2eS9d3mN4Bz7aLq1kRyT5uV8cX2sE6hG0jI3oP9lM4nB7v');
    expect(found).not.toContain('-----END RSA PRIVATE KEY-----');
  });

  it('does not mask forms so short that they would hide ordinary words', () => {
    expect(withEncodings(['abcdef']).every((form) => form.length >= 6)).toBe(true);
    expect(withEncodings([''])).toEqual([]);
  });
});

describe("the app's own credentials", () => {
  it('are the private key (inline or from its file, with \\n escapes undone), the webhook secret and every secret-looking variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proceed-key-'));
    try {
      const keyFile = join(dir, 'key.pem');
      writeFileSync(keyFile, '-----BEGIN KEY-----\nFILEKEYBODY123456\n-----END KEY-----\n');
      const found = appCredentials({
        PRIVATE_KEY: '-----BEGIN KEY-----\\nINLINEKEYBODY123\\n-----END KEY-----',
        PRIVATE_KEY_PATH: keyFile,
        WEBHOOK_SECRET: 'whsec',
        GITHUB_CLIENT_SECRET: 'client-secret-1',
        HOME: '/root',
      });
      expect(found).toContain('-----BEGIN KEY-----\nINLINEKEYBODY123\n-----END KEY-----');
      expect(found).toContain('-----BEGIN KEY-----\nFILEKEYBODY123456\n-----END KEY-----\n');
      expect(found).toContain('whsec');
      expect(found).toContain('client-secret-1');
      expect(found).not.toContain('/root');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { untrustedHolder } from '../../src/gate/lock-trust.js';
import type { LockHolder } from '../../src/gate/lock.js';

const NOW = new Date('2026-01-01T12:00:00.000Z');
const app = (o: Partial<LockHolder> = {}) =>
  ({ kind: 'app', id: 'replica', at: NOW.toISOString(), sha: 'a', heartbeatMs: 30_000, ...o }) as LockHolder;

describe('lock holders that are not believed', () => {
  it.each([
    ['an ordinary app holder', app(), false],
    ['a holder 3 minutes ahead (clock skew)', app({ at: '2026-01-01T12:03:00.000Z' }), false],
    ['a holder taken in 2999', app({ at: '2999-01-01T00:00:00.000Z' }), true],
    ['a holder beating in the future', app({ beat: '2026-01-01T13:00:00.000Z' }), true],
    [
      'a lock commit proceed did not write',
      { kind: 'unknown', id: 'f', at: NOW.toISOString(), sha: '' } as LockHolder,
      true,
    ],
    [
      'a workflow run without a run id',
      { kind: 'workflow-run', id: 'forever', at: NOW.toISOString(), sha: 'a' } as LockHolder,
      true,
    ],
    [
      'a workflow run with a run id',
      { kind: 'workflow-run', id: '123', at: NOW.toISOString(), sha: 'a' } as LockHolder,
      false,
    ],
  ])('%s: %s', (_what, holder, untrusted) => {
    expect(!!untrustedHolder(holder, NOW)).toBe(untrusted);
  });
});

describe('lock commits by another committer than the bot', () => {
  const bot = { name: 'proceed[bot]', email: '41898282+proceed[bot]@users.noreply.github.com' };
  it.each([
    ['committed by the bot', bot, false],
    ['the bot, other letter case', { name: 'Proceed[bot]', email: bot.email.toUpperCase() }, false],
    ['committed by a person with their own token', { name: 'mallory', email: 'mallory@example.com' }, true],
    ["the bot's name with another address (pushed by hand)", { ...bot, email: 'mallory@example.com' }, true],
    ['another app', { name: 'other-app[bot]', email: '1+other-app[bot]@users.noreply.github.com' }, true],
  ])('%s', (_what, lock, untrusted) => {
    const why = untrustedHolder(app(), NOW, { lock, ours: bot });
    expect(!!why).toBe(untrusted);
    if (untrusted) expect(why).toContain(`made by ${lock.name}`);
  });

  it('judges an unknown committer on the holder alone', () => {
    expect(untrustedHolder(app(), NOW)).toBeUndefined();
  });
});

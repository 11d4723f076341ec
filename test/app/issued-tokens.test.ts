/** The app's record of tokens it gave dispatched runs: each revoked once its run has ended, and only then. */
import { describe, expect, it } from 'vitest';
import { IssuedTokens, type IssuedRun, type IssuedTokensGitHub } from '../../src/app/issued-tokens.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const run = (runId: number, o: Partial<IssuedRun> = {}): IssuedRun => ({
  token: `ghs_run_${runId}`,
  expiresAt: '2026-06-01T13:00:00.000Z',
  installationId: 1,
  owner: 'octo-org',
  repo: 'widgets',
  runId,
  ...o,
});

function registry(
  statuses: Record<number, string | undefined | Error>,
  revokeAnswers: Record<string, number> = {},
) {
  const revoked: string[] = [];
  const lines: string[] = [];
  const github: IssuedTokensGitHub = {
    runStatus: async (_i, _o, _r, runId) => {
      const s = statuses[runId];
      if (s instanceof Error) throw s;
      return s;
    },
    revoke: async (token) => {
      const status = revokeAnswers[token];
      if (status) throw Object.assign(new Error(`HTTP ${status}`), { status });
      revoked.push(token);
    },
  };
  const tokens = new IssuedTokens(
    github,
    { info: (l) => lines.push(`info ${l}`), warn: (l) => lines.push(`warn ${l}`) },
    () => NOW,
  );
  return { tokens, revoked, lines };
}

describe('revoking the tokens of dispatched runs', () => {
  it("revokes a run's token when its completion arrives, and no other run's", async () => {
    const { tokens, revoked } = registry({});
    tokens.record(run(1));
    tokens.record(run(2));
    expect(await tokens.runEnded('octo-org', 'widgets', 3)).toBe(false);
    expect(await tokens.runEnded('Octo-Org', 'Widgets', 1)).toBe(true);
    expect(revoked).toEqual(['ghs_run_1']);
    expect(tokens.outstanding().map((r) => r.runId)).toEqual([2]);
    // The same completion delivered again finds nothing left to do.
    expect(await tokens.runEnded('octo-org', 'widgets', 1)).toBe(false);
  });

  it('sweeps: revokes ended and vanished runs, keeps running ones, forgets expired tokens', async () => {
    const { tokens, revoked } = registry({ 1: 'completed', 2: 'in_progress', 3: undefined, 4: 'completed' });
    tokens.record(run(1));
    tokens.record(run(2));
    tokens.record(run(3));
    tokens.record(run(4, { expiresAt: '2026-06-01T11:59:00.000Z' }));
    await tokens.sweep();
    expect(revoked).toEqual(['ghs_run_1', 'ghs_run_3']);
    expect(tokens.outstanding().map((r) => r.runId)).toEqual([2]);
  });

  it('counts a 401 as revoked already (the Action did it), and keeps a token whose revoke failed otherwise', async () => {
    const { tokens, lines } = registry({}, { ghs_run_1: 401, ghs_run_2: 502 });
    tokens.record(run(1));
    tokens.record(run(2));
    await tokens.runEnded('octo-org', 'widgets', 1);
    await tokens.runEnded('octo-org', 'widgets', 2);
    expect(tokens.outstanding().map((r) => r.runId)).toEqual([2]);
    expect(lines.at(-1)).toMatch(
      /could not revoke the token of run 2 of octo-org\/widgets \(HTTP 502\); trying again/,
    );
  });

  it('asks again at the next sweep when GitHub cannot say whether the run ended', async () => {
    const statuses: Record<number, string | Error> = { 1: new Error('socket hang up') };
    const { tokens, revoked, lines } = registry(statuses);
    tokens.record(run(1));
    await tokens.sweep();
    expect(revoked).toEqual([]);
    expect(lines.at(-1)).toMatch(/could not read run 1 of octo-org\/widgets .*socket hang up/);
    statuses[1] = 'completed';
    await tokens.sweep();
    expect(revoked).toEqual(['ghs_run_1']);
  });
});

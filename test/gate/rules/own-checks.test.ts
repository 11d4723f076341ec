import { describe, expect, it } from 'vitest';
import { appSlugOf, ownCheckRuns } from '../../../src/gate/rules/own-checks.js';
import type { CheckRunInfo } from '../../../src/gate/port.js';

const run = (id: number, appSlug: string | null): CheckRunInfo => ({
  id,
  name: 'proceed/verify',
  headSha: 'a'.repeat(40),
  status: 'completed',
  conclusion: 'success',
  externalId: null,
  startedAt: null,
  completedAt: null,
  title: null,
  summary: null,
  appSlug,
});

describe('only the bot’s own check runs count', () => {
  it.each([
    ['proceed-app[bot]', 'proceed-app'],
    ['github-actions[bot]', 'github-actions'],
    ['Proceed[BOT]', 'proceed'],
  ])('%s is the app %s', (login, slug) => {
    expect(appSlugOf(login)).toBe(slug);
  });

  it('keeps the bot app’s runs and drops other apps’ and unattributed ones', () => {
    const runs = [run(1, 'proceed-app'), run(2, 'other-app'), run(3, 'github-actions'), run(4, null)];
    expect(ownCheckRuns(runs, 'proceed-app[bot]').map((r) => r.id)).toEqual([1]);
    expect(ownCheckRuns(runs, 'github-actions[bot]').map((r) => r.id)).toEqual([3]);
  });
});

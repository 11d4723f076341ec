import { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { appOctokit } from '../../src/app/octokit.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { APP, privateKey } from '../support/app.js';

describe("the app's Octokit inside Probot", () => {
  const github = useFakeGitHub({ app: APP });

  it.each(['secondary-rate-limit', 'rate-limit'] as const)(
    'waits out a %s as retry-after says and tries again',
    async (kind) => {
      const fake = github();
      fake.addPullRequest({ number: 7, user: 'alice', headSha: '1'.repeat(40), baseSha: '2'.repeat(40) });
      // Probot's own throttle options give up on a secondary limit; the app's must win over them.
      const probot = new Probot({
        appId: APP.id,
        privateKey: privateKey(),
        baseUrl: fake.url,
        logLevel: 'fatal',
        Octokit: appOctokit(),
      });
      const octokit = await probot.auth(1);
      fake.faults({
        rate: 1,
        kinds: [kind],
        limit: 1,
        retryAfterSeconds: 1,
        match: (r) => r.method === 'GET',
      });
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
        owner: 'octo-org',
        repo: 'widgets',
        pull_number: 7,
      });
      expect(data.number).toBe(7);
      const pulls = fake.requests.filter((r) => r.method === 'GET');
      expect(pulls.map((r) => r.status)).toEqual([403, 200]);
    },
  );
});

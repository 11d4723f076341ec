/** The fake's installation tokens behave as GitHub's: narrowed as asked, refused outside their scope, dead once revoked. */
import { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from './use-fake-github.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjk5fQ.c2ln';
const HEAD = '1'.repeat(40);
const BASE = '2'.repeat(40);
const widgets = { owner: 'octo-org', repo: 'widgets' };
const gadgets = { owner: 'octo-org', repo: 'gadgets' };

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: { status?: number }) => err.status ?? 0,
  );

describe('installation tokens', () => {
  const github = useFakeGitHub({
    app: { id: 99, slug: 'proceed-bot', name: 'Proceed', owner: 'octo-org' },
    validateResponses: true,
  });

  function seeded() {
    const fake = github();
    const w = fake.addRepo(widgets);
    const g = fake.addRepo(gadgets);
    w.addPullRequest({ number: 1, headSha: HEAD, baseSha: BASE });
    g.addPullRequest({ number: 2, headSha: HEAD, baseSha: BASE });
    return { fake, app: new Octokit({ auth: JWT, baseUrl: fake.url }), widgetsId: w.record.id };
  }

  it('narrows a token to the repositories and permissions asked for, and says so', async () => {
    const { fake, app, widgetsId } = seeded();
    const { data: installation } = await app.request('GET /repos/{owner}/{repo}/installation', widgets);
    const { data } = await app.request('POST /app/installations/{installation_id}/access_tokens', {
      installation_id: installation.id,
      repository_ids: [widgetsId],
      permissions: { issues: 'write', metadata: 'read' },
    });
    expect(data).toMatchObject({
      repository_selection: 'selected',
      permissions: { issues: 'write', metadata: 'read' },
    });
    expect(data.repositories?.map((r) => r.full_name)).toEqual(['octo-org/widgets']);
    const token = new Octokit({ auth: data.token, baseUrl: fake.url });

    expect(
      await status(
        token.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...widgets,
          issue_number: 1,
          body: 'hi',
        }),
      ),
    ).toBe(200);
    expect(
      await status(
        token.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...gadgets,
          issue_number: 2,
          body: 'hi',
        }),
      ),
    ).toBe(403);
    expect(
      await status(
        token.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...gadgets, pull_number: 2 }),
      ),
    ).toBe(404);
    // In its repository, but without checks: write.
    expect(
      await status(
        token.request('POST /repos/{owner}/{repo}/check-runs', { ...widgets, name: 'x', head_sha: HEAD }),
      ),
    ).toBe(403);
    expect(fake.repo('octo-org/gadgets').comments(2)).toEqual([]);
    expect(fake.installation.issued().at(-1)).toMatchObject({ repositoryIds: [widgetsId], revoked: false });
  });

  it('refuses a token once it is revoked', async () => {
    const { fake, app } = seeded();
    const { data } = await app.request('POST /app/installations/{installation_id}/access_tokens', {
      installation_id: 1,
    });
    const token = new Octokit({ auth: data.token, baseUrl: fake.url });
    expect(await status(token.request('GET /repos/{owner}/{repo}', widgets))).toBe(200);
    expect(await status(token.request('DELETE /installation/token'))).toBe(200);
    expect(await status(token.request('GET /repos/{owner}/{repo}', widgets))).toBe(401);
    expect(await status(token.request('DELETE /installation/token'))).toBe(401);
  });

  it('grants no more than the installation has, and only to the app’s JWT', async () => {
    const { fake, app } = seeded();
    expect(
      await status(
        app.request('POST /app/installations/{installation_id}/access_tokens', {
          installation_id: 1,
          permissions: { administration: 'write' },
        }),
      ),
    ).toBe(422);
    expect(
      await status(
        app.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 2 }),
      ),
    ).toBe(404);
    expect(
      await status(
        app.request('POST /app/installations/{installation_id}/access_tokens', {
          installation_id: 1,
          repository_ids: [1],
        }),
      ),
    ).toBe(422);
    const { data } = await app.request('POST /app/installations/{installation_id}/access_tokens', {
      installation_id: 1,
    });
    const token = new Octokit({ auth: data.token, baseUrl: fake.url });
    expect(await status(token.request('GET /repos/{owner}/{repo}/installation', widgets))).toBe(401);
    expect(
      await status(
        token.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: 1 }),
      ),
    ).toBe(401);
  });
});

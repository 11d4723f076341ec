/**
 * The app's door to the merge queue (issue 14): a `merge_group` webhook concludes `proceed/verify`
 * on the group's commit as the app, and with `merge_queue: re-verify` the inline executor runs the
 * verifications (never the steps) on a clone of that commit.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { mergeGroupEvent } from '../support/payloads.js';
import { APP, deliver, scene, type Delivery, type Scene } from '../support/app.js';

const scenes: Scene[] = [];
afterEach(() => {
  for (const s of scenes.splice(0)) s.cleanup();
});

async function queueGroup(s: Scene): Promise<string> {
  const sha = s.remote.commit({ 'merged.txt': 'merged\n' }, 'Merge #7');
  const headRef = `refs/heads/gh-readonly-queue/main/pr-7-${s.remote.baseSha}`;
  s.fake.setRef(headRef, sha);
  await deliver(s.probot, {
    id: randomUUID(),
    name: 'merge_group',
    payload: mergeGroupEvent('checks_requested', { headSha: sha, headRef, baseSha: s.remote.baseSha }),
  } as unknown as Delivery);
  return sha;
}

describe('the app on merge_group', () => {
  const github = useFakeGitHub({ app: APP });

  it('fails the group of an unapproved pull request at once, as the app', async () => {
    const s = await scene(github());
    scenes.push(s);
    await s.open();
    const sha = await queueGroup(s);
    const gate = s.fake.checkRuns(sha).find((c) => c.name === 'proceed/verify');
    expect(gate).toMatchObject({ status: 'completed', conclusion: 'failure', app: { slug: APP.slug } });
    expect(gate!.output.summary).toContain('#7 has its plan proposed');
  });

  it('re-verify: runs only the verifications on a clone of the group commit, then passes', async () => {
    const s = await scene(github(), { policy: 'merge_queue: re-verify\n' });
    scenes.push(s);
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    const sha = await queueGroup(s);
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify', 'verify']);
    const runs = s.fake.checkRuns(sha);
    expect(runs.find((c) => c.name === 'proceed/verify/tests')).toMatchObject({ conclusion: 'success' });
    expect(runs.filter((c) => c.name === 'proceed/verify').at(-1)).toMatchObject({
      conclusion: 'success',
      app: { slug: APP.slug },
    });
  }, 60_000);
});

/**
 * Issue 12, attack 2, through the app door: another app (here a workflow, as the GitHub Actions app)
 * creates check runs named like the app's. The app over the OpenAPI-checked fake, whose
 * `PATCH /check-runs/{id}` answers 403 to anyone but the check run's creator, as GitHub does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stepExternalId } from '../../src/gate/view.js';
import type { FakeGitHub } from '../support/fake-github/index.js';
import { useFakeGitHub } from '../support/fake-github/use-fake-github.js';
import { APP, scene, type Scene } from '../support/app.js';

const scenes: Scene[] = [];
let scratch: string;
const previousTmp = process.env.TMPDIR;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'proceed-tmp-'));
  process.env.TMPDIR = scratch;
});
afterEach(() => {
  for (const s of scenes.splice(0)) s.cleanup();
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  rmSync(scratch, { recursive: true, force: true });
});

/** A check run created through the API by a workflow's token: the GitHub Actions app, not proceed's. */
async function foreignCheckRun(fake: FakeGitHub, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${fake.url}/repos/octo-org/widgets/check-runs`, {
    method: 'POST',
    headers: {
      authorization: 'token ghs_a_workflow_token',
      'content-type': 'application/json',
      accept: 'application/vnd.github+json',
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

const patchesOf = (fake: FakeGitHub, id: number) =>
  fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/check-runs/${id}`));

describe("other apps' check runs through the app door (issue 12, attack 2)", () => {
  const github = useFakeGitHub({ app: APP });

  it("runs step one although another app's proceed/one success on this commit and plan came first", async () => {
    const s = await scene(github());
    scenes.push(s);
    await s.open();
    const planHash = s.state()?.planHash ?? '';
    expect(planHash).not.toBe('');
    const forged = await foreignCheckRun(s.fake, {
      name: 'proceed/one',
      head_sha: s.head,
      status: 'completed',
      conclusion: 'success',
      external_id: stepExternalId(planHash, 'one'),
      output: { title: 'Done', summary: 'forged' },
    });
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
    // The app's own proceed/one is a run of its own; the forged one is left as it was.
    const own = s.checks('proceed/one').filter((c) => c.app.slug === APP.slug);
    expect(own.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(patchesOf(s.fake, forged)).toEqual([]);
  });

  it('never patches a foreign in-progress proceed/verify made before the first render, and does not stick at executing', async () => {
    const s = await scene(github());
    scenes.push(s);
    const forged = await foreignCheckRun(s.fake, {
      name: 'proceed/verify',
      head_sha: s.head,
      status: 'in_progress',
      output: { title: 'Verifying', summary: 'not proceed' },
    });
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.log()).toEqual(['one', 'two', 'three', 'verify']);
    expect(s.state()?.state).toBe('verified');
    // Not one PATCH was tried on it (GitHub would answer 403 "Invalid app_id"), so no 403 at all.
    expect(patchesOf(s.fake, forged)).toEqual([]);
    expect(s.fake.requests.filter((r) => r.status === 403)).toEqual([]);
    const gate = s.checks('proceed/verify').filter((c) => c.app.slug === APP.slug);
    expect(gate.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
    const theirs = s.checks('proceed/verify').find((c) => c.id === forged);
    expect(theirs).toMatchObject({ status: 'in_progress', conclusion: null });
  });

  it('answers 403 when the app itself tries to patch a check run another app created', async () => {
    const s = await scene(github());
    scenes.push(s);
    const forged = await foreignCheckRun(s.fake, {
      name: 'proceed/verify',
      head_sha: s.head,
      status: 'in_progress',
    });
    const octokit = await s.probot.auth(1);
    const err = await octokit
      .request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        owner: 'octo-org',
        repo: 'widgets',
        check_run_id: forged,
        status: 'completed',
        conclusion: 'success',
      })
      .then(
        () => undefined,
        (e: unknown) => e as { status: number; message: string },
      );
    expect(err?.status).toBe(403);
    expect(err?.message).toMatch(/Invalid app_id .*can only be modified by the GitHub App that created it/);
  });
});

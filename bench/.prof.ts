import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { BUNDLE, makeWorkspace } from '../test/support/action.js';
import { startFakeGitHub } from '../test/support/fake-github/index.js';
import { fakeSha } from '../test/support/fake-github/model.js';
import { pullRequestEvent } from '../test/support/payloads.js';
import { spawnTimed } from './action-process.js';
import { PLAN_PATH, trivialPlan } from './plans.js';
const HEAD = fakeSha('bench', 'head'); const BASE = fakeSha('bench', 'base');
const ws = makeWorkspace();
const prof = mkdtempSync(join(tmpdir(), 'prof-'));
for (let i = 0; i < 3; i++) {
const fake = await startFakeGitHub();
fake.addPullRequest({ number: 7, user: 'alice', headSha: HEAD, baseSha: BASE, files: [{ filename: PLAN_PATH, content: trivialPlan(3) }] });
const times: number[] = [];
const t0 = performance.now();
fake.hooks.beforeRequest = () => { times.push(Math.round(performance.now() - t0)); };
const r = await spawnTimed({ bundle: BUNDLE, apiUrl: fake.url, event: 'pull_request', payload: pullRequestEvent('opened', { number: 7, user: 'alice', headSha: HEAD, baseSha: BASE }), workspace: ws, env: i === 2 ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${prof}` } : {} });
console.log(r.code, Math.round(r.wallMs), times.join(' '));
await fake.close();
}
console.log(prof);

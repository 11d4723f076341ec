/* global fetch */
// Verify "api": start the real entry point (`node src/server.mjs`) on a free port, as an operator
// would, and check that it answers test requests and that authentication works.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { clearTimeout, setTimeout } from 'node:timers';
import { check, importScratch, runStep, scratchDir, StepError } from '../../shared/scratch.mjs';

async function listeningUrl(child) {
  let output = '';
  const timer = setTimeout(() => child.kill(), 10_000);
  try {
    for await (const chunk of child.stdout) {
      output += chunk;
      const match = /listening on (http:\/\/\S+\/tasks)/.exec(output);
      if (match) return match[1];
    }
  } finally {
    clearTimeout(timer);
  }
  throw new StepError(`the server did not start: ${output.trim() || 'no output'}`);
}

await runStep(async () => {
  const { signToken } = await importScratch('rest-api', 'src/auth.mjs');
  const secret = randomBytes(32).toString('hex');
  const child = spawn(process.execPath, ['src/server.mjs'], {
    cwd: scratchDir('rest-api'),
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TASKS_TOKEN_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await listeningUrl(child);
    console.log(`  server up at ${url}`);
    const auth = {
      authorization: `Bearer ${signToken({ sub: 'smoke' }, secret)}`,
      'content-type': 'application/json',
    };
    const created = await fetch(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'Smoke test' }),
    });
    const task = await created.json();
    check(created.status === 201, 'POST /tasks → 201');
    const read = await fetch(`${url}/${task.id}`, { headers: auth });
    check(
      read.status === 200 && (await read.json()).title === 'Smoke test',
      'GET /tasks/:id → 200 with the task',
    );
    check((await fetch(url)).status === 401, 'no token → 401');
    const foreign = `Bearer ${signToken({ sub: 'smoke' }, 'some-other-secret')}`;
    check(
      (await fetch(url, { headers: { authorization: foreign } })).status === 401,
      'a token signed with another secret → 401',
    );
    check(
      (await fetch(`${url}/${task.id}`, { method: 'DELETE', headers: auth })).status === 204,
      'DELETE /tasks/:id → 204 (cleans up)',
    );
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

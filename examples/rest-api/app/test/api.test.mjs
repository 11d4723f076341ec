/* global fetch */
// Integration tests: the real server on 127.0.0.1, a free port, an in-memory database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { signToken } from '../src/auth.mjs';
import { openDatabase } from '../src/db.mjs';
import { migrate } from '../src/migrate.mjs';
import { createTaskServer } from '../src/server.mjs';

const SECRET = 'integration-secret';
let server;
let base;

before(async () => {
  const db = openDatabase();
  migrate(db, fileURLToPath(new URL('../db/migrations/', import.meta.url)));
  server = createTaskServer({ db, secret: SECRET });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

function call(method, path, { body, token = signToken({ sub: 'tester' }, SECRET), raw } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${base}${path}`, {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

test('refuses requests without a valid token', async () => {
  const response = await call('GET', '/tasks', { token: null });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.code, 'unauthorized');
  assert.equal((await call('GET', '/tasks', { token: 'not.a.token' })).status, 401);
});

test('POST /tasks creates a task with defaults', async () => {
  const response = await call('POST', '/tasks', { body: { title: 'Plan the release' } });
  assert.equal(response.status, 201);
  const task = await response.json();
  assert.equal(task.title, 'Plan the release');
  assert.equal(task.status, 'todo');
});

test('GET /tasks lists tasks and filters them by status', async () => {
  await call('POST', '/tasks', { body: { title: 'Ship it', status: 'done' } });
  const all = await (await call('GET', '/tasks')).json();
  assert.ok(all.tasks.length >= 2);
  const done = await (await call('GET', '/tasks?status=done')).json();
  assert.ok(done.tasks.length >= 1 && done.tasks.every((t) => t.status === 'done'));
  assert.equal((await call('GET', '/tasks?status=later')).status, 400);
});

test('GET /tasks/:id returns the task, or 404', async () => {
  const created = await (await call('POST', '/tasks', { body: { title: 'Read me' } })).json();
  const response = await call('GET', `/tasks/${created.id}`);
  assert.deepEqual(await response.json(), created);
  const missing = await call('GET', '/tasks/00000000-0000-0000-0000-000000000000');
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not_found');
});

test('PUT /tasks/:id updates the given fields', async () => {
  const created = await (await call('POST', '/tasks', { body: { title: 'Draft' } })).json();
  const response = await call('PUT', `/tasks/${created.id}`, { body: { status: 'in_progress' } });
  assert.equal(response.status, 200);
  const updated = await response.json();
  assert.equal(updated.status, 'in_progress');
  assert.equal(updated.title, 'Draft');
});

test('DELETE /tasks/:id removes the task', async () => {
  const created = await (await call('POST', '/tasks', { body: { title: 'Temporary' } })).json();
  assert.equal((await call('DELETE', `/tasks/${created.id}`)).status, 204);
  assert.equal((await call('GET', `/tasks/${created.id}`)).status, 404);
  assert.equal((await call('DELETE', `/tasks/${created.id}`)).status, 404);
});

test('answers a malformed body or an invalid task with 400 and the reasons', async () => {
  const malformed = await call('POST', '/tasks', { raw: '{"title": ' });
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).error.code, 'invalid_json');
  const invalid = await call('POST', '/tasks', { body: { title: '', status: 'soon' } });
  assert.equal(invalid.status, 400);
  const { error } = await invalid.json();
  assert.deepEqual(error.details.map((d) => d.field).sort(), ['status', 'title']);
});

test('answers unknown routes with 404 and wrong methods with 405', async () => {
  assert.equal((await call('GET', '/projects')).status, 404);
  const response = await call('PATCH', '/tasks');
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, POST');
});

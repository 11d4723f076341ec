/* global fetch */
// Step 5, error handling: the error middleware and the HTTP server that uses it. The server runs on
// a free port and every kind of failure must come back as the same JSON error shape.
import { join } from 'node:path';
import { check, importScratch, install, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

await runStep(async () => {
  await requireScratch('rest-api', 'src/routes.mjs', 'Routes implementation');
  await install('rest-api', 'app', ['src/errors.mjs', 'src/server.mjs']);
  const { createTaskServer } = await importScratch('rest-api', 'src/server.mjs');
  const { openDatabase } = await importScratch('rest-api', 'src/db.mjs');
  const { migrate } = await importScratch('rest-api', 'src/migrate.mjs');
  const { signToken } = await importScratch('rest-api', 'src/auth.mjs');

  const db = openDatabase();
  migrate(db, join(scratchDir('rest-api'), 'db/migrations'));
  // A database that fails, to see what a client gets from an unexpected error.
  const broken = {
    ...db,
    all: () => {
      throw new Error('connection reset by peer at 10.0.0.7');
    },
  };
  const secret = 'step-5-secret';
  const logged = [];
  const log = { write: (text) => logged.push(text) };
  const servers = [createTaskServer({ db, secret, log }), createTaskServer({ db: broken, secret, log })];
  const bases = [];
  for (const server of servers) {
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    bases.push(`http://127.0.0.1:${server.address().port}`);
  }
  const auth = { authorization: `Bearer ${signToken({ sub: 'step-5' }, secret)}` };
  const call = async (base, method, path, init = {}) => {
    const response = await fetch(`${base}${path}`, { method, ...init });
    return { status: response.status, body: await response.json() };
  };
  const shaped = (r, status, code) =>
    r.status === status && r.body.error?.code === code && typeof r.body.error.message === 'string';

  try {
    const results = {
      unauthorized: await call(bases[0], 'GET', '/tasks'),
      notFound: await call(bases[0], 'GET', '/nowhere', { headers: auth }),
      notAllowed: await call(bases[0], 'PATCH', '/tasks', { headers: auth }),
      badJson: await call(bases[0], 'POST', '/tasks', { headers: auth, body: '{oops' }),
      invalid: await call(bases[0], 'POST', '/tasks', { headers: auth, body: '{"title":""}' }),
      internal: await call(bases[1], 'GET', '/tasks', { headers: auth }),
    };
    check(shaped(results.unauthorized, 401, 'unauthorized'), 'no token → 401 unauthorized');
    check(shaped(results.notFound, 404, 'not_found'), 'unknown route → 404 not_found');
    check(shaped(results.notAllowed, 405, 'method_not_allowed'), 'wrong method → 405 method_not_allowed');
    check(shaped(results.badJson, 400, 'invalid_json'), 'malformed body → 400 invalid_json');
    check(
      shaped(results.invalid, 400, 'invalid_task') && results.invalid.body.error.details.length === 1,
      'invalid task → 400 invalid_task with details',
    );
    check(shaped(results.internal, 500, 'internal'), 'unexpected error → 500 internal');
    check(
      !JSON.stringify(results.internal.body).includes('10.0.0.7'),
      'the 500 response leaks nothing about the server',
    );
    check(logged.join('').includes('connection reset'), 'the unexpected error is logged for the operators');
  } finally {
    for (const server of servers) server.close();
  }
});

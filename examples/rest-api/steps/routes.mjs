// Step 4, routes: the five task endpoints, exercised in process against an in-memory database.
import { join } from 'node:path';
import { URLSearchParams } from 'node:url';
import { check, importScratch, install, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

await runStep(async () => {
  await requireScratch('rest-api', 'src/db.mjs', 'Database setup');
  await install('rest-api', 'app', ['src/routes.mjs']);
  const { routes, matchRoute } = await importScratch('rest-api', 'src/routes.mjs');
  const { openDatabase } = await importScratch('rest-api', 'src/db.mjs');
  const { migrate } = await importScratch('rest-api', 'src/migrate.mjs');

  for (const route of routes)
    console.log(`  ${route.method.padEnd(6)} ${route.path.padEnd(11)} ${route.summary}`);
  const db = openDatabase();
  migrate(db, join(scratchDir('rest-api'), 'db/migrations'));
  const call = (method, path, body) => {
    const { route, params } = matchRoute(method, path);
    return route.handler({ db, params, query: new URLSearchParams(), body, user: { sub: 'step-4' } });
  };

  const created = call('POST', '/tasks', { title: 'Write the plan' });
  check(created.status === 201 && created.body.status === 'todo', 'POST /tasks creates a task');
  check(call('GET', '/tasks').body.tasks.length === 1, 'GET /tasks lists it');
  const path = `/tasks/${created.body.id}`;
  check(call('GET', path).body.title === 'Write the plan', 'GET /tasks/:id returns it');
  check(call('PUT', path, { status: 'done' }).body.status === 'done', 'PUT /tasks/:id updates it');
  check(call('DELETE', path).status === 204, 'DELETE /tasks/:id deletes it');
  check(db.all('tasks').length === 0, 'the table is empty again');
});

// Verify "typecheck": the project's contracts agree with each other, the way a type checker would
// make them agree: migration columns = Task model = OpenAPI schema = stored rows, every route has
// a handler and a documented operation, and every $ref in the OpenAPI document resolves.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { check, importScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

const root = scratchDir('rest-api');
const readJson = async (file) => JSON.parse(await readFile(join(root, file), 'utf8'));
const sameKeys = (a, b) => Object.keys(a).sort().join() === Object.keys(b).sort().join();

function refs(value, found = []) {
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref') found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

function resolves(document, ref) {
  if (!ref.startsWith('#/')) return false;
  let node = document;
  for (const part of ref.slice(2).split('/')) node = node?.[part];
  return node !== undefined;
}

await runStep(async () => {
  const { TASK_SCHEMA } = await importScratch('rest-api', 'src/model.mjs');
  const { routes } = await importScratch('rest-api', 'src/routes.mjs');
  const migration = await readJson('db/migrations/001_create_tasks.json');
  const openapi = await readJson('docs/openapi.json');
  const database = await readJson('data/tasks.db.json');

  check(
    sameKeys(migration.up.columns, TASK_SCHEMA.properties),
    "the Task model has exactly the migration's columns",
  );
  check(
    sameKeys(openapi.components.schemas.Task.properties, TASK_SCHEMA.properties),
    'the OpenAPI Task schema matches the model',
  );
  const enumOk =
    JSON.stringify(migration.up.columns.status.values) === JSON.stringify(TASK_SCHEMA.properties.status.enum);
  check(enumOk, 'the status values agree between migration and model');
  check(
    sameKeys(database.tables.tasks.columns, migration.up.columns),
    "the database table has the migration's columns",
  );
  const rowsOk = database.tables.tasks.rows.every((row) => sameKeys(row, TASK_SCHEMA.properties));
  check(rowsOk, `all ${database.tables.tasks.rows.length} stored row(s) have the model's shape`);
  check(
    routes.every((r) => typeof r.handler === 'function' && r.handler.length === 1),
    'every route has a handler taking one context argument',
  );
  const documented = routes.every(
    (r) =>
      openapi.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()]?.operationId ===
      r.operationId,
  );
  check(documented, 'every route is documented under its operationId');
  const dangling = refs(openapi).filter((ref) => !resolves(openapi, ref));
  check(
    dangling.length === 0,
    `every $ref in openapi.json resolves${dangling.length ? ` (not: ${dangling.join(', ')})` : ''}`,
  );
  check(
    openapi.openapi === '3.1.0' && openapi.components.securitySchemes.bearerAuth.bearerFormat === 'JWT',
    'the document is OpenAPI 3.1 with JWT bearer security',
  );
});

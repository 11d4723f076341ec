// Step 7, documentation: the OpenAPI document and a Markdown page, both generated from the route
// table and the Task model, so the docs cannot drift from the code.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { check, importScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

const ERROR = { $ref: '#/components/responses/Error' };
const SUCCESS = {
  listTasks: [
    '200',
    'The tasks, oldest first',
    {
      type: 'object',
      properties: { tasks: { type: 'array', items: { $ref: '#/components/schemas/Task' } } },
    },
  ],
  createTask: ['201', 'The created task', { $ref: '#/components/schemas/Task' }],
  getTask: ['200', 'The task', { $ref: '#/components/schemas/Task' }],
  updateTask: ['200', 'The updated task', { $ref: '#/components/schemas/Task' }],
  deleteTask: ['204', 'Deleted', undefined],
};

function operation(route) {
  const [status, description, schema] = SUCCESS[route.operationId];
  const op = {
    operationId: route.operationId,
    summary: route.summary,
    responses: {
      [status]: schema ? { description, content: { 'application/json': { schema } } } : { description },
      401: ERROR,
    },
  };
  if (route.path.includes(':id')) op.responses[404] = ERROR;
  if (route.method === 'POST' || route.method === 'PUT') {
    const input = route.method === 'POST' ? 'NewTask' : 'TaskChanges';
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${input}` } } },
    };
    op.responses[400] = ERROR;
  }
  if (route.operationId === 'listTasks') {
    op.parameters = [
      {
        name: 'status',
        in: 'query',
        required: false,
        schema: { $ref: '#/components/schemas/Task/properties/status' },
      },
    ];
    op.responses[400] = ERROR;
  }
  return op;
}

await runStep(async () => {
  const { routes } = await importScratch('rest-api', 'src/routes.mjs');
  const { TASK_SCHEMA, WRITABLE_FIELDS } = await importScratch('rest-api', 'src/model.mjs');
  const pkg = JSON.parse(await readFile(join(scratchDir('rest-api'), 'package.json'), 'utf8'));

  const writable = Object.fromEntries(WRITABLE_FIELDS.map((f) => [f, TASK_SCHEMA.properties[f]]));
  const paths = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= route.path.includes(':id')
      ? {
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          ],
        }
      : {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  const openapi = {
    openapi: '3.1.0',
    info: { title: 'Task management API', version: pkg.version },
    servers: [{ url: 'http://localhost:3000' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Task: TASK_SCHEMA,
        NewTask: { type: 'object', required: ['title'], additionalProperties: false, properties: writable },
        TaskChanges: { type: 'object', minProperties: 1, additionalProperties: false, properties: writable },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'array' },
              },
            },
          },
        },
      },
      responses: {
        Error: {
          description: 'An error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
  const docs = join(scratchDir('rest-api'), 'docs');
  await writeFile(join(docs, 'openapi.json'), `${JSON.stringify(openapi, null, 2)}\n`);

  const rows = routes.map((r) => `| \`${r.method}\` | \`${r.path}\` | ${r.summary} |`);
  const markdown = [
    '# Task management API',
    '',
    'Every request needs `Authorization: Bearer <JWT>` (HS256). Errors are JSON: `{ "error": { "code", "message", "details" } }`.',
    '',
    '| method | path | does |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `Task fields: ${Object.keys(TASK_SCHEMA.properties)
      .map((f) => `\`${f}\``)
      .join(', ')}. The full contract is [openapi.json](openapi.json).`,
    '',
  ].join('\n');
  await writeFile(join(docs, 'API.md'), markdown);
  console.log('  + docs/openapi.json\n  + docs/API.md');
  const operations = Object.values(paths).flatMap((p) => Object.keys(p).filter((k) => k !== 'parameters'));
  check(operations.length === routes.length, `the OpenAPI document describes all ${routes.length} endpoints`);
});

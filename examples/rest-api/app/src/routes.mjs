// The API's routes: one table that the server dispatches from and the OpenAPI document is built from.
import { HttpError } from './http-error.mjs';
import { newTask, TASK_STATUSES, validateTaskInput } from './model.mjs';

function found(task, id) {
  if (!task) throw new HttpError(404, 'not_found', `there is no task ${id}`);
  return task;
}

function valid(input, options) {
  const { value, errors } = validateTaskInput(input, options);
  if (errors.length) throw new HttpError(400, 'invalid_task', 'the task is not valid', errors);
  return value;
}

function listTasks({ db, query }) {
  const status = query.get('status');
  if (status !== null && !TASK_STATUSES.includes(status)) {
    throw new HttpError(400, 'invalid_query', `status must be one of ${TASK_STATUSES.join(', ')}`);
  }
  const tasks = db
    .all('tasks')
    .filter((task) => status === null || task.status === status)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { status: 200, body: { tasks } };
}

function createTask({ db, body }) {
  return { status: 201, body: db.insert('tasks', newTask(valid(body))) };
}

function getTask({ db, params }) {
  return { status: 200, body: found(db.find('tasks', params.id), params.id) };
}

function updateTask({ db, params, body }) {
  const changes = valid(body, { partial: true });
  return { status: 200, body: found(db.update('tasks', params.id, changes), params.id) };
}

function deleteTask({ db, params }) {
  if (!db.remove('tasks', params.id)) found(undefined, params.id);
  return { status: 204, body: undefined };
}

export const routes = [
  { method: 'GET', path: '/tasks', operationId: 'listTasks', summary: 'List all tasks', handler: listTasks },
  {
    method: 'POST',
    path: '/tasks',
    operationId: 'createTask',
    summary: 'Create a task',
    handler: createTask,
  },
  { method: 'GET', path: '/tasks/:id', operationId: 'getTask', summary: 'Get one task', handler: getTask },
  {
    method: 'PUT',
    path: '/tasks/:id',
    operationId: 'updateTask',
    summary: 'Update a task',
    handler: updateTask,
  },
  {
    method: 'DELETE',
    path: '/tasks/:id',
    operationId: 'deleteTask',
    summary: 'Delete a task',
    handler: deleteTask,
  },
];

function matches(pattern, pathname) {
  const want = pattern.split('/');
  const got = pathname.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params = {};
  for (const [i, part] of want.entries()) {
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
    } else if (part !== got[i]) return undefined;
  }
  return params;
}

/**
 * The route for a request: `{ route, params }`; `{ allowed }` when the path exists but not with
 * this method; undefined when no route has the path.
 */
export function matchRoute(method, pathname) {
  const allowed = [];
  for (const route of routes) {
    const params = matches(route.path, pathname);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : undefined;
}

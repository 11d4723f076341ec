// The Task model: its fields, its JSON Schema (also used by the OpenAPI document) and input validation.
import { randomUUID } from 'node:crypto';

export const TASK_STATUSES = ['todo', 'in_progress', 'done'];

/** Fields a client may write; the others are set by the server. */
export const WRITABLE_FIELDS = ['title', 'description', 'status', 'due_date'];

/** JSON Schema of a stored task. */
export const TASK_SCHEMA = {
  type: 'object',
  required: ['id', 'title', 'description', 'status', 'due_date', 'created_at'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid', readOnly: true },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 2000 },
    status: { type: 'string', enum: TASK_STATUSES, default: 'todo' },
    due_date: { type: ['string', 'null'], format: 'date' },
    created_at: { type: 'string', format: 'date-time', readOnly: true },
  },
};

function isCalendarDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/**
 * Checks a client's task fields. `partial` (updates) allows any subset of the writable fields but
 * at least one. Returns the accepted fields and a list of `{ field, message }` problems.
 */
export function validateTaskInput(input, { partial = false } = {}) {
  const errors = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { value: {}, errors: [{ field: '', message: 'the body must be a JSON object' }] };
  }
  for (const key of Object.keys(input)) {
    if (!WRITABLE_FIELDS.includes(key)) errors.push({ field: key, message: 'is not a writable field' });
  }
  const has = (field) => Object.hasOwn(input, field);
  if (!partial && !has('title')) errors.push({ field: 'title', message: 'is required' });
  if (partial && !WRITABLE_FIELDS.some(has)) {
    errors.push({ field: '', message: `give at least one of ${WRITABLE_FIELDS.join(', ')}` });
  }
  if (has('title') && (typeof input.title !== 'string' || !input.title.trim() || input.title.length > 200)) {
    errors.push({ field: 'title', message: 'must be text of 1 to 200 characters' });
  }
  if (has('description') && input.description !== null) {
    if (typeof input.description !== 'string' || input.description.length > 2000) {
      errors.push({ field: 'description', message: 'must be text of at most 2000 characters, or null' });
    }
  }
  if (has('status') && !TASK_STATUSES.includes(input.status)) {
    errors.push({ field: 'status', message: `must be one of ${TASK_STATUSES.join(', ')}` });
  }
  if (has('due_date') && input.due_date !== null) {
    if (typeof input.due_date !== 'string' || !isCalendarDate(input.due_date)) {
      errors.push({ field: 'due_date', message: 'must be a date such as 2025-01-31, or null' });
    }
  }
  const value = Object.fromEntries(WRITABLE_FIELDS.filter(has).map((field) => [field, input[field]]));
  if (typeof value.title === 'string') value.title = value.title.trim();
  return { value, errors };
}

/** A new task from validated input. */
export function newTask(value, now = new Date()) {
  return {
    id: randomUUID(),
    title: value.title,
    description: value.description ?? null,
    status: value.status ?? 'todo',
    due_date: value.due_date ?? null,
    created_at: now.toISOString(),
  };
}

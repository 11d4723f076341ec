import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTask, validateTaskInput } from '../src/model.mjs';

test('accepts a complete task and fills in the server-side fields', () => {
  const { value, errors } = validateTaskInput({ title: ' Write docs ', due_date: '2025-02-28' });
  assert.deepEqual(errors, []);
  const task = newTask(value, new Date('2025-01-01T00:00:00Z'));
  assert.equal(task.title, 'Write docs');
  assert.equal(task.status, 'todo');
  assert.equal(task.description, null);
  assert.equal(task.created_at, '2025-01-01T00:00:00.000Z');
  assert.match(task.id, /^[0-9a-f-]{36}$/);
});

test('names every invalid field of a new task', () => {
  const { errors } = validateTaskInput({ status: 'someday', due_date: '2025-02-30', owner: 'x' });
  assert.deepEqual(errors.map((e) => e.field).sort(), ['due_date', 'owner', 'status', 'title']);
});

test('lets an update change any one writable field, but not none', () => {
  assert.deepEqual(validateTaskInput({ status: 'done' }, { partial: true }).errors, []);
  assert.equal(validateTaskInput({}, { partial: true }).errors.length, 1);
});

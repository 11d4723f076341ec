import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet } from './greet.mjs';

test('greets the name it is given', () => {
  assert.equal(greet('proceed'), 'Hello, proceed!');
});

test('greets the world when the name is blank', () => {
  assert.equal(greet('  '), 'Hello, World!');
  assert.equal(greet(), 'Hello, World!');
});

import { describe, expect, it } from 'vitest';
import { actingSender } from '../../../src/gate/rules/rerun.js';

const bob = { login: 'bob', type: 'User' as const };

describe('a re-run attempt acts as whoever re-ran it', () => {
  it.each([
    ['the first attempt', '1', 'alice', bob],
    ['no attempt number', undefined, 'alice', bob],
    ['a re-run by the sender', '2', 'Bob', bob],
    ['a re-run by someone else', '2', 'alice', { login: 'alice', type: 'User' }],
    ['a re-run by a bot', '3', 'renovate[bot]', { login: 'renovate[bot]', type: 'Bot' }],
    ['a re-run with no triggering actor', '2', '', bob],
  ])('%s', (_what, attempt, actor, sender) => {
    expect(actingSender(bob, attempt, actor)).toEqual(sender);
  });
});

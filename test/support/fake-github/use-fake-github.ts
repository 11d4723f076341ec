import { afterEach, beforeEach } from 'vitest';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './index.js';

/**
 * A fresh fake per test, closed afterwards; the test fails when the fake saw any violation.
 * Call at describe level; the returned getter gives the running fake inside a test.
 */
export function useFakeGitHub(options: FakeGitHubOptions = {}): () => FakeGitHub {
  let fake: FakeGitHub | undefined;
  beforeEach(async () => {
    fake = await startFakeGitHub(options);
  });
  afterEach(async () => {
    const running = fake;
    fake = undefined;
    try {
      running?.assertNoViolations();
    } finally {
      await running?.close();
    }
  });
  return () => {
    if (!fake) throw new Error('useFakeGitHub: the fake runs only while a test runs');
    return fake;
  };
}

/** The head's check runs read beside the view (read-ahead.ts): taken once, and never across a write. */
import { describe, expect, it } from 'vitest';
import type { CheckRunInfo, GitHubPort } from '../../src/gate/port.js';
import { readingAhead } from '../../src/gate/read-ahead.js';

/** A port that answers `listCheckRuns` with the number of the read, and counts what it was asked. */
function countingPort() {
  const calls: string[] = [];
  let reads = 0;
  const port = {
    listCheckRuns: async (sha: string, name?: string) => {
      calls.push(`list ${sha}${name ? ` ${name}` : ''}`);
      reads++;
      return [{ id: reads } as CheckRunInfo];
    },
    createCheckRun: async () => {
      calls.push('create');
      return { id: 1, url: '' };
    },
    readFile: async () => {
      calls.push('read');
      return undefined;
    },
  } as unknown as GitHubPort;
  return { port, calls };
}

describe('readingAhead', () => {
  it("answers the next read of the same commit's check runs with the one started ahead, once", async () => {
    const { port, calls } = countingPort();
    const ahead = readingAhead(port);
    ahead.checkRuns('abc');
    expect(calls).toEqual(['list abc']);
    // A read does not drop it.
    await ahead.port.readFile('x', 'abc');
    expect(await ahead.port.listCheckRuns('abc')).toEqual([{ id: 1 }]);
    expect(await ahead.port.listCheckRuns('abc')).toEqual([{ id: 2 }]);
    expect(calls).toEqual(['list abc', 'read', 'list abc']);
  });

  it('reads afresh after a write, for another commit, or for one name', async () => {
    for (const [between, sha, name] of [
      [true, 'abc', undefined],
      [false, 'def', undefined],
      [false, 'abc', 'proceed/verify'],
    ] as const) {
      const { port, calls } = countingPort();
      const ahead = readingAhead(port);
      ahead.checkRuns('abc');
      if (between) await ahead.port.createCheckRun({} as never);
      expect(await ahead.port.listCheckRuns(sha, name)).toEqual([{ id: 2 }]);
      // What was read ahead is not kept for later either.
      expect(await ahead.port.listCheckRuns('abc')).toEqual([{ id: 3 }]);
      expect(calls.filter((c) => c.startsWith('list'))).toHaveLength(3);
    }
  });

  it('passes on a failure of the read to whoever takes it, and to nobody else', async () => {
    const failing = {
      listCheckRuns: () => Promise.reject(new Error('502 Bad Gateway')),
    } as unknown as GitHubPort;
    const taken = readingAhead(failing);
    taken.checkRuns('abc');
    await expect(taken.port.listCheckRuns('abc')).rejects.toThrow('502 Bad Gateway');
    // Not taken: no unhandled rejection (vitest fails the run on one).
    readingAhead(failing).checkRuns('abc');
    await new Promise((resolve) => setImmediate(resolve));
  });
});

/**
 * The two facts of git that both models of GitHub need — the in-memory adapter (memory.ts) and the
 * tests' HTTP fake — written once so they cannot drift: a blob's object id, and the fast-forward test.
 */
import { createHash } from 'node:crypto';

/** Git's object id of a file: sha1 of `blob <byte length>\0<content>`, as `git hash-object` computes it. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Whether `descendant` is `ancestor` or reaches it through parents (git's fast-forward test). */
export function descendsFrom(
  parentsOf: (sha: string) => readonly string[] | undefined,
  descendant: string,
  ancestor: string,
): boolean {
  const seen = new Set<string>();
  const queue = [descendant];
  for (let sha = queue.pop(); sha !== undefined; sha = queue.pop()) {
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(parentsOf(sha) ?? []));
  }
  return false;
}

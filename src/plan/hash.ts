import { createHash } from 'node:crypto';

/** The identity of a plan's exact text: what an approval binds to and what the executor checks. */
export function planHash(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

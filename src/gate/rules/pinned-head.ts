/**
 * `/proceed <sha>` (issue 12, attack 10): the approver names the commit they read, and the command
 * acts only while that commit is the head. A push between reading and commenting is refused, saying so.
 */
import { codeSpan } from '../../render/markdown.js';

/** The commit a command's arguments name: a first word of 7 to 40 hex characters, lower-cased. */
export function pinnedCommit(args: string): string | undefined {
  const word = /^\S+/.exec(args.trim())?.[0] ?? '';
  return /^[0-9a-f]{7,40}$/i.test(word) ? word.toLowerCase() : undefined;
}

/** Why a command pinned to `pin` cannot act on `headSha`; undefined when it names the head (or nothing). */
export function pinnedHeadRefusal(pin: string | undefined, headSha: string): string | undefined {
  if (!pin || headSha.toLowerCase().startsWith(pin)) return undefined;
  return (
    `This command names commit ${codeSpan(pin)}, but the head is now ${codeSpan(headSha.slice(0, 7))}: ` +
    'it approves only the commit it names. Read the plan at the head, then comment again with its SHA.'
  );
}

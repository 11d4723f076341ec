import { readFile, stat } from 'node:fs/promises';
import type { Diagnostic } from './diagnostics.js';
import { MAX_PLAN_BYTES, parsePlan, type ParseResult } from './parse.js';

function refused(file: string, message: string): ParseResult {
  const error: Diagnostic = { severity: 'error', file, line: 1, col: 1, path: '', message };
  return { ok: false, errors: [error], warnings: [], file };
}

/** The message for a file that could not be read, by its errno code. */
export function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'cannot read the plan: the file does not exist; check the path';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read the plan: permission denied; make the file readable';
    case 'EISDIR':
      return 'this is a directory, not a plan file; pass the path of a .plan.yml file';
    case 'ENOTDIR':
      return 'cannot read the plan: a part of the path is not a directory; check the path';
    default:
      return `cannot read the plan (${code ?? (error instanceof Error ? error.message : String(error))}); check the path and that the file is readable`;
  }
}

/**
 * Reads and validates a plan file. Every failure, including one to read the file, comes back as a
 * diagnostic at 1:1 of `displayName` (default: `path`) rather than as an exception.
 */
export async function loadPlanFile(path: string, displayName: string = path): Promise<ParseResult> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return refused(displayName, readFailure({ code: 'EISDIR' }));
    if (!info.isFile())
      return refused(displayName, 'this is not a regular file; pass the path of a .plan.yml file');
    if (info.size > MAX_PLAN_BYTES) {
      return refused(
        displayName,
        `the plan is ${info.size} bytes, more than the ${MAX_PLAN_BYTES} allowed; keep long scripts in files that the steps run`,
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    return refused(displayName, readFailure(error));
  }
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return refused(displayName, 'the file is not UTF-8 text; save it as UTF-8');
  }
  return parsePlan(source, displayName);
}

// Writes schema/plan.schema.json from the zod plan schema, so editors check plans against the same rules
// the bot does. `--check` writes nothing and fails when the committed file differs, so a stale schema
// never lands. Usage: tsx scripts/generate-schema.ts [--check] [FILE]
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from '../src/plan/schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/plan.schema.json', import.meta.url));

/** The exact text committed as schema/plan.schema.json. */
export function planSchemaText(): string {
  return JSON.stringify(planJsonSchema(), null, 2) + '\n';
}

/** Returns the exit code; messages go to the given streams. */
export async function generateSchema(
  args: readonly string[],
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  const check = args.includes('--check');
  const unknown = args.filter((arg) => arg.startsWith('-') && arg !== '--check');
  const files = args.filter((arg) => !arg.startsWith('-'));
  if (unknown.length > 0 || files.length > 1) {
    err(
      `usage: tsx scripts/generate-schema.ts [--check] [FILE]  (unexpected: ${[...unknown, ...files.slice(1)].join(' ')})`,
    );
    return 2;
  }
  const file = files[0] ?? SCHEMA_FILE;
  const inCwd = relative(process.cwd(), file);
  const shown = inCwd && !inCwd.startsWith('..') && !isAbsolute(inCwd) ? inCwd : file;
  const fresh = planSchemaText();
  if (!check) {
    await writeFile(file, fresh);
    out(`wrote ${shown}`);
    return 0;
  }
  const committed = await readFile(file, 'utf8').catch(() => undefined);
  if (committed === fresh) {
    out(`${shown} is up to date with src/plan/schema.ts.`);
    return 0;
  }
  const why = committed === undefined ? 'is missing' : 'is out of date with src/plan/schema.ts';
  err(`${shown} ${why}: run \`npm run schema\` and commit the result.`);
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await generateSchema(process.argv.slice(2));
}

// Writes schema/plan.schema.json and schema/policy.schema.json from the zod plan and policy schemas, so
// editors check plans and `.github/proceed.yml` against the same rules the bot does. `--check` writes
// nothing and fails when a committed file differs, so a stale schema never lands. With FILE, only the
// plan's schema is written to (or checked against) FILE.
// Usage: tsx scripts/generate-schema.ts [--check] [FILE]
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyJsonSchema } from '../src/gate/policy.js';
import { planJsonSchema } from '../src/plan/schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/plan.schema.json', import.meta.url));
export const POLICY_SCHEMA_FILE = fileURLToPath(new URL('../schema/policy.schema.json', import.meta.url));

/** The exact text committed as schema/plan.schema.json. */
export function planSchemaText(): string {
  return JSON.stringify(planJsonSchema(), null, 2) + '\n';
}

/** The exact text committed as schema/policy.schema.json. */
export function policySchemaText(): string {
  return JSON.stringify(policyJsonSchema(), null, 2) + '\n';
}

interface Target {
  file: string;
  text: string;
  source: string;
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
  const plan: Target = {
    file: files[0] ?? SCHEMA_FILE,
    text: planSchemaText(),
    source: 'src/plan/schema.ts',
  };
  const policy: Target = { file: POLICY_SCHEMA_FILE, text: policySchemaText(), source: 'src/gate/policy.ts' };
  const targets = files.length ? [plan] : [plan, policy];
  let code = 0;
  for (const target of targets) {
    const inCwd = relative(process.cwd(), target.file);
    const shown = inCwd && !inCwd.startsWith('..') && !isAbsolute(inCwd) ? inCwd : target.file;
    if (!check) {
      await writeFile(target.file, target.text);
      out(`wrote ${shown}`);
      continue;
    }
    const committed = await readFile(target.file, 'utf8').catch(() => undefined);
    if (committed === target.text) {
      out(`${shown} is up to date with ${target.source}.`);
      continue;
    }
    const why = committed === undefined ? 'is missing' : `is out of date with ${target.source}`;
    err(`${shown} ${why}: run \`npm run schema\` and commit the result.`);
    code = 1;
  }
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await generateSchema(process.argv.slice(2));
}

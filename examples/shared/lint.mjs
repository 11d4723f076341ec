// A small lint for the examples' generated projects, standing in for ESLint (the examples use
// no npm packages): every JavaScript file must parse (`node --check`), every JSON file must
// parse, and no file may keep debugging leftovers or sloppy whitespace.
//
// Usage: node examples/shared/lint.mjs DIR
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const RULES = [
  { test: /[ \t]+$/m, message: 'trailing whitespace' },
  { test: /^\s*debugger\s*;?\s*$/m, message: 'a `debugger` statement' },
  { test: /\bconsole\.log\(/, message: 'console.log in library code (src/)', only: /(^|\/)src\// },
  { test: /\t/, message: 'a tab (indent with spaces)' },
];

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

async function lintFile(root, path) {
  const name = relative(root, path);
  const ext = extname(path);
  const problems = [];
  if (!['.js', '.mjs', '.json', '.html', '.md', '.ts'].includes(ext))
    return { name, problems, skipped: true };
  const text = await readFile(path, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) problems.push('no newline at the end of the file');
  for (const rule of RULES) {
    if (rule.only && !rule.only.test(name)) continue;
    const match = rule.test.exec(text);
    if (match) problems.push(`${rule.message} (line ${text.slice(0, match.index).split('\n').length})`);
  }
  if (ext === '.json') {
    try {
      JSON.parse(text);
    } catch (err) {
      problems.push(`invalid JSON: ${err.message}`);
    }
  }
  if (ext === '.js' || ext === '.mjs') {
    try {
      await run(process.execPath, ['--check', path]);
    } catch (err) {
      problems.push(`does not parse: ${String(err.stderr).trim().split('\n').slice(0, 5).join(' ')}`);
    }
  }
  return { name, problems, skipped: false };
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node examples/shared/lint.mjs DIR');
  process.exit(2);
}
const paths = [];
try {
  for await (const path of files(root)) paths.push(path);
} catch (err) {
  console.error(`✗ cannot read ${root}: ${err.message}`);
  process.exit(1);
}
const results = await Promise.all(paths.map((path) => lintFile(root, path)));
const checked = results.filter((r) => !r.skipped);
const failing = checked.filter((r) => r.problems.length > 0);
for (const r of failing) for (const problem of r.problems) console.log(`${r.name}: ${problem}`);
if (failing.length) {
  console.log(`✗ ${failing.length} of ${checked.length} file(s) have problems`);
  process.exitCode = 1;
} else console.log(`✓ ${checked.length} file(s) lint clean`);

// Runs test files of the scratch project with node:test and reads the TAP summary.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { scratchDir } from '../../shared/scratch.mjs';

const run = promisify(execFile);

export async function runTests(files) {
  const result = await run(process.execPath, ['--test', '--test-reporter=tap', ...files], {
    cwd: scratchDir('two-factor'),
  }).catch((error) => error);
  const tap = String(result.stdout);
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? NaN);
  const lines = tap.split('\n').filter((line) => /^(not )?ok \d+/.test(line));
  return { pass: count('pass'), fail: count('fail'), lines, output: `${tap}${result.stderr ?? ''}` };
}

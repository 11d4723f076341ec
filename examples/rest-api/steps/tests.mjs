// Step 6, testing: unit tests (model, JWT) and integration tests (every endpoint over HTTP), written
// into the project and run with node:test.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { check, install, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

const run = promisify(execFile);
const TESTS = ['test/model.test.mjs', 'test/auth.test.mjs', 'test/api.test.mjs'];

await runStep(async () => {
  await requireScratch('rest-api', 'src/server.mjs', 'Error handling');
  await install('rest-api', 'app', TESTS);
  const result = await run(process.execPath, ['--test', '--test-reporter=tap', ...TESTS], {
    cwd: scratchDir('rest-api'),
  }).catch((error) => error);
  const tap = String(result.stdout);
  for (const line of tap.split('\n')) if (/^(not )?ok \d+/.test(line)) console.log(`  ${line}`);
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? NaN);
  if (count('fail') !== 0) process.stdout.write(`${tap}${result.stderr ?? ''}`);
  check(count('fail') === 0, 'no test fails');
  check(count('pass') >= 15, `all ${count('pass')} tests pass (the plan expects at least 15)`);
});

// Step 8, testing: unit tests of the TOTP module (against the RFC test vectors), integration tests
// of enrollment and end-to-end tests of the login flow, run together with the existing tests.
import { check, install, requireScratch, runStep } from '../../shared/scratch.mjs';
import { runTests } from '../lib/node-test.mjs';

const NEW_TESTS = ['test/totp.test.mjs', 'test/enrollment.test.mjs', 'test/login-2fa.test.mjs'];
const EXISTING_TESTS = 3;

await runStep(async () => {
  await requireScratch('two-factor', 'src/pages.mjs', 'Frontend changes');
  await install('two-factor', 'feature', ['test/two-factor-app.mjs', ...NEW_TESTS]);
  const result = await runTests([...NEW_TESTS, 'test/login.test.mjs']);
  for (const line of result.lines) console.log(`  ${line}`);
  if (result.fail !== 0) process.stdout.write(result.output);
  check(result.fail === 0, `no test fails (${result.pass} pass)`);
  check(
    result.pass - EXISTING_TESTS >= 12,
    `${result.pass - EXISTING_TESTS} new tests and the ${EXISTING_TESTS} existing ones pass`,
  );
});

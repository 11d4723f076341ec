// Step 1, dependencies. The existing application (a password login) is copied into a fresh
// scratch folder and its tests establish the baseline. The seed's packages become vendored code,
// because the examples install nothing from npm: speakeasy → src/vendor/totp.mjs (RFC 4226/6238 on
// node:crypto), qrcode → the otpauth:// URI the QR code encodes, @types → src/vendor/totp.d.ts.
import { cp } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { check, exampleFile, importScratch, install, resetScratch, runStep } from '../../shared/scratch.mjs';
import { runTests } from '../lib/node-test.mjs';

await runStep(async () => {
  const root = await resetScratch('two-factor');
  await cp(exampleFile('two-factor', 'app'), root, { recursive: true });
  console.log('  copied the existing login application');
  const baseline = await runTests(['test/login.test.mjs']);
  check(
    baseline.fail === 0 && baseline.pass === 3,
    `baseline: the ${baseline.pass} existing login tests pass`,
  );

  await install('two-factor', 'feature', [
    'src/vendor/totp.mjs',
    'src/vendor/totp.d.ts',
    'src/vendor/README.md',
  ]);
  const totp = await importScratch('two-factor', 'src/vendor/totp.mjs');
  check(
    totp.hotp(Buffer.from('12345678901234567890'), 0) === '755224',
    'speakeasy → src/vendor/totp.mjs (RFC 4226 vector for counter 0)',
  );
  check(
    totp
      .otpauthUri({ issuer: 'Login App', account: 'ada', secret: 'JBSWY3DP' })
      .startsWith('otpauth://totp/'),
    'qrcode → otpauthUri(), what the QR code encodes',
  );
  check(totp.base32Decode(totp.generateSecret()).length === 20, 'secrets are 20 random bytes, base32');
});

// Step 3, TOTP service: secret generation, token verification (one step of clock drift, no replays)
// and the backup code functions.
import { check, importScratch, install, requireScratch, runStep } from '../../shared/scratch.mjs';
import { authenticator, sandboxApp } from '../lib/sandbox.mjs';

await runStep(async () => {
  await requireScratch('two-factor', 'src/secret-box.mjs', 'Database changes');
  await install('two-factor', 'feature', ['src/two-factor.mjs']);
  const service = await importScratch('two-factor', 'src/two-factor.mjs');
  const { app, clock } = await sandboxApp();
  const user = app.users.get(2);

  const { secret, sealed, otpauthUrl } = service.createSecret(app, user);
  check(
    !sealed.includes(secret) && otpauthUrl.includes(`secret=${secret}`),
    'a new secret: sealed for storage, in the otpauth URI for the app',
  );
  const code = await authenticator(app, secret);
  const step = service.checkCode(app, sealed, code);
  check(step !== null, 'the current code verifies');
  check(
    service.checkCode(app, sealed, code, step) === null,
    'the same code is refused a second time (replay)',
  );
  clock.now += 30_000;
  check(
    service.checkCode(app, sealed, code) !== null,
    'the previous code still verifies 30 s later (clock drift)',
  );
  clock.now += 60_000;
  check(service.checkCode(app, sealed, code) === null, 'it is refused 90 s later');

  const codes = service.generateBackupCodes();
  check(
    codes.length === 10 &&
      new Set(codes).size === 10 &&
      codes.every((c) => /^[A-Z2-9]{5}-[A-Z2-9]{5}$/.test(c)),
    'backup codes: 10 distinct, like K7QX2-M9PAT',
  );
  const hashes = await Promise.all(codes.map(service.hashBackupCode));
  check(
    (await service.matchBackupCode(hashes, codes[3].toLowerCase())) === 3,
    'a backup code matches its hash (case and dashes do not matter)',
  );
  check(
    (await service.matchBackupCode(hashes, 'AAAAA-AAAAA')) === -1,
    'an unknown backup code matches nothing',
  );
});

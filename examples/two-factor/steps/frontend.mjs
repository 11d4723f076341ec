// Step 7, frontend changes: the 2FA setup page, the code step of the login and the backup codes
// with a download link, rendered into web/ for a real enrollment and checked.
import { Buffer } from 'node:buffer';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { check, importScratch, install, requireScratch, runStep, scratchDir } from '../../shared/scratch.mjs';
import { enroll, PASSWORD, sandboxApp } from '../lib/sandbox.mjs';

await runStep(async () => {
  await requireScratch('two-factor', 'src/backup-codes.mjs', 'Backup codes');
  await install('two-factor', 'feature', ['src/pages.mjs']);
  const pages = await importScratch('two-factor', 'src/pages.mjs');
  const { backupCodesFile } = await importScratch('two-factor', 'src/backup-codes.mjs');
  const { login } = await importScratch('two-factor', 'src/login.mjs');
  const { app, clock } = await sandboxApp();
  const carol = await enroll(app, clock, 'carol');
  const { challenge } = await login(app, { username: 'carol', password: PASSWORD });

  const html = {
    'setup.html': pages.renderSetupPage({ username: 'carol', ...carol.started.body }),
    'login-2fa.html': pages.renderLoginCodePage({ challenge }),
    'backup-codes.html': pages.renderBackupCodesPage({
      codes: carol.backupCodes,
      fileText: backupCodesFile('carol', carol.backupCodes),
    }),
  };
  const web = join(scratchDir('two-factor'), 'web');
  await mkdir(web, { recursive: true });
  for (const [name, text] of Object.entries(html)) {
    await writeFile(join(web, name), text);
    console.log(`  + web/${name}`);
  }

  check(
    html['setup.html'].includes('action="/auth/2fa/verify"') &&
      html['setup.html'].includes('data-qr="otpauth://totp/'),
    'setup page: QR code data and the verify form',
  );
  check(
    html['login-2fa.html'].includes('autocomplete="one-time-code"') &&
      html['login-2fa.html'].includes('name="backupCode"'),
    'login: a code input, and a backup code option',
  );
  const href = /href="data:text\/plain;base64,([^"]+)"/.exec(html['backup-codes.html'])?.[1] ?? '';
  check(
    carol.backupCodes.every((c) => Buffer.from(href, 'base64').toString().includes(c)),
    'backup codes page: the download link holds all 10 codes',
  );
  const hostile = pages.renderSetupPage({ username: '<script>alert(1)</script>', ...carol.started.body });
  check(!hostile.includes('<script>'), 'user data is escaped');
});

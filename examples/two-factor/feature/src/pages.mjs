// The frontend's three new pieces, rendered as HTML: the 2FA setup page, the code step of the
// login, and the backup codes with a download link. Every value is escaped.
import { Buffer } from 'node:buffer';

const escape = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

const page = (title, body) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body>
<main>
<h1>${escape(title)}</h1>
${body}
</main>
</body>
</html>
`;

const codeInput = (name) =>
  `<input name="${name}" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>`;

export function renderSetupPage({ username, otpauthUrl, secret }) {
  return page(
    'Set up two-factor authentication',
    `<p>Signed in as <strong>${escape(username)}</strong>.</p>
<ol>
<li>Open your authenticator app and scan the QR code, or open <a href="${escape(otpauthUrl)}" data-qr="${escape(otpauthUrl)}">this link</a> on your phone.</li>
<li>Can't scan? Enter this key: <code>${escape(secret.replace(/(.{4})/g, '$1 ').trim())}</code></li>
<li>Enter the 6-digit code the app shows.</li>
</ol>
<form method="post" action="/auth/2fa/verify">
<label>Code ${codeInput('code')}</label>
<button type="submit">Verify</button>
</form>`,
  );
}

export function renderLoginCodePage({ challenge, error = '' }) {
  return page(
    'Two-factor authentication',
    `${error ? `<p role="alert">${escape(error)}</p>\n` : ''}<form method="post" action="/auth/login/2fa">
<input type="hidden" name="challenge" value="${escape(challenge)}">
<label>Code from your authenticator app ${codeInput('code')}</label>
<button type="submit">Sign in</button>
</form>
<details>
<summary>Use a backup code instead</summary>
<form method="post" action="/auth/login/2fa">
<input type="hidden" name="challenge" value="${escape(challenge)}">
<label>Backup code <input name="backupCode" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form>
</details>`,
  );
}

export function renderBackupCodesPage({ codes, fileText }) {
  const href = `data:text/plain;base64,${Buffer.from(fileText).toString('base64')}`;
  return page(
    'Your backup codes',
    `<p>Each code signs you in once if you lose your phone. They are shown only now.</p>
<ul class="backup-codes">
${codes.map((code) => `<li><code>${escape(code)}</code></li>`).join('\n')}
</ul>
<a download="backup-codes.txt" href="${href}">Download the codes</a>`,
  );
}

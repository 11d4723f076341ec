/**
 * Which values are masked in posted logs, and in which forms. Masking guards against accidents (a
 * step that echoes its environment, git printing an Authorization header); a hostile step can
 * always encode a secret some other way, so it is no defence against the step itself.
 */
import { readFileSync } from 'node:fs';

/**
 * Values that look like secrets in the environment steps inherit (a workflow passes secrets to a step as
 * variables: `env: { DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }} }`), masked in every posted log.
 */
export function secretsInEnvironment(env: NodeJS.ProcessEnv): string[] {
  const name = /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY/i;
  return Object.entries(env)
    .filter(([key, value]) => name.test(key) && value && value.length >= 6)
    .map(([, value]) => value!);
}

/** Shorter forms would mask ordinary words in the output. */
const SHORTEST_FORM = 6;

/**
 * The part of a value's base64 that is the same wherever the value sits in a longer encoded
 * string: for each of the three byte alignments, the characters that only the value's own bits
 * decide (the first and last ones also carry bits of the neighbouring bytes).
 */
function base64Alignments(bytes: Buffer): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    forms.push(encoded.slice(first, last));
  }
  return forms;
}

const toBase64Url = (base64: string): string =>
  base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * A secret and its common encodings: base64 and base64url (whole, and as part of a longer
 * encoded string at each alignment), git's `basic base64(x-access-token:TOKEN)` header, URL
 * encoding and hex. A multi-line value (a PEM key) is masked whole, JSON-escaped and line by line.
 */
export function secretForms(secret: string): string[] {
  if (secret.length === 0) return [];
  if (secret.includes('\n')) {
    // A key file is leaked by accident whole, JSON-escaped, or a line at a time; encoding all of
    // it would only make every mask slower.
    const forms = new Set<string>([secret, secret.replace(/\r?\n/g, '\\n')]);
    for (const line of secret.split(/\r?\n/)) {
      // A PEM's armour lines (-----BEGIN …-----) are public; its body lines are the key.
      if (line.trim().length >= SHORTEST_FORM && !line.startsWith('-----')) forms.add(line.trim());
    }
    return [...forms];
  }
  const forms = new Set<string>([secret]);
  const bytes = Buffer.from(secret, 'utf8');
  const whole = bytes.toString('base64');
  const header = Buffer.from(`x-access-token:${secret}`, 'utf8').toString('base64');
  for (const form of [whole, header, ...base64Alignments(bytes)]) {
    forms.add(form);
    forms.add(toBase64Url(form));
  }
  forms.add(encodeURIComponent(secret));
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  return [...forms].filter((form) => form === secret || form.length >= SHORTEST_FORM);
}

/** Every form of every secret, for the maskers. */
export function withEncodings(secrets: readonly string[]): string[] {
  return [...new Set(secrets.flatMap(secretForms))];
}

/**
 * The app's own credentials, masked in everything it posts whatever reaches a step: the private
 * key (from `PRIVATE_KEY` or the file `PRIVATE_KEY_PATH` names), the webhook secret, the OAuth
 * client secret and any other secret-looking variable of the app's environment.
 */
export function appCredentials(env: NodeJS.ProcessEnv): string[] {
  const found = secretsInEnvironment(env);
  for (const key of ['PRIVATE_KEY', 'WEBHOOK_SECRET', 'GITHUB_CLIENT_SECRET']) {
    const value = env[key];
    if (value) found.push(value, value.replace(/\\n/g, '\n'));
  }
  if (env.PRIVATE_KEY_PATH) {
    try {
      found.push(readFileSync(env.PRIVATE_KEY_PATH, 'utf8'));
    } catch {
      // Unreadable: the app itself cannot start with it, and no step can print it.
    }
  }
  return [...new Set(found.filter((value) => value.length > 0))];
}

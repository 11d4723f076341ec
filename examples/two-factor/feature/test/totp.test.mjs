// Unit tests of the vendored TOTP module, against the RFCs' own test vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { base32Decode, base32Encode, hotp, otpauthUri, totp, verifyTotp } from '../src/vendor/totp.mjs';

test('matches the RFC 6238 test vectors (SHA-1, SHA-256, SHA-512)', () => {
  const secrets = {
    sha1: Buffer.from('12345678901234567890'),
    sha256: Buffer.from('12345678901234567890123456789012'),
    sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
  };
  const vectors = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [seconds, ...expected] of vectors) {
    ['sha1', 'sha256', 'sha512'].forEach((algorithm, i) => {
      assert.equal(
        totp(secrets[algorithm], { time: seconds * 1000, digits: 8, algorithm }),
        expected[i],
        `${algorithm} at ${seconds}`,
      );
    });
  }
});

test('matches the RFC 4226 HOTP test vectors', () => {
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  expected.forEach((code, counter) => assert.equal(hotp(Buffer.from('12345678901234567890'), counter), code));
});

test('round-trips secrets through base32 (RFC 4648 vectors)', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32Decode('MZXW 6YTB OI======').toString(), 'foobar');
  assert.throws(() => base32Decode('MZ1W'), /not a base32 character/);
});

test('accepts one step of clock drift, no more, and builds the otpauth URI', () => {
  const secret = Buffer.from('12345678901234567890');
  const now = 1_700_000_000_000;
  const previous = totp(secret, { time: now - 30_000 });
  assert.notEqual(verifyTotp(secret, previous, { time: now }), null);
  assert.equal(verifyTotp(secret, totp(secret, { time: now - 90_000 }), { time: now }), null);
  assert.equal(verifyTotp(secret, 'abcdef', { time: now }), null);
  assert.equal(
    otpauthUri({ issuer: 'Login App', account: 'ada', secret: 'JBSWY3DPEHPK3PXP' }),
    'otpauth://totp/Login%20App%3Aada?secret=JBSWY3DPEHPK3PXP&issuer=Login+App&algorithm=SHA1&digits=6&period=30',
  );
});

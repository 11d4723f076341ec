// Step 3, authentication middleware: JWT (HS256) signing and verification and the middleware that
// requires a bearer token, checked against a forged, an expired and a missing token.
import { check, importScratch, install, requireScratch, runStep } from '../../shared/scratch.mjs';

function rejects(fn) {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error.status;
  }
}

await runStep(async () => {
  await requireScratch('rest-api', 'src/http-error.mjs', 'Project setup');
  await install('rest-api', 'app', ['src/auth.mjs']);
  const { authenticate, signToken, verifyToken } = await importScratch('rest-api', 'src/auth.mjs');

  const secret = 'step-3-secret';
  const token = signToken({ sub: 'ada' }, secret);
  check(verifyToken(token, secret).sub === 'ada', 'a signed token verifies');
  check(
    rejects(() => verifyToken(`${token.slice(0, -2)}xx`, secret)) === 401,
    'a forged signature is refused (401)',
  );
  const old = signToken({ sub: 'ada' }, secret, { expiresInSeconds: 1, now: Date.now() - 10_000 });
  check(rejects(() => verifyToken(old, secret)) === 401, 'an expired token is refused (401)');
  check(
    rejects(() => authenticate({ headers: {} }, secret)) === 401,
    'a request without a token is refused (401)',
  );
  const claims = authenticate({ headers: { authorization: `Bearer ${token}` } }, secret);
  check(claims.sub === 'ada', 'the middleware passes a request with a valid bearer token');
});

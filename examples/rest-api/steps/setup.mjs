// Step 1, project setup: a fresh project folder with its structure and configuration. The seed's
// dependencies map to Node built-ins (this example installs nothing): express → node:http,
// jsonwebtoken → node:crypto, pg → a JSON file (node:fs), the test runner → node:test.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { check, install, resetScratch, runStep } from '../../shared/scratch.mjs';

const BUILT_INS = {
  express: ['node:http', 'createServer'],
  jsonwebtoken: ['node:crypto', 'createHmac'],
  pg: ['node:fs', 'renameSync'],
  'mocha/jest': ['node:test', 'test'],
};

await runStep(async () => {
  const major = Number(process.versions.node.split('.')[0]);
  check(major >= 20, `Node ${process.versions.node} is 20 or newer`);

  const root = await resetScratch('rest-api');
  for (const dir of ['src', 'test', 'db/migrations', 'data', 'docs'])
    await mkdir(join(root, dir), { recursive: true });
  await install('rest-api', 'app', ['package.json', 'jsconfig.json', 'src/config.mjs', 'src/http-error.mjs']);

  for (const [pkg, [builtIn, name]] of Object.entries(BUILT_INS)) {
    const found = typeof (await import(builtIn))[name] === 'function';
    check(found, `${pkg} → ${builtIn} (${name})`);
  }
});

// Bundles the entry points into dist/ with esbuild. `--check` builds into a temporary
// folder and fails when the committed dist/ differs, so a stale bundle never lands.
import { build } from 'esbuild';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleOptions } from './bundle-options.mjs';

const entries = {
  index: 'src/action/index.ts',
  cli: 'src/cli/main.ts',
};

const check = process.argv.includes('--check');
const outdir = check ? await mkdtemp(join(tmpdir(), 'proceed-dist-')) : 'dist';

const common = { ...bundleOptions, outdir };
/** The code dist/app.js and dist/server.js share, in one chunk instead of twice. */
const SHARED = /^app-shared-[A-Z0-9]+\.js$/;
if (!check) {
  await mkdir(outdir, { recursive: true });
  for (const name of await readdir(outdir)) if (SHARED.test(name)) await rm(join(outdir, name));
}

await build({ ...common, entryPoints: entries });
// The app runs from a clone after `npm ci`: its dependencies stay in node_modules, where Probot
// finds its setup page's views and pino its transports. dist/app.js default-exports the app
// function, for `probot run` and `probot receive`; dist/server.js is `npm start`. What both
// import is one shared chunk beside them.
await build({
  ...common,
  entryPoints: { app: 'src/app/index.ts', server: 'src/app/server.ts' },
  packages: 'external',
  splitting: true,
  chunkNames: 'app-shared-[hash]',
});

if (check) {
  const stale = [];
  const fresh = new Set(await readdir(outdir));
  for (const name of await readdir('dist'))
    if (SHARED.test(name) && !fresh.has(name)) stale.push(`dist/${name}`);
  for (const name of fresh) {
    const fresh = await readFile(join(outdir, name));
    const committed = await readFile(join('dist', name)).catch(() => null);
    if (!committed || !fresh.equals(committed)) stale.push(`dist/${name}`);
  }
  await rm(outdir, { recursive: true, force: true });
  if (stale.length) {
    console.error(`${stale.join(', ')} out of date with src/: run \`npm run build\` and commit dist/.`);
    process.exit(1);
  }
  console.log('dist/ is up to date with src/.');
}

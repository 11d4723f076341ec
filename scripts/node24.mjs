#!/usr/bin/env node
/**
 * Runs a script on Node 24, the Action's runtime (`runs.using: node24`), whatever Node runs npm.
 * The binary comes from the npm registry's `node-<os>-<cpu>` package, unpacked once into a cache
 * folder outside the repository; it is not a dependency in package.json, where it would break
 * `npm ci` on other platforms and put Node 24 first on `node_modules/.bin`.
 *
 *   node scripts/node24.mjs node_modules/vitest/vitest.mjs run   # the suite on Node 24
 *   node scripts/node24.mjs --version                            # fetch if needed, print the version
 *
 * The cache folder is $PROCEED_NODE24_DIR, else $XDG_CACHE_HOME/proceed (default ~/.cache/proceed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const VERSION = '24.21.0';

function cachedNode() {
  if (process.versions.node.split('.')[0] === '24') return process.execPath;
  const os = process.platform === 'win32' ? 'win' : process.platform;
  const pkg = `node-${os}-${process.arch}`;
  const root =
    process.env.PROCEED_NODE24_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'proceed');
  const dir = join(root, `${pkg}-${VERSION}`);
  const bin = process.platform === 'win32' ? join(dir, 'bin', 'node.exe') : join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, '.fetch-'));
  try {
    console.error(`node24: fetching ${pkg}@${VERSION} from the npm registry into ${dir}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['pack', `${pkg}@${VERSION}`, '--pack-destination', work, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${pkg}@${VERSION} left no tarball in ${work}`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
    // Another run may have unpacked it meanwhile; the rename is the one step that publishes it.
    if (!existsSync(bin)) renameSync(join(work, 'package'), dir);
  } catch (err) {
    console.error(
      `node24: could not get Node ${VERSION} (${err.message}). Install Node 24 and run the command with it, or set PROCEED_NODE24_DIR to a folder holding bin/node.`,
    );
    process.exit(2);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

const node = cachedNode();
const result = spawnSync(node, process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  console.error(`node24: could not start ${node}: ${result.error.message}`);
  process.exit(2);
}
process.exit(result.status ?? 1);

// How every bundle in dist/ is built (scripts/build.mjs), and the bench's floor action with it
// (bench/rows/cold-start.ts), so that the two are compared on the same terms.
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: false,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: {
    js: "import { createRequire as __proceedRequire } from 'node:module'; const require = __proceedRequire(import.meta.url);",
  },
};

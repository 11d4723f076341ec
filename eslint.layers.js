// @ts-check
/**
 * The layer order of src/ (README "Architecture"), enforced by eslint-plugin-boundaries: each folder
 * imports only from the folders before it — plan → execute, render → gate → github → the doors
 * (action, app, cli), which never import each other. render may read the executor's event types
 * (execute/events.ts) and nothing else of execute; execute reads nothing of render. Tests, the
 * benchmarks and the reliability suite sit outside the layers: bench/ and reliability/ import only
 * src/ and test/support/ (bench also the build's esbuild options in scripts/), never a test. No exceptions are listed: an import against this order is an
 * error (test/architecture/layers.test.ts proves it catches one).
 */
import boundaries from 'eslint-plugin-boundaries';

const CORE = ['plan', 'execute', 'render', 'gate', 'github'];
const DOORS = ['action', 'app', 'cli'];
const SRC = [...CORE, ...DOORS];

/** @param {string} type @param {string[]} may */
const layer = (type, may) => ({
  from: { element: { type } },
  allow: { to: { element: { types: { anyOf: [type, ...may] } } } },
});

/** @type {import('eslint').Linter.Config[]} */
export const layers = [
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'reliability/**/*.ts', 'scripts/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/include': ['src/**', 'test/**', 'bench/**', 'reliability/**', 'scripts/**'],
      // The executor's event types: the one file of execute that render may read.
      'boundaries/files': [{ category: 'event-types', pattern: 'src/execute/events.ts' }],
      'boundaries/elements': [
        ...['plan', 'execute', 'render', 'gate', 'github', 'action', 'app', 'cli'].map((type) => ({
          type,
          pattern: `src/${type}`,
          partialMatch: false,
        })),
        { type: 'test-support', pattern: 'test/support', partialMatch: false },
        { type: 'test', pattern: 'test', partialMatch: false },
        { type: 'bench', pattern: 'bench', partialMatch: false },
        { type: 'reliability', pattern: 'reliability', partialMatch: false },
        { type: 'scripts', pattern: 'scripts', partialMatch: false },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            layer('plan', []),
            layer('execute', ['plan']),
            layer('render', ['plan']),
            {
              from: { element: { type: 'render' } },
              allow: { to: { element: { type: 'execute' }, file: { categories: 'event-types' } } },
            },
            layer('gate', ['plan', 'execute', 'render']),
            layer('github', ['plan', 'execute', 'render', 'gate']),
            ...DOORS.map((door) => layer(door, CORE)),
            layer('test-support', SRC),
            layer('test', [...SRC, 'test-support', 'bench', 'reliability', 'scripts']),
            layer('bench', [...SRC, 'test-support', 'scripts']),
            layer('reliability', [...SRC, 'test-support']),
            layer('scripts', SRC),
          ],
        },
      ],
    },
  },
];

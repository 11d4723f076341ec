/**
 * The layer rule (eslint.layers.js) catches imports against the layer order, and lets the allowed
 * ones through: each case lints one import as if it were written in a file of that folder.
 */
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages for `source` linted as the file `file` (relative to the repository). */
async function layerErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('the layer rule', () => {
  it.each([
    [
      'execute importing render',
      'src/execute/probe.ts',
      "import { codeSpan } from '../render/markdown.js';",
      'render',
    ],
    [
      'render importing the gate',
      'src/render/probe.ts',
      "import type { View } from '../gate/view.js';",
      'gate',
    ],
    [
      'render importing the executor itself',
      'src/render/probe.ts',
      "import { executePlan } from '../execute/executor.js';",
      'execute',
    ],
    [
      'the gate importing an adapter',
      'src/gate/probe.ts',
      "import { OctokitPort } from '../github/octokit.js';",
      'github',
    ],
    [
      'plan importing the gate',
      'src/plan/probe.ts',
      "import type { StoredState } from '../gate/state.js';",
      'gate',
    ],
    [
      'a door importing another door',
      'src/app/probe.ts',
      "import { run } from '../action/main.js';",
      'action',
    ],
    [
      'the reliability suite importing a test',
      'reliability/probe.ts',
      "import { sample } from '../test/cli/cli.test.js';",
      'test',
    ],
  ])(
    'refuses %s',
    async (_name, file, importLine, target) => {
      const errors = await layerErrors(
        file,
        `${importLine}\nexport const used = [${importLine.match(/\{ (?:type )?(\w+)/)?.[1] ?? ''}];\n`,
      );
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`to elements of type "${target}"`);
    },
    60_000,
  );

  it.each([
    [
      'render reading the executor’s event types',
      'src/render/probe.ts',
      "import type { ExecEvent } from '../execute/events.js';",
    ],
    [
      'the gate importing the plan, the executor and render',
      'src/gate/probe.ts',
      "import { planHash } from '../plan/hash.js';\nimport { executePlan } from '../execute/executor.js';\nimport { codeSpan } from '../render/markdown.js';",
    ],
    [
      'an adapter importing the port',
      'src/github/probe.ts',
      "import type { GitHubPort } from '../gate/port.js';",
    ],
    [
      'a door importing the core and an adapter',
      'src/cli/probe.ts',
      "import { handleEvent } from '../gate/handle.js';\nimport { MemoryGitHub } from '../github/memory.js';",
    ],
    [
      'the reliability suite importing test support',
      'reliability/probe.ts',
      "import { useFakeGitHub } from '../test/support/fake-github/use-fake-github.js';",
    ],
  ])(
    'allows %s',
    async (_name, file, imports) => {
      expect(await layerErrors(file, `${imports}\n`)).toEqual([]);
    },
    60_000,
  );
});

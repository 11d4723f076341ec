// The examples build their projects in a scratch folder, examples/.work/<scenario>, which is
// gitignored: a run never dirties the repository, and the first step of every plan resets it so
// that runs are repeatable.
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const EXAMPLES = fileURLToPath(new URL('..', import.meta.url));

/** A failure the plan's author foresaw: printed as one clear line, without a stack trace. */
export class StepError extends Error {}

/** The scratch folder of one scenario. */
export function scratchDir(scenario) {
  return join(EXAMPLES, '.work', scenario);
}

/** A file of the example itself (its sources, templates and scripts). */
export function exampleFile(scenario, ...parts) {
  return join(EXAMPLES, scenario, ...parts);
}

/** Empties the scenario's scratch folder. */
export async function resetScratch(scenario) {
  const dir = scratchDir(scenario);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  console.log(`reset ${relative(process.cwd(), dir) || '.'}`);
  return dir;
}

/** Fails with a clear message unless an earlier step left `file` in the scratch folder. */
export async function requireScratch(scenario, file, producedBy = undefined) {
  const path = join(scratchDir(scenario), file);
  try {
    await stat(path);
  } catch {
    const step = producedBy ? `the step "${producedBy}"` : 'the earlier steps';
    throw new StepError(
      `${file} is missing from examples/.work/${scenario}; the plan assumed ${step} made it. ` +
        'Run the plan from its first step.',
    );
  }
  return path;
}

/** Imports a module of the project built in the scratch folder. */
export async function importScratch(scenario, file) {
  const path = await requireScratch(scenario, file);
  return import(pathToFileURL(path).href);
}

/**
 * Copies `files` (paths relative to examples/<scenario>/<from>) into the scratch folder, where
 * they land at the same relative path.
 */
export async function install(scenario, from, files) {
  const to = scratchDir(scenario);
  for (const file of files) {
    const target = join(to, file);
    await mkdir(dirname(target), { recursive: true });
    await cp(exampleFile(scenario, from, file), target, { recursive: true });
    console.log(`  + ${file}`);
  }
}

/** Runs a step's body: a foreseen failure prints its message and exits 1; anything else is a bug. */
export async function runStep(body) {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    console.error(`✗ ${err.message}`);
    process.exitCode = 1;
  }
}

/** Prints `expectation` as met, or throws a StepError that says it was not. */
export function check(condition, expectation) {
  if (!condition) throw new StepError(`not as expected: ${expectation}`);
  console.log(`  ✓ ${expectation}`);
}

import { OutputFifos, runCommand } from '../src/execute/process.js';
import { executePlan } from '../src/execute/executor.js';
import { planHash } from '../src/plan/hash.js';
import { planSchema } from '../src/plan/schema.js';
const N = 50;
const cwd = '/tmp';
const input = {
  version: 1,
  title: 't',
  steps: Array.from({ length: N }, (_, i) => ({ id: `s${i}`, name: `S${i}`, run: 'true' })),
};
const source = JSON.stringify(input);
const plan = planSchema.parse(input);
async function C() {
  const fifos = new OutputFifos(N);
  for (let i = 0; i < N; i++)
    await runCommand({ command: 'true', shell: 'bash', cwd, env: process.env, fifos });
  await fifos.dispose();
}
async function E() {
  await executePlan({ plan, source, approvedHash: planHash(source), planPath: '/tmp/x.plan.yml', cwd });
}
const fns: Record<string, () => Promise<void>> = { C, E };
for (const [, f] of Object.entries(fns)) await f();
for (let r = 0; r < 4; r++)
  for (const [k, f] of Object.entries(fns)) {
    const s = performance.now();
    await f();
    console.log(k, ((performance.now() - s) / N).toFixed(2));
  }

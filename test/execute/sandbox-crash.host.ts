/**
 * An app that opens an execution sandbox, starts a detached step process in it, says `started`
 * and then waits to be killed: sandbox.test.ts kills it with SIGKILL, as a crash would, and checks
 * that the step process died with it. Arguments: the temporary directory, the step user.
 */
import { join } from 'node:path';
import { runCommand } from '../../src/execute/process.js';
import {
  handOver,
  makeExecutionDirectory,
  prepareWorkspaceBase,
  probeIsolation,
  StepSandbox,
} from '../../src/execute/sandbox.js';

const [tmp, userName] = process.argv.slice(2) as [string, string];
const probe = probeIsolation(userName);
if (!probe.available) throw new Error(probe.reason);
const base = join(tmp, 'proceed-inline');
await prepareWorkspaceBase(base);
const root = await makeExecutionDirectory(base);
await handOver(root, probe.user);
await StepSandbox.open({ root, base, user: probe.user, hide: [] });
const outcome = await runCommand({
  command: 'env -i setsid sleep 1000 > /dev/null 2>&1 < /dev/null &',
  shell: 'bash',
  cwd: root,
  env: { PATH: process.env.PATH },
});
if (outcome.exitCode !== 0) throw new Error(outcome.tail);
process.stdout.write('started\n');
setInterval(() => undefined, 60_000);

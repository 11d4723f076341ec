/**
 * Runs a step where it cannot reach the process that started it: as a separate unprivileged user
 * (`setpriv`, with no_new_privs so that no setuid program gives root back), inside a PID namespace
 * of its execution (it sees only its own execution's processes, not the app's /proc entries), and a
 * mount namespace in which the other executions' workspaces, the app's directory and its key file
 * are covered. All three tools are util-linux, in every Debian and Ubuntu; the namespaces need root
 * (or CAP_SYS_ADMIN), which is also what switching users needs.
 *
 * One namespace per execution, not per step, so a server one step starts still serves the next;
 * killing the namespace's first process when the execution ends kills everything in it, whatever
 * it did to detach.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { childrenOf } from './sweep.js';

/** The user inline steps run as unless PROCEED_INLINE_USER names another. */
export const DEFAULT_STEP_USER = 'proceed-step';

export interface StepUser {
  name: string;
  uid: number;
  gid: number;
}

export type IsolationProbe = { available: true; user: StepUser } | { available: false; reason: string };

const CREATE_USER = (name: string) =>
  `create it (useradd --system --no-create-home --shell /usr/sbin/nologin ${name}) or name another with PROCEED_INLINE_USER`;

/** Whether steps can be isolated here, as `user`; the reason says what is missing and what to do. */
export function probeIsolation(userName: string): IsolationProbe {
  if (process.platform !== 'linux') {
    return {
      available: false,
      reason: `steps can be isolated only on Linux, and this is ${process.platform}`,
    };
  }
  if (process.getuid?.() !== 0) {
    return {
      available: false,
      reason: `the app runs as uid ${process.getuid?.()}, and only root can start steps as another user in namespaces of their own`,
    };
  }
  let entry: string;
  try {
    entry = execFileSync('getent', ['passwd', userName], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return {
      available: false,
      reason: `there is no user "${userName}" to run steps as: ${CREATE_USER(userName)}`,
    };
  }
  const [, , uid, gid] = entry.trim().split(':');
  const user = { name: userName, uid: Number(uid), gid: Number(gid) };
  if (!Number.isInteger(user.uid) || !Number.isInteger(user.gid) || user.uid === 0 || user.gid === 0) {
    return {
      available: false,
      reason: `the user "${userName}" is root or has root's group: ${CREATE_USER('proceed-step')}`,
    };
  }
  try {
    execFileSync(
      'unshare',
      ['--pid', '--fork', '--mount', '--mount-proc', '--kill-child', '--', 'nsenter', '--version'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 15_000,
      },
    );
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    const said = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim();
    return {
      available: false,
      reason:
        `cannot make PID and mount namespaces for steps (${said || 'unshare, nsenter or setpriv failed'}): ` +
        'install util-linux, and in a container grant CAP_SYS_ADMIN (or run the dispatch executor instead)',
    };
  }
  return { available: true, user };
}

/** The directory that holds every isolated execution: root's, traversable but not listable. */
export async function prepareWorkspaceBase(base: string): Promise<void> {
  await mkdir(base, { recursive: true, mode: 0o711 });
  const info = await lstat(base);
  if (!info.isDirectory() || info.uid !== 0) {
    throw new Error(
      `${base} exists but is not a directory owned by root (anyone could have made it); remove it or set TMPDIR elsewhere`,
    );
  }
  await chmod(base, 0o711);
}

/** A fresh execution directory in `base`, root's and private until `handOver`. */
export async function makeExecutionDirectory(base: string): Promise<string> {
  const dir = await mkdtemp(join(base, 'run-'));
  await chmod(dir, 0o700);
  return dir;
}

/** Gives the execution directory (the checkout, a HOME and a TMPDIR in it) to the step user. */
export async function handOver(root: string, user: StepUser): Promise<void> {
  await mkdir(join(root, 'home'), { recursive: true, mode: 0o700 });
  await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o700 });
  await promisify(execFile)('chown', ['-R', `${user.uid}:${user.gid}`, root]);
  await chmod(root, 0o700);
}

/** Is `path` the same as, or inside, `dir`? */
function within(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep));
}

/**
 * The paths to cover in an execution's mount namespace, from `wanted`: never `/`, nor one that holds
 * the workspaces (covering it would cover the step's own checkout).
 */
export function coverable(wanted: readonly string[], base: string): string[] {
  return [...new Set(wanted.map((p) => resolve(p)))].filter((p) => p !== '/' && !within(base, p));
}

/**
 * Runs as root as the namespace's first process: covers `base` with an empty directory only root
 * can list, puts this execution's directory back in it (from a descriptor opened before), covers
 * the paths to hide (directories with an empty tmpfs, files with /dev/null), says `ready`, and then
 * waits on its stdin, a pipe from the app: if the app dies, even by SIGKILL, the pipe closes, this
 * process ends, and the kernel ends everything in the namespace with it.
 */
const NAMESPACE_INIT = `set -e
base=$1 own=$2; shift 2
exec 3<"$own"
mount -t tmpfs -o mode=0711,size=64k proceed-workspaces "$base"
mkdir -m 0700 "$own"
mount --no-canonicalize --bind /proc/self/fd/3 "$own"
exec 3<&-
for p in "$@"; do
  if [ -d "$p" ]; then mount -t tmpfs -o mode=0500,size=16k proceed-hidden "$p"
  elif [ -e "$p" ]; then mount --bind /dev/null "$p"; fi
done
trap 'exit 0' TERM
echo ready
while read -r _; do :; done
exit 0`;

const OPEN_TIMEOUT_MS = 20_000;
const CLOSE_TIMEOUT_MS = 20_000;

/** One execution's namespaces; steps whose directory is inside `root` run in them. */
export class StepSandbox {
  private constructor(
    readonly root: string,
    readonly user: StepUser,
    private readonly holder: ChildProcess,
    private readonly initPid: number,
  ) {}

  /** Starts the namespaces for the execution directory `root` (inside `base`), hiding `hide`. */
  static async open(o: {
    root: string;
    base: string;
    user: StepUser;
    hide: readonly string[];
  }): Promise<StepSandbox> {
    const holder = spawn(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount',
        '--mount-proc',
        '--kill-child',
        '--',
        'bash',
        '-c',
        NAMESPACE_INIT,
        'proceed-init',
        o.base,
        o.root,
        ...coverable(o.hide, o.base),
      ],
      // stdin stays open, never written: it closes when the app ends (see NAMESPACE_INIT).
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let said = '';
    holder.stderr!.on('data', (c: Buffer) => (said += c.toString()));
    holder.stdin!.on('error', () => undefined);
    await new Promise<void>((ready, failed) => {
      const timer = setTimeout(
        () => failed(new Error(`the step namespaces did not start within ${OPEN_TIMEOUT_MS / 1000} s`)),
        OPEN_TIMEOUT_MS,
      );
      holder.stdout!.on('data', (c: Buffer) => {
        if (c.toString().includes('ready')) {
          clearTimeout(timer);
          ready();
        }
      });
      holder.on('error', (err) => {
        clearTimeout(timer);
        failed(err);
      });
      holder.on('exit', (code) => {
        clearTimeout(timer);
        failed(new Error(`the step namespaces could not be made (exit ${code}): ${said.trim()}`));
      });
    }).catch((err: unknown) => {
      holder.kill('SIGKILL');
      throw err;
    });
    holder.removeAllListeners('exit');
    const initPid = childrenOf(holder.pid!)[0];
    if (initPid === undefined) {
      holder.kill('SIGKILL');
      throw new Error('the step namespaces started, but their first process could not be found in /proc');
    }
    const sandbox = new StepSandbox(o.root, o.user, holder, initPid);
    open.add(sandbox);
    return sandbox;
  }

  /**
   * The command line that runs `file args` in `cwd` inside the namespaces, as the step user. The
   * directory is entered from inside (nsenter's own --wd opens it before entering the mount
   * namespace, which leaves the step in a directory it cannot name).
   */
  command(file: string, args: readonly string[], cwd: string): { file: string; args: string[] } {
    return {
      file: 'nsenter',
      args: [
        `--target=${this.initPid}`,
        '--pid',
        '--mount',
        '--',
        'setpriv',
        `--reuid=${this.user.uid}`,
        `--regid=${this.user.gid}`,
        '--clear-groups',
        '--no-new-privs',
        '--',
        'sh',
        '-c',
        'cd -- "$0" && exec "$@"',
        cwd,
        file,
        ...args,
      ],
    };
  }

  /** The step's environment: its own HOME and TMPDIR in the execution directory, and who it is. */
  environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return {
      ...env,
      HOME: join(this.root, 'home'),
      TMPDIR: join(this.root, 'tmp'),
      USER: this.user.name,
      LOGNAME: this.user.name,
    };
  }

  /** Ends every process of the execution with its namespace. */
  async close(): Promise<void> {
    open.delete(this);
    if (this.holder.exitCode !== null || this.holder.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.holder.once('exit', () => done()));
    try {
      process.kill(this.initPid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.holder.stdin?.end();
    // unshare exits once its child, the namespace's first process, is reaped, and the kernel reaps
    // that only after every other process of the namespace is gone: then nothing of it is left.
    const late = setTimeout(() => this.holder.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(late);
  }
}

const open = new Set<StepSandbox>();

/**
 * The sandbox a command in `cwd` runs in, if an execution directory holds it: the gate hands the
 * executor a directory, and the directory says which execution's namespaces it belongs to.
 */
export function sandboxFor(cwd: string): StepSandbox | undefined {
  const path = resolve(cwd);
  for (const sandbox of open) if (within(path, sandbox.root)) return sandbox;
  return undefined;
}

/** Where isolated executions live under the temporary directory. */
export function workspaceBase(tmp: string): string {
  return join(tmp, 'proceed-inline');
}

import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { OnReadOpts, SocketConstructorOpts } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Shell } from '../plan/schema.js';
import { sandboxFor } from './sandbox.js';
import { withEncodings } from './secrets.js';
import { MaskingDecoder, OutputTail } from './tail.js';

export const DEFAULT_TAIL_BYTES = 64 * 1024;
export const DEFAULT_KILL_GRACE_MS = 5000;
/**
 * After the command exits, how long to wait for output still in the pipes. A background process
 * that keeps the pipes open does not hold the step forever (as in GitHub Actions, a step ends when
 * its shell does); its later output is not captured.
 */
const DRAIN_MS = 250;
const GROUP_POLL_MS = 25;
const READ_BUFFER_BYTES = 64 * 1024;

export interface RunSpec {
  command: string;
  shell: Shell;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes of output kept for `tail` (default 64 KiB). */
  tailBytes?: number;
  /** Between SIGTERM and SIGKILL on timeout or abort (default 5000). */
  killGraceMs?: number;
  /** Values replaced by `***` in the tail and in `onOutput` chunks, with their common encodings. */
  secrets?: string[];
  /** Live output, stdout and stderr as they arrive, decoded and masked. */
  onOutput?: (chunk: string) => void;
  /** Where the output FIFO comes from; without it, one is made for this command alone. */
  fifos?: OutputFifos;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  startedAt: string;
  durationMs: number;
  tail: string;
  droppedBytes: number;
  /** Why the command could not start (missing interpreter or directory), in a sentence. */
  spawnError?: string;
  /** The process group the command ran in; background processes it left may still be in it. */
  pid?: number;
}

/** How each shell runs a command, as GitHub Actions runs `run:` steps. */
export function shellInvocation(shell: Shell, command: string): { file: string; args: string[] } {
  switch (shell) {
    case 'bash':
      return { file: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command] };
    case 'sh':
      return { file: 'sh', args: ['-e', '-c', command] };
    case 'pwsh':
      // Like Actions: stop on the first error, and let a native command's exit code be the step's.
      return {
        file: 'pwsh',
        args: [
          '-NoLogo',
          '-NoProfile',
          '-NonInteractive',
          '-Command',
          `$ErrorActionPreference = 'Stop'\n${command}\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }`,
        ],
      };
    case 'python':
      return { file: 'python3', args: ['-c', command] };
  }
}

const INSTALL_HINT: Record<Shell, string> = {
  bash: 'install bash, or use shell: sh',
  sh: 'install a POSIX shell at sh',
  pwsh: 'install PowerShell 7 (https://aka.ms/powershell), or use shell: bash',
  python: 'install Python 3 so that python3 is on PATH',
};

function missingInterpreter(shell: Shell, file: string): string {
  return `${file} was not found on PATH, and shell: ${shell} needs it; ${INSTALL_HINT[shell]}`;
}

/**
 * What is wrong with the working directory, if anything. Synchronous: a stat takes microseconds,
 * less than the round trip through libuv's thread pool that the promise version adds to every step.
 */
function directoryProblem(cwd: string): string | undefined {
  let info;
  try {
    info = statSync(cwd);
  } catch {
    return `working directory ${cwd} does not exist; create it in an earlier step or fix working-directory`;
  }
  return info.isDirectory()
    ? undefined
    : `working directory ${cwd} is not a directory; fix working-directory`;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether any process of the group is still running. Zombies do not count: where PID 1 does not
 * reap orphans (containers without an init), a dead grandchild stays a zombie in the group forever.
 */
export function processGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc (macOS): signal 0 is the best answer there is
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const line = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
      const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left after `graceMs`; resolves when nothing runs. */
export async function stopProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if (!processGroupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(GROUP_POLL_MS, Math.max(1, deadline - Date.now())));
    if (!processGroupAlive(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 40 && processGroupAlive(pgid); i++) await sleep(GROUP_POLL_MS);
}

/** Both ends of a named pipe; the command writes stdout and stderr to one, we read the other. */
interface Fifo {
  readFd: number;
  writeFd: number;
}

/**
 * Named pipes for commands' output: the command's stdout and stderr share one, so the kernel
 * keeps their interleaving exact, and reading it through a socket with one reused buffer keeps
 * memory flat however much a step prints (Node's own pipes allocate a buffer per read, which
 * piles up to tens of MB before the garbage collector runs).
 *
 * Node cannot make a FIFO itself, and a `mkfifo` process per command cost more than the command
 * (a trivial step took three times as long): this makes `expected` of them with one `mkfifo` the
 * first time one is needed, and `spare` more whenever they run out (a retried step). Both ends of
 * each are opened at once and the directory is removed right away, so that nothing is left in the
 * temporary directory however the process ends. Every command still gets a FIFO of its own, so
 * that a background process one step leaves behind cannot write into the next step's output.
 */
export class OutputFifos {
  private readonly ready: Fifo[] = [];
  private made = 0;
  private unavailable = false;
  private disposed = false;
  private making: Promise<void> | undefined;

  constructor(
    private readonly expected = 1,
    private readonly spare = 4,
  ) {}

  /**
   * Both ends of a FIFO no other command had; undefined where mkfifo is unavailable (ordinary
   * pipes are used then). The caller owns the two descriptors.
   */
  async open(): Promise<Fifo | undefined> {
    while (this.ready.length === 0 && !this.unavailable && !this.disposed) {
      const count = Math.min(
        MAX_FIFOS_AT_ONCE,
        Math.max(this.made === 0 ? 1 : this.spare, this.expected - this.made),
      );
      this.making ??= this.make(count).finally(() => {
        this.making = undefined;
      });
      await this.making;
    }
    return this.ready.shift();
  }

  /** Closes the FIFOs no command took. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.making;
    for (const fifo of this.ready.splice(0)) {
      closeSync(fifo.readFd);
      closeSync(fifo.writeFd);
    }
  }

  private async make(count: number): Promise<void> {
    let dir: string | undefined;
    try {
      dir = await mkdtemp(join(tmpdir(), 'proceed-output-'));
      const inDir = dir;
      const paths = Array.from({ length: count }, (_, i) => join(inDir, String(i)));
      this.made += count;
      await promisify(execFile)('mkfifo', ['-m', '600', ...paths]);
      for (const path of paths) {
        // The read end first and non-blocking, so that opening the write end (blocking, as the
        // command expects its stdout to be) returns at once.
        const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        try {
          this.ready.push({ readFd, writeFd: openSync(path, constants.O_WRONLY) });
        } catch (err) {
          closeSync(readFd);
          throw err;
        }
      }
    } catch {
      // Those opened before the failure are still used; after them, ordinary pipes.
      this.unavailable = true;
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Each holds two descriptors until a command takes it; more are made when needed. */
const MAX_FIFOS_AT_ONCE = 64;

/** The command's output as byte chunks, from a FIFO or from the child's two pipes. */
interface OutputSource {
  /** Streams to wait for: output is complete when all of them closed. */
  streams: (Socket | Readable)[];
  /** One decoder per stream for live output. */
  decoders: (MaskingDecoder | undefined)[];
}

function readOutput(
  child: ChildProcess,
  fifo: Fifo | undefined,
  spec: RunSpec,
  secrets: string[],
  onBytes: (bytes: Buffer, decoder: MaskingDecoder | undefined) => void,
): OutputSource {
  const decoder = () => (spec.onOutput ? new MaskingDecoder(secrets) : undefined);
  if (fifo) {
    const d = decoder();
    const onread: OnReadOpts = {
      buffer: Buffer.alloc(READ_BUFFER_BYTES),
      callback: (n, buf) => {
        onBytes(Buffer.from(buf.buffer, buf.byteOffset, n), d);
        return true;
      },
    };
    // The constructor takes `onread` as `connect` does (lib/net.js); @types/node lists it only there.
    const socket = new Socket({
      fd: fifo.readFd,
      readable: true,
      writable: false,
      onread,
    } as SocketConstructorOpts);
    socket.on('error', () => undefined);
    return { streams: [socket], decoders: [d] };
  }
  const streams = [child.stdout!, child.stderr!];
  const decoders = streams.map((stream) => {
    const d = decoder();
    stream.on('data', (chunk: Buffer) => onBytes(chunk, d));
    return d;
  });
  return { streams, decoders };
}

/**
 * Runs one command in its own process group with stdin closed, keeping a bounded tail of its
 * output. Never throws for the command's sake: a command that cannot start comes back with
 * `spawnError`. On timeout or abort the whole group (children and grandchildren) is stopped
 * before this resolves.
 */
export async function runCommand(spec: RunSpec): Promise<ProcessOutcome> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  // Each secret in the forms a log shows it in by accident: base64, URL-encoded, hex, git's header.
  const secrets = withEncodings(spec.secrets ?? []);
  const tail = new OutputTail(spec.tailBytes ?? DEFAULT_TAIL_BYTES, secrets);
  const graceMs = spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const ended = (extra: Partial<ProcessOutcome>): ProcessOutcome => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: false,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    tail: '',
    droppedBytes: 0,
    ...extra,
  });

  if (spec.signal?.aborted) return ended({ aborted: true });
  const problem = directoryProblem(spec.cwd);
  if (problem) return ended({ spawnError: problem });
  let fifo: Fifo | undefined;
  if (spec.fifos) fifo = await spec.fifos.open();
  else {
    const own = new OutputFifos();
    fifo = await own.open();
    await own.dispose();
  }
  const closeFifo = () => {
    for (const fd of fifo ? [fifo.readFd, fifo.writeFd] : []) closeSync(fd);
  };
  if (spec.signal?.aborted) {
    closeFifo();
    return ended({ aborted: true });
  }

  const shell = shellInvocation(spec.shell, spec.command);
  // An isolated execution's directory: the command runs in its namespaces, as its user.
  const sandbox = sandboxFor(spec.cwd);
  const { file, args } = sandbox ? sandbox.command(shell.file, shell.args, spec.cwd) : shell;
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd: spec.cwd,
      env: sandbox ? sandbox.environment(spec.env) : spec.env,
      detached: true,
      stdio: fifo ? ['ignore', fifo.writeFd, fifo.writeFd] : ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    // Node refuses some arguments outright, such as a command or variable holding a NUL byte.
    closeFifo();
    return ended({ spawnError: `could not start ${file}: ${(err as Error).message}` });
  }
  // The command holds its own copy; ours would keep the FIFO open after the command ended.
  if (fifo) closeSync(fifo.writeFd);

  return new Promise<ProcessOutcome>((resolve, reject) => {
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let exitedAt: number | undefined;
    let timedOut = false;
    let aborted = false;
    let stopping: Promise<void> | undefined;
    let spawnError: string | undefined;
    let outputError: unknown;
    let finished = false;
    let drainTimer: NodeJS.Timeout | undefined;

    const emit = (text: string): void => {
      if (!text || !spec.onOutput || outputError !== undefined) return;
      try {
        spec.onOutput(text);
      } catch (err) {
        outputError = err;
      }
    };
    const output = readOutput(child, fifo, spec, secrets, (bytes, decoder) => {
      tail.write(bytes);
      if (decoder) emit(decoder.write(bytes));
    });
    let openStreams = output.streams.length;

    const stop = (): void => {
      if (stopping || exitedAt !== undefined || child.pid === undefined) return;
      stopping = stopProcessGroup(child.pid, graceMs);
      void stopping.then(() => {
        if (exitedAt !== undefined) startDrain();
      });
    };
    const timer =
      spec.timeoutMs !== undefined && spec.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, spec.timeoutMs)
        : undefined;
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      spec.signal?.removeEventListener('abort', onAbort);
      for (const stream of output.streams) stream.destroy();
      for (const decoder of output.decoders) if (decoder) emit(decoder.end());
      const { text, droppedBytes } = tail.snapshot();
      const outcome: ProcessOutcome = {
        exitCode,
        signal: exitSignal,
        timedOut,
        aborted,
        startedAt,
        durationMs: Math.round((exitedAt ?? performance.now()) - started),
        tail: text,
        droppedBytes,
        ...(spawnError !== undefined ? { spawnError } : {}),
        ...(child.pid !== undefined ? { pid: child.pid } : {}),
      };
      void (stopping ?? Promise.resolve()).then(() =>
        outputError === undefined ? resolve(outcome) : reject(outputError as Error),
      );
    };
    const startDrain = (): void => {
      if (drainTimer || finished) return;
      drainTimer = setTimeout(finish, DRAIN_MS);
    };
    for (const stream of output.streams) {
      stream.on('close', () => {
        openStreams--;
        if (openStreams === 0 && exitedAt !== undefined) finish();
      });
    }

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a later kill() error; the exit path settles the run
      spawnError =
        err.code === 'ENOENT' && !sandbox
          ? missingInterpreter(spec.shell, file)
          : `could not start ${file}: ${err.message}`;
      finish();
    });
    child.on('exit', (code, signal) => {
      exitedAt = performance.now();
      exitCode = code;
      exitSignal = signal;
      clearTimeout(timer);
      if (openStreams === 0) finish();
      // While the group is being stopped, wait for that: the output closes when the last holder dies.
      else if (!stopping) startDrain();
    });
  });
}

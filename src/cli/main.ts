import { parseArgs } from 'node:util';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../plan/diagnostics.js';
import { loadPlanFile } from '../plan/load.js';
import type { ParseResult } from '../plan/parse.js';
import { planHash } from '../plan/hash.js';
import { renderReview } from '../render/review.js';
import { renderPlanText, renderReportText, type StartedAt } from '../render/terminal.js';
import { executePlan, PlanChangedError } from '../execute/executor.js';
import type { CheckpointDecision, FailureDecision, StepResult } from '../execute/events.js';
import { Terminal } from './terminal.js';
import { Progress } from './progress.js';
import { simulate } from './simulate.js';
import { doctor } from './doctor.js';
import { audit } from './audit.js';
import pkg from '../../package.json' with { type: 'json' };

const USAGE = `Usage: proceed <command> [options]

Commands:
  validate FILE...              check plans; errors and warnings as FILE:LINE:COL: path: message
  render FILE                   print the review the bot would post for FILE (Markdown)
  run FILE [--yes] [--from STEP] [--cwd DIR] [--quiet]
                                show the plan, ask for approval, execute the steps with live progress,
                                pause at checkpoints, run the verify phase and report
  simulate FILE [--cwd DIR] [--quiet]
                                the whole pull-request flow offline: a pull request adds FILE, a reviewer
                                comments /proceed (and again at each checkpoint), the steps run locally;
                                prints exactly the review, check runs and comments the bot would post
  doctor --repo OWNER/NAME      check a repository's setup through the API (proceed doctor --help)
  audit PR [--repo OWNER/NAME] [--json]
                                print the audit record of a pull request's execution, read through the
                                API: approvals, checkpoints, each step's attempts (proceed audit --help)

Options:
  -y, --yes        answer every question (approval, checkpoints) with yes
      --from STEP  start at STEP (an id or a 1-based number); earlier steps are not run
      --cwd DIR    the directory steps run in (default: the current directory)
  -q, --quiet      run: do not echo the steps' output, only their progress;
                   simulate: one line per post instead of its Markdown
  -h, --help       this text
  -v, --version    the version

Exit status: 0 valid / verified, 1 invalid / failed / refused, 2 wrong usage.`;

/** Exit codes of SPEC §6. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

export async function main(argv: string[], term: Terminal = Terminal.fromProcess()): Promise<number> {
  // doctor has options of its own (doctor.ts).
  if (argv[0] === 'doctor') return doctor(argv.slice(1), term, process.env);
  if (argv[0] === 'audit') return audit(argv.slice(1), term, process.env);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        yes: { type: 'boolean', short: 'y' },
        from: { type: 'string' },
        cwd: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    term.error(`proceed: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    term.out(pkg.version);
    return EXIT.ok;
  }
  const [command, ...files] = positionals;
  if (values.help || command === 'help') {
    term.out(USAGE);
    return EXIT.ok;
  }
  try {
    switch (command) {
      case 'validate':
        if (files.length === 0) throw new UsageError('validate needs at least one plan file');
        return await validate(files, term);
      case 'render':
        if (files.length !== 1) throw new UsageError('render takes exactly one plan file');
        return await render(files[0]!, term);
      case 'run':
        if (files.length !== 1) throw new UsageError('run takes exactly one plan file');
        return await run(
          files[0]!,
          { yes: !!values.yes, from: values.from, cwd: values.cwd, quiet: !!values.quiet },
          term,
        );
      case 'simulate':
        if (files.length !== 1) throw new UsageError('simulate takes exactly one plan file');
        return await simulate(files[0]!, term, {
          cwd: values.cwd === undefined ? undefined : await workingDirectory(values.cwd),
          quiet: !!values.quiet,
        });
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      term.error(`proceed: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw err;
  }
}

function report(result: ParseResult, term: Terminal): void {
  for (const d of result.ok ? [] : result.errors) term.out(formatDiagnostic(d));
  for (const d of result.warnings) term.out(formatDiagnostic(d));
}

async function validate(files: string[], term: Terminal): Promise<number> {
  let invalid = 0;
  for (const file of files) {
    const result = await loadPlanFile(file);
    report(result, term);
    if (!result.ok) invalid++;
    else {
      const w = result.warnings.length;
      term.out(`${file}: valid, ${result.plan.steps.length} step(s)${w ? `, ${w} warning(s)` : ''}`);
    }
  }
  return invalid ? EXIT.failed : EXIT.ok;
}

async function render(file: string, term: Terminal): Promise<number> {
  const result = await loadPlanFile(file);
  if (!result.ok) {
    report(result, term);
    return EXIT.failed;
  }
  term.out(renderReview(result.plan, { planPath: file, state: 'proposed' }));
  return EXIT.ok;
}

interface RunOptions {
  yes: boolean;
  from: string | undefined;
  cwd: string | undefined;
  quiet: boolean;
}

/** `--cwd DIR` must name a directory that exists: steps cannot start anywhere else. */
async function workingDirectory(cwd: string | undefined): Promise<string> {
  const dir = resolve(cwd ?? process.cwd());
  const found = await stat(dir).catch(() => undefined);
  if (!found) throw new UsageError(`--cwd ${cwd}: no such directory (${dir})`);
  if (!found.isDirectory()) throw new UsageError(`--cwd ${cwd}: not a directory (${dir})`);
  return dir;
}

async function run(file: string, opts: RunOptions, term: Terminal): Promise<number> {
  const cwd = await workingDirectory(opts.cwd);
  const loaded = await loadPlanFile(file);
  report(loaded, term);
  if (!loaded.ok) return EXIT.failed;
  const { plan, source, hash } = loaded;

  // The executor runs only what is not in `done`; the report says those steps were not run.
  const done = new Set<string>();
  let startedAt: StartedAt | undefined;
  if (opts.from !== undefined) {
    const index = stepIndex(plan.steps, opts.from);
    if (index < 0) {
      const ids = plan.steps.map((s, i) => `${i + 1} (${s.id})`).join(', ');
      throw new UsageError(`--from ${opts.from}: no such step; the steps are ${ids}`);
    }
    for (const s of plan.steps.slice(0, index)) done.add(s.id);
    startedAt = { index, from: opts.from };
  }

  term.out(renderPlanText(plan));

  if (plan.config.require_approval) {
    if (opts.yes) term.out('Proceed with execution? yes (--yes)');
    else if (!term.interactive) {
      term.error(
        'proceed: refusing to run without approval: there is no terminal to ask "Proceed with execution?".\n' +
          'Pass --yes to approve the plan non-interactively.',
      );
      return EXIT.failed;
    } else if (!(await term.confirm('Proceed with execution?'))) {
      term.out('Not approved; nothing was run.');
      return EXIT.failed;
    }
  }

  const abort = new AbortController();
  const onSigint = () => {
    progress.interrupt();
    abort.abort();
  };
  const progress = new Progress(term, plan, { quiet: opts.quiet });
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const planPath = resolve(file);
  // Set when the plan on disk stopped matching the approved one: resuming it with --from would run
  // part of a plan nobody approved as a whole.
  let planChanged = false;
  try {
    const result = await executePlan({
      plan,
      source,
      approvedHash: hash,
      planPath,
      cwd,
      done,
      signal: abort.signal,
      onEvent: (event) => progress.handle(event),
      guard: async () => {
        const now = await readFile(planPath, 'utf8').catch(() => '');
        if (planHash(now) === hash) return undefined;
        planChanged = true;
        return `${file} changed during execution; the plan that was approved is no longer the plan on disk`;
      },
      onCheckpoint: async (step, index): Promise<CheckpointDecision> => {
        progress.pause();
        const where = `step ${index + 1}/${plan.steps.length} "${step.name}"`;
        if (opts.yes) {
          term.out(`⏸  CHECKPOINT before ${where}: confirmed (--yes)`);
          return 'proceed';
        }
        if (!term.interactive) return 'pause';
        const answer = await term.choose(
          `⏸  CHECKPOINT before ${where}. Continue?`,
          [
            ['y', 'yes, run it'],
            ['p', 'pause here'],
            ['c', 'cancel the rest'],
          ],
          'c',
        );
        return answer === 'y' ? 'proceed' : answer === 'c' ? 'cancel' : 'pause';
      },
      onFailure: async (step, result, index): Promise<FailureDecision> => {
        progress.pause();
        term.out(
          `⛔ STOP: step ${index + 1} "${step.name}" ${failureText(result)}. The plan assumed it would succeed.`,
        );
        if (!term.interactive || opts.yes) return 'stop';
        const choices: [string, string][] = [['r', 'retry it']];
        if (plan.config.allow_skip) choices.push(['s', 'skip it']);
        else term.out('Skipping is off for this plan (config.allow_skip is false).');
        choices.push(['c', 'cancel the rest']);
        const question = plan.config.allow_skip ? 'Retry, skip or cancel?' : 'Retry or cancel?';
        const answer = await term.choose(question, choices, 'c');
        return answer === 'r' ? 'retry' : answer === 's' ? 'skip' : 'cancel';
      },
    });
    progress.finish();
    term.out('');
    term.out(
      renderReportText(plan, result.results, result.verify, {
        startedAt,
        stoppedBecause: planChanged ? `${file} changed during execution` : undefined,
      }),
    );
    if (planChanged) {
      term.out(
        `Stopped before step ${(result.next?.index ?? 0) + 1}: the plan on disk is no longer the plan that was approved.`,
      );
      term.out(`Review the changed plan, then run it from the start: proceed run ${file}`);
    } else if (result.outcome === 'paused' && result.next) {
      term.out(
        `Paused before step ${result.next.index + 1} ("${result.next.stepId}"). ` +
          `Resume with: proceed run ${file} --from ${result.next.stepId}`,
      );
    } else if (result.outcome !== 'verified' && result.next) {
      term.out(
        `Stopped at step ${result.next.index + 1} ("${result.next.stepId}")${result.reason ? `: ${sentence(result.reason)}` : '.'}`,
      );
      term.out(`Fix the cause, then resume with: proceed run ${file} --from ${result.next.stepId}`);
    } else if (result.reason) term.out(result.reason);
    return result.outcome === 'verified' ? EXIT.ok : EXIT.failed;
  } catch (err) {
    progress.finish();
    if (err instanceof PlanChangedError) {
      term.error(`proceed: ${err.message}`);
      return EXIT.failed;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** How a step failed, for the STOP line: its timeout, exit code, signal, or why it could not start. */
function failureText(result: StepResult): string {
  if (result.status === 'timed-out') return 'timed out';
  if (result.exitCode !== null) return `failed (exit code ${result.exitCode})`;
  if (result.signal !== null) return `failed (killed by ${result.signal})`;
  return result.reason ? `failed: ${result.reason}` : 'failed';
}

/** `text` ending in exactly one full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`;
}

/** A step by id or 1-based number; -1 when none matches. */
function stepIndex(steps: { id: string }[], ref: string): number {
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    return n >= 1 && n <= steps.length ? n - 1 : -1;
  }
  return steps.findIndex((s) => s.id === ref);
}

/** The bin's entry: runs `main` on the process's arguments and sets the exit code. */
export function runCli(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A bug, not a user error: say so plainly, without a stack trace unless asked for.
      const detail = process.env.PROCEED_DEBUG ? (err as Error).stack : (err as Error).message;
      process.stderr.write(
        `proceed: internal error: ${detail}\nPlease report it; set PROCEED_DEBUG=1 for details.\n`,
      );
      process.exitCode = 1;
    },
  );
}

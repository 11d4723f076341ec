import type { ExecEvent, StepResult } from '../execute/events.js';
import { formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import type { Terminal } from './terminal.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<StepResult['status'], string> = {
  success: '✓',
  failure: '✗',
  'timed-out': '⏱',
  skipped: '↷',
  cancelled: '⊘',
};

/**
 * Live progress of `proceed run`: on a terminal a spinner line with the running step and its
 * elapsed time; elsewhere (CI logs, pipes) one plain line per event. Step output is echoed
 * line by line, indented, unless quiet.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private current: { label: string; since: number } | undefined;
  private partial = '';

  constructor(
    private readonly term: Terminal,
    private readonly plan: Plan,
    private readonly opts: { quiet: boolean },
  ) {}

  handle(event: ExecEvent): void {
    switch (event.type) {
      case 'step-started':
        this.start(`[${event.index + 1}/${this.plan.steps.length}] ${event.step.name}`);
        break;
      case 'step-output':
        if (!this.opts.quiet) this.output(event.chunk);
        break;
      case 'step-finished':
        this.end(`[${event.index + 1}/${this.plan.steps.length}] ${event.step.name}`, event.result);
        break;
      case 'paused':
        this.stopSpinner();
        // After a failure the STOP line has said it already.
        if (event.reason === 'checkpoint')
          this.term.out(`⏸  paused before [${event.index + 1}/${this.plan.steps.length}] ${event.step.name}`);
        break;
      case 'verify-started':
        this.stopSpinner();
        this.term.out(event.names.length ? `Verify: ${event.names.join(', ')}` : 'Verify: nothing to run');
        if (event.names.length) this.start('verify', false);
        break;
      case 'verify-check-finished':
        this.flushPartial();
        this.end(`verify ${event.result.id}`, event.result);
        if (this.current === undefined) this.start('verify', false);
        break;
      case 'verify-finished':
        this.stopSpinner();
        this.term.out(event.result.status === 'success' ? '✓ verified' : `✗ verify ${event.result.status}`);
        break;
    }
  }

  /** Before a question: the spinner must not draw over the prompt. */
  pause(): void {
    this.stopSpinner();
  }

  interrupt(): void {
    this.stopSpinner();
    this.term.out('\nInterrupted: stopping the running step and everything it started…');
  }

  finish(): void {
    this.flushPartial();
    this.stopSpinner();
  }

  /** `announce`: say so in a plain log too (a spinner alone says it on a terminal). */
  private start(label: string, announce = true): void {
    this.stopSpinner();
    this.current = { label, since: Date.now() };
    if (!this.term.live) {
      if (announce) this.term.out(`▶ ${label}`);
      return;
    }
    this.draw();
    this.timer = setInterval(() => this.draw(), 100);
    this.timer.unref();
  }

  private end(label: string, result: StepResult): void {
    this.flushPartial();
    this.stopSpinner();
    const took = formatDuration(result.durationMs);
    const est = result.estimateMs !== undefined ? ` (estimate ${formatDuration(result.estimateMs)})` : '';
    const why =
      result.status === 'failure'
        ? ` — failed, ${result.exitCode !== null ? `exit ${result.exitCode}` : result.signal !== null ? `killed by ${result.signal}` : (result.reason ?? 'did not start')}`
        : result.status === 'success'
          ? ''
          : ` — ${result.status}${result.reason ? `: ${result.reason}` : ''}`;
    this.term.out(`${MARK[result.status]} ${label}  ${took}${est}${why}`);
  }

  private output(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    if (lines.length === 0) return;
    this.clearLine();
    for (const line of lines) this.term.out(`  │ ${line}`);
    this.draw();
  }

  private flushPartial(): void {
    if (this.partial && !this.opts.quiet) {
      this.clearLine();
      this.term.out(`  │ ${this.partial}`);
    }
    this.partial = '';
  }

  private draw(): void {
    if (!this.term.live || !this.current) return;
    const elapsed = formatDuration(Date.now() - this.current.since);
    const line = `${SPINNER[this.frame++ % SPINNER.length]} ${this.current.label}  ${elapsed}`;
    this.term.write(`\r\x1b[2K${line.slice(0, this.term.columns - 1)}`);
  }

  private clearLine(): void {
    if (this.term.live && this.current) this.term.write('\r\x1b[2K');
  }

  private stopSpinner(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLine();
    this.current = undefined;
  }
}

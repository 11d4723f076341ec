import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';

/** The CLI's window on the world: where text goes and how questions are asked. */
export class Terminal {
  constructor(
    private readonly stdin: Readable & { isTTY?: boolean },
    private readonly stdout: Writable & { isTTY?: boolean; columns?: number },
    private readonly stderr: Writable,
  ) {}

  static fromProcess(): Terminal {
    return new Terminal(process.stdin, process.stdout, process.stderr);
  }

  /** Questions can be asked only when a person is at both ends. */
  get interactive(): boolean {
    return !!this.stdin.isTTY && !!this.stdout.isTTY;
  }

  /** Live redrawing (a spinner) only makes sense on a terminal. */
  get live(): boolean {
    return !!this.stdout.isTTY;
  }

  get columns(): number {
    return this.stdout.columns ?? 80;
  }

  out(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Raw write, for progress lines that redraw themselves. */
  write(text: string): void {
    this.stdout.write(text);
  }

  error(text: string): void {
    this.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A yes/no question; Ctrl-D (end of input) is a no, and says so. */
  async confirm(question: string): Promise<boolean> {
    const answer = await this.ask(`${question} [y/N] `);
    if (answer === undefined) {
      this.out('\nNo answer (Ctrl-D): taken as no.');
      return false;
    }
    return /^y(es)?$/i.test(answer.trim());
  }

  /**
   * Asks until one of the keys (or the first word of its label) is given and returns that key; an
   * answer that is neither is told why before the question comes again. Ctrl-D (end of input)
   * returns `onEnd`, and says so.
   */
  async choose(question: string, choices: [key: string, label: string][], onEnd: string): Promise<string> {
    const menu = choices.map(([key, label]) => `[${key}] ${label}`).join('  ');
    for (;;) {
      const raw = await this.ask(`${question} ${menu}: `);
      if (raw === undefined) {
        const label = choices.find(([key]) => key === onEnd)?.[1] ?? onEnd;
        this.out(`\nNo answer (Ctrl-D): taken as "${label}".`);
        return onEnd;
      }
      const answer = raw.trim().toLowerCase();
      const hit = choices.find(([key, label]) => answer === key || answer === label.split(' ')[0]);
      if (hit) return hit[0];
      const keys = choices.map(([key]) => key).join(', ');
      this.out(
        answer === ''
          ? `No answer given; type one of ${keys}.`
          : `"${raw.trim()}" is not one of the answers; type one of ${keys}.`,
      );
    }
  }

  /** The line typed, or undefined when input ended (Ctrl-D on a terminal, the end of a pipe). */
  private async ask(prompt: string): Promise<string | undefined> {
    const rl = createInterface({ input: this.stdin, output: this.stdout, terminal: this.interactive });
    const ended = new Promise<undefined>((resolve) => rl.once('close', () => resolve(undefined)));
    try {
      return await Promise.race([rl.question(prompt), ended]);
    } catch (err) {
      // readline rejects the question with an AbortError when Ctrl-D closes the input.
      if ((err as Error).name === 'AbortError') return undefined;
      throw err;
    } finally {
      rl.close();
    }
  }
}

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

  async confirm(question: string): Promise<boolean> {
    const answer = await this.ask(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  }

  /** Asks until one of the keys is given; returns that key. */
  async choose(question: string, choices: [key: string, label: string][]): Promise<string> {
    const menu = choices.map(([key, label]) => `[${key}] ${label}`).join('  ');
    for (;;) {
      const answer = (await this.ask(`${question} ${menu}: `)).trim().toLowerCase();
      const hit = choices.find(([key, label]) => answer === key || answer === label.split(' ')[0]);
      if (hit) return hit[0];
    }
  }

  private async ask(prompt: string): Promise<string> {
    const rl = createInterface({ input: this.stdin, output: this.stdout, terminal: this.interactive });
    try {
      return await rl.question(prompt);
    } finally {
      rl.close();
    }
  }
}

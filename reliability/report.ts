/** docs/reliability.md: the figures of the last full run, how each was measured, and how to run it again. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { fencedBlock } from '../src/render/markdown.js';
import type { Measured, Row } from './row.js';

export const REPORT_PATH = resolve(import.meta.dirname, '../docs/reliability.md');

export interface Machine {
  seed: number;
  seconds: number;
  node: string;
  cpu: string;
  memory: string;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

export async function writeReport(results: Measured[], machine: Machine, rows: Row[]): Promise<string> {
  const missed = results.filter((r) => !r.ok);
  const lines = [
    '# Reliability and security figures',
    '',
    'What proceed does under bad input, faults, races and attack, measured by `npm run reliability` (`reliability/`). Each row ' +
      'is a measurement against a bar; the command prints one line per row and exits non-zero when any bar is missed. `npm test` ' +
      'runs the same rows at smaller sizes (`npm run reliability -- --short`).',
    '',
    `Last full run: ${new Date().toISOString().slice(0, 10)}, ${machine.cpu}, ${machine.memory} of memory, Node ${machine.node}, ` +
      `seed ${machine.seed}, ${Math.round(machine.seconds)} s. ${missed.length ? `**${missed.length} of ${results.length} bars missed.**` : `All ${results.length} bars met.`}`,
    '',
    '| | Attack or fault | Figure | Bar |',
    '| --- | --- | --- | --- |',
    ...results.map((r) => `| ${r.ok ? '✓' : '✗'} | ${cell(r.row)} | ${cell(r.figure)} | ${cell(r.bar)} |`),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run reliability                         # full form: rewrites this file',
    'npm run reliability -- --short              # the form npm test runs; writes nothing',
    `npm run reliability -- --only races --seed ${machine.seed}   # one row, the same random choices`,
    '```',
    '',
    'The Action rows run the committed bundle `dist/index.js` (the CLI row `dist/cli.js`), so rebuild them (`npm run build`) after ' +
      'changing `src/`. A failing row prints what went wrong under its line, and where random inputs were involved writes them in ' +
      'full to a temporary file whose path it prints.',
    '',
    ...(missed.length
      ? [
          '## Bars missed',
          '',
          ...missed.flatMap((r) => [
            `### ${r.row}`,
            '',
            fencedBlock((r.detail ?? []).join('\n'), 'text'),
            '',
          ]),
        ]
      : []),
    '## How each row is measured',
    '',
    ...rows.flatMap((row) => [`### ${row.name}`, '', `Bar: ${row.bar}.`, '', row.how, '']),
  ];
  const config = (await resolveConfig(REPORT_PATH)) ?? {};
  await writeFile(REPORT_PATH, await format(lines.join('\n'), { ...config, parser: 'markdown' }));
  return REPORT_PATH;
}

import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { coldStart } from './rows/cold-start.js';
const t = performance.now();
const row = await coldStart({ runs: 7, scratch: mkdtempSync(join(tmpdir(), 'pb-')) });
console.log(row, performance.now() - t);

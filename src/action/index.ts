/**
 * The Action's entry (action.yml → dist/index.js): runs it once. The logic is in ./main.ts, whose
 * `run` has no side effects at import and handles its own errors, as in actions/typescript-action,
 * so `npx @github/local-action run . src/action/main.ts .env` runs it exactly once too.
 */
import { run } from './main.js';

await run();

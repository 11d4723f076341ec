// The application's state: the user store, live sessions and the clock.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openUserStore } from './users.mjs';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

export function openApp({ dataDir = DEFAULT_DATA_DIR, users = undefined, now = () => Date.now() } = {}) {
  return {
    dataDir,
    users: users ?? openUserStore(join(dataDir, 'users.json')),
    sessions: new Map(),
    challenges: new Map(),
    now,
  };
}

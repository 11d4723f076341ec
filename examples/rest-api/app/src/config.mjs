// Configuration from the environment, with defaults for local development.
import { fileURLToPath } from 'node:url';

export function loadConfig(env = process.env) {
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    databaseFile: env.TASKS_DB ?? fileURLToPath(new URL('../data/tasks.db.json', import.meta.url)),
    migrationsDir: fileURLToPath(new URL('../db/migrations/', import.meta.url)),
    tokenSecret: env.TASKS_TOKEN_SECRET ?? '',
  };
}

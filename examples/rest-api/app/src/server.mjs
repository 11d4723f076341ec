// The HTTP server: authenticate, parse the JSON body, dispatch to the route, answer errors through
// the error middleware. Run directly it serves the configured database: `node src/server.mjs`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { authenticate } from './auth.mjs';
import { loadConfig } from './config.mjs';
import { openDatabase } from './db.mjs';
import { errorMiddleware } from './errors.mjs';
import { HttpError } from './http-error.mjs';
import { migrate } from './migrate.mjs';
import { matchRoute } from './routes.mjs';

const MAX_BODY_BYTES = 1024 * 1024;

async function readJson(request) {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY_BYTES) throw new HttpError(413, 'too_large', 'the body is larger than 1 MB');
  }
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

/** `log` receives unexpected errors (default: stderr). */
export function createTaskServer({ db, secret, log = process.stderr }) {
  return createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = matchRoute(request.method, url.pathname);
      if (!match) throw new HttpError(404, 'not_found', `there is no route ${url.pathname}`);
      if (match.allowed) {
        throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here`, {
          allow: match.allowed,
        });
      }
      const user = authenticate(request, secret);
      const body = await readJson(request);
      const result = await match.route.handler({
        db,
        params: match.params,
        query: url.searchParams,
        body,
        user,
      });
      response.writeHead(
        result.status,
        result.body === undefined ? {} : { 'content-type': 'application/json' },
      );
      response.end(result.body === undefined ? undefined : JSON.stringify(result.body));
    } catch (error) {
      errorMiddleware(error, request, response, log);
    }
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadConfig();
  if (!config.tokenSecret) {
    process.stderr.write('Set TASKS_TOKEN_SECRET to the secret that signs the API tokens.\n');
    process.exit(1);
  }
  const db = openDatabase(config.databaseFile);
  migrate(db, config.migrationsDir);
  const server = createTaskServer({ db, secret: config.tokenSecret });
  server.listen(config.port, config.host, () => {
    const { address, port } = server.address();
    process.stdout.write(`Task API listening on http://${address}:${port}/tasks\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Error middleware: every failure becomes a JSON response of one shape,
// { "error": { "code", "message", "details"? } }. Unexpected errors are logged and answered with a
// generic 500 that leaks nothing about the server.
import { HttpError } from './http-error.mjs';

export function toErrorResponse(error) {
  if (error instanceof HttpError) {
    const body = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) body.error.details = error.details;
    return { status: error.status, body };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'something went wrong on our side' } } };
}

export function errorMiddleware(error, request, response, log = process.stderr) {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) log.write(`${request.method} ${request.url} failed: ${error?.stack ?? error}\n`);
  const headers = { 'content-type': 'application/json' };
  if (status === 405 && error.details?.allow) headers.allow = error.details.allow.join(', ');
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  response.writeHead(status, headers);
  response.end(JSON.stringify(body));
}

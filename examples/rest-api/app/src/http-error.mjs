/** An error that becomes an HTTP response: `status`, a stable machine-readable `code`, and a message. */
export class HttpError extends Error {
  constructor(status, code, message, details = undefined) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * One log line for a webhook whose signature does not match WEBHOOK_SECRET. Probot logs such a
 * delivery twice (its error handler and the webhooks middleware), each with stack traces and the
 * whole forged payload: noise in the log, and a way for anyone to write into it at will.
 */
import type { Probot } from 'probot';

type Log = Probot['log'];

/** Deliveries already reported, so the second of Probot's two records is dropped; bounded. */
const REMEMBERED = 100;

interface WebhookEvent {
  id?: unknown;
  name?: unknown;
}

/** The delivery a signature failure is about, or undefined when `value` is not one. */
function signatureFailure(value: unknown): { id: string; name: string } | undefined {
  const candidates: unknown[] = [value, (value as { err?: unknown } | undefined)?.err];
  for (const candidate of candidates) {
    if (!(candidate instanceof Error)) continue;
    const errors = candidate instanceof AggregateError ? [...(candidate.errors as unknown[])] : [candidate];
    const first = errors[0] as (Error & { event?: WebhookEvent }) | undefined;
    if (!first || !/signature does not match|x-hub-signature/i.test(first.message)) continue;
    return { id: String(first.event?.id ?? 'unknown'), name: String(first.event?.name ?? 'unknown') };
  }
  return undefined;
}

/**
 * Makes `log` (Probot's logger, and every child it makes) say a signature failure in one line.
 * Pino makes a child as an object whose prototype is its parent, so the `error` set here is every
 * child's too, called on the child (`this`), with its bindings; nothing is done per child, and
 * Probot makes two children for every delivery.
 */
export function oneLineForBadSignatures(log: Log): void {
  const reported: string[] = [];
  const error = log.error;
  log.error = function (this: Log, first: unknown, ...rest: unknown[]) {
    const failure = signatureFailure(first);
    if (!failure) return (error as (...args: unknown[]) => void).call(this, first, ...rest);
    if (reported.includes(failure.id)) return;
    reported.push(failure.id);
    if (reported.length > REMEMBERED) reported.shift();
    this.warn(
      `webhook refused: delivery ${failure.id} (${failure.name}) is not signed with WEBHOOK_SECRET; nothing ran. ` +
        "If GitHub sent it, set WEBHOOK_SECRET to the secret in the app's settings.",
    );
  } as Log['error'];
}

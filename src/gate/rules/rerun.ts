/**
 * Re-runs of a command's workflow (issue 12, attack 4): "Re-run jobs" delivers the original payload,
 * whose sender is whoever wrote the comment long ago. The runner says who asked for this attempt
 * (`GITHUB_TRIGGERING_ACTOR`); from the second attempt on, that person is the one acting.
 */
import type { Sender } from '../events.js';

export function actingSender(
  sender: Sender,
  runAttempt: string | undefined,
  triggeringActor: string | undefined,
): Sender {
  const attempt = Number(runAttempt);
  const actor = triggeringActor?.trim();
  if (!Number.isInteger(attempt) || attempt <= 1 || !actor) return sender;
  if (actor.toLowerCase() === sender.login.toLowerCase()) return sender;
  return { login: actor, type: actor.endsWith('[bot]') ? 'Bot' : 'User' };
}

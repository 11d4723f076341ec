import type { Octokit } from '@octokit/core';
import { outcomeUnknown } from '../github/octokit.js';

/**
 * Claims a command comment for the app with the 👀 the gate would add anyway. GitHub answers the
 * first reaction of an account with 201 and any repeat with 200, so of every delivery of a comment,
 * to any replica, at any time, exactly one goes on: a redelivered `/help`, refusal or `/proceed` is
 * answered once. Stateless: the claim lives in GitHub. The watcher of a running execution reacts
 * the same way to the `/cancel` it acts on, so that comment is not answered a second time either.
 */
export async function claimComment(
  octokit: Octokit,
  where: { owner: string; repo: string },
  commentId: number,
): Promise<boolean> {
  const react = () =>
    octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
      ...where,
      comment_id: commentId,
      content: 'eyes',
      // Not retried blindly: a retry after a lost 201 would answer 200 and drop the command.
      request: { retries: 0 },
    });
  try {
    return (await react()).status === 201;
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    // GitHub may have added our 👀 before the answer was lost. Then a 200 now cannot tell our
    // first try from another replica's: the command goes on rather than being dropped (the lock
    // still runs each step once; at worst an answer is posted twice).
    await react();
    return true;
  }
}

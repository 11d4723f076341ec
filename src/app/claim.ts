import type { Octokit } from '@octokit/core';

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
  const response = await octokit.request(
    'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    { ...where, comment_id: commentId, content: 'eyes' },
  );
  return response.status === 201;
}

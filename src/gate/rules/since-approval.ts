/**
 * `bind_approval_to: plan` (issue 12, attack 7): the approval survives commits that leave the plan
 * file alone, but those commits can change what the plan's steps run (`scripts/migrate.sh`). The
 * review says which files changed since the approved commit, so the approver sees what they did not
 * approve, and the record keeps the commit that was approved rather than the head it runs on.
 */
import { codeSpan } from '../../render/markdown.js';

/** How many changed paths the review names before "and N more". */
const PATHS_SHOWN = 20;

/** The review's notice; `files` undefined when GitHub could not compare the commits. */
export function changedSinceApprovalNotice(
  approvedSha: string,
  headSha: string,
  files: string[] | undefined,
): string {
  const since = `since the approved commit ${codeSpan(approvedSha.slice(0, 7))}`;
  const mode = '`bind_approval_to: plan` keeps the approval while the plan file is unchanged';
  if (!files) {
    return `The head ${codeSpan(headSha.slice(0, 7))} is not the approved commit, and GitHub could not list the files changed ${since} (${mode}). Check the commits before the steps run.`;
  }
  if (files.length === 0) return `No file changed ${since} (${mode}).`;
  const shown = files.slice(0, PATHS_SHOWN).map((f) => codeSpan(f));
  const more = files.length > PATHS_SHOWN ? `, and ${files.length - PATHS_SHOWN} more` : '';
  return `${files.length === 1 ? 'One file' : `${files.length} files`} changed ${since}, and the steps will run with ${files.length === 1 ? 'it' : 'them'} (${mode}): ${shown.join(', ')}${more}.`;
}

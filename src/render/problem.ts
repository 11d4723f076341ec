import { formatDiagnostic, type Diagnostic } from '../plan/diagnostics.js';
import { clip, codeSpan, DEFAULT_MAX_LENGTH, fitByCutting } from './markdown.js';

/** What the review says when there is no plan it could render. */
export type PlanProblem =
  | { kind: 'invalid'; path: string; errors: Diagnostic[] }
  | { kind: 'many'; paths: string[] }
  | { kind: 'removed'; path: string };

const HOW = '\n\n---\nPush a fix; the review is updated in place. `/help` lists the commands.';

/** The review's body for a plan that cannot be approved as it is. Every path and message is inert. */
export function renderPlanProblem(problem: PlanProblem, maxLength = DEFAULT_MAX_LENGTH): string {
  let body: string;
  switch (problem.kind) {
    case 'invalid':
      body =
        `## ⛔ The plan ${codeSpan(problem.path)} is invalid\n\n` +
        `Nothing can be approved until it validates. ${problem.errors.length} error(s), also annotated on the file in the \`proceed/plan\` check:\n\n` +
        diagnosticList(problem.errors) +
        `\n\nRun \`npx proceed validate ${problem.path.replace(/[`\s]/g, '')}\` locally to check it before pushing.`;
      break;
    case 'many':
      body =
        `## ⛔ More than one plan\n\nOne plan per pull request: this one changes ${problem.paths.length} plan files. ` +
        'Keep one and move the others to their own pull requests:\n\n' +
        problem.paths.map((p) => `- ${codeSpan(p)}`).join('\n');
      break;
    case 'removed':
      body = `## The plan ${codeSpan(problem.path)} is no longer in this pull request\n\nThere is nothing to approve or run; \`proceed/verify\` passes.`;
      break;
  }
  return body.length + HOW.length <= maxLength
    ? body + HOW
    : fitByCutting(body, maxLength, HOW, 'see the `proceed/plan` check');
}

/** A diagnostic quotes what it found, which can be huge (a 70,000-character YAML token): each is cut to this. */
const DIAGNOSTIC_CHARS = 500;
/** Room for a list of diagnostics in a check run's summary (65,535) or a review, with the text around it. */
const DIAGNOSTIC_LIST_CHARS = 50_000;

/** Diagnostics as a Markdown list of code spans, each cut to DIAGNOSTIC_CHARS, the list to DIAGNOSTIC_LIST_CHARS. */
export function diagnosticList(diagnostics: Diagnostic[]): string {
  const lines: string[] = [];
  let size = 0;
  for (const [i, d] of diagnostics.entries()) {
    const { text, omitted } = clip(formatDiagnostic(d), DIAGNOSTIC_CHARS);
    const line = `- ${codeSpan(omitted ? `${text}…` : text)}`;
    if (size + line.length > DIAGNOSTIC_LIST_CHARS) {
      lines.push(
        `- … and ${diagnostics.length - i} more; run \`npx proceed validate\` on the plan to see them all.`,
      );
      break;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

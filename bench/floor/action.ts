/**
 * The floor for the Action's cold start: the least an action can do for the same event. It reads the
 * same inputs and the event, then sends, one after another, exactly the requests the real Action sent
 * (method, path, query and body, recorded from its run and handed over in BENCH_FLOOR_REQUESTS), and
 * nothing else: no plan parsing, no rendering, no Octokit.
 */
import { readFile } from 'node:fs/promises';
import * as core from '@actions/core';

export interface ScriptedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body?: unknown;
}

async function main(): Promise<void> {
  const token = core.getInput('github-token', { required: true });
  const inputs = ['plan-files', 'policy-file', 'mode'].map((name) => core.getInput(name));
  const event = JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH ?? '', 'utf8')) as {
    pull_request?: { number?: number };
  };
  const script = JSON.parse(
    await readFile(process.env.BENCH_FLOOR_REQUESTS ?? '', 'utf8'),
  ) as ScriptedRequest[];
  const api = process.env.GITHUB_API_URL ?? '';
  const statuses: number[] = [];
  for (const r of script) {
    const url = new URL(api + r.path);
    for (const [key, value] of Object.entries(r.query))
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
    const response = await fetch(url, {
      method: r.method,
      headers: {
        authorization: `token ${token}`,
        accept: 'application/vnd.github+json',
        ...(r.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      },
      ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  core.setOutput('statuses', statuses.join(','));
  core.setOutput('read', `${inputs.length + 1} inputs, pull request ${event.pull_request?.number ?? '?'}`);
}

main().catch((err: unknown) => core.setFailed(`floor action: ${(err as Error).message}`));

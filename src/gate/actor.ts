import type { Actor } from './authorize.js';
import type { CommandName } from './commands.js';
import type { Policy } from './policy.js';
import type { GateEnv } from './view.js';

/**
 * The sender as `authorize` needs them; team memberships are looked up only for the teams the policy
 * lists, and `alsoTeams` (code owners' teams, a checkpoint's teams: what `decide` judges besides).
 */
export async function actorOf(
  env: GateEnv,
  policy: Policy,
  sender: { login: string; type: string },
  command: CommandName,
  alsoTeams: readonly string[] = [],
): Promise<Actor> {
  const type = sender.type === 'User' || sender.type === 'Organization' ? sender.type : 'Bot';
  if (command === 'help' || command === 'plan' || type !== 'User')
    return { login: sender.login, type, permission: 'none', teams: [] };
  const permission = await env.port.getPermission(sender.login);
  const teams: string[] = [];
  const asked = new Map<string, string>();
  for (const team of [...policy.approvers.teams, ...alsoTeams])
    if (!asked.has(team.toLowerCase())) asked.set(team.toLowerCase(), team);
  for (const team of asked.values()) {
    const [org, slug] = team.split('/') as [string, string];
    if (await env.port.isTeamMember(org, slug, sender.login)) teams.push(team);
  }
  return { login: sender.login, type, permission, teams };
}

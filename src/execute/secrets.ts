/**
 * Values that look like secrets in the environment steps inherit (a workflow passes secrets to a step as
 * variables: `env: { DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }} }`), masked in every posted log.
 */
export function secretsInEnvironment(env: NodeJS.ProcessEnv): string[] {
  const name = /TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY/i;
  return Object.entries(env)
    .filter(([key, value]) => name.test(key) && value && value.length >= 6)
    .map(([, value]) => value!);
}

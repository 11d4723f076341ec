/**
 * The repository policy, `.github/proceed.yml` (SPEC §2). It is read from the base branch, never from
 * the pull request, so it is the trusted side: a plan's `config` may tighten it, never loosen it.
 * Every key has a safe default, so an absent or empty file means `DEFAULT_POLICY`.
 */
import { z } from 'zod';
import type { Diagnostic } from '../plan/diagnostics.js';
import { DURATION_PATTERN, isDuration, parseDuration } from '../plan/duration.js';
import { parseYamlWithSchema } from '../plan/parse.js';
import { loginSchema, teamSchema, verifySchema, type PlanConfig, type Verification } from '../plan/schema.js';

export const POLICY_FILE = '.github/proceed.yml';

/** The lowest repository permission that may approve; below write one cannot even push. */
export const APPROVER_PERMISSIONS = ['write', 'maintain', 'admin'] as const;

/** How `proceed/verify` is decided on a merge queue's group commit (see gate/merge-group.ts). */
export const MERGE_QUEUE_MODES = ['verified', 're-verify'] as const;

const durationSchema = z
  .string()
  // A pattern rather than a check, so schema/policy.schema.json says it too.
  .regex(new RegExp(DURATION_PATTERN), { message: 'must be a duration such as 90s, 10m or 1h30m' })
  .refine((text) => !isDuration(text) || parseDuration(text) > 0, { message: 'must be longer than 0s' })
  .describe('A duration: 90s, 10m, 1h30m');

/** The most approvals a quorum may ask for (a review's state keeps each of them). */
export const MAX_APPROVALS = 10;

/** Which paths need a code owner among the approvers (`approvers.codeowners`). */
export const CODEOWNERS_MODES = ['plan', 'changed-files'] as const;
export type CodeownersMode = (typeof CODEOWNERS_MODES)[number];

const approverFields = {
  permission: z
    .enum(APPROVER_PERMISSIONS)
    .default('write')
    .describe('Minimum repository permission to approve or /proceed'),
  users: z.array(loginSchema).default([]).describe('Optional allowlist of logins'),
  teams: z.array(teamSchema).default([]).describe('Optional allowlist of org/team slugs'),
  count: z
    .number()
    .int({ message: 'must be a whole number of approvals' })
    .min(1, { message: 'must be at least 1' })
    .max(MAX_APPROVALS, { message: `must be at most ${MAX_APPROVALS}` })
    .default(1)
    .describe(
      'How many distinct allowed people must approve the same head and plan before anything runs (reviews and /proceed both count)',
    ),
};

const approversDescription =
  'Who may approve and run: everyone with `permission` or more, narrowed to `users` and `teams` when either is set; `count` of them must approve';

export const approversSchema = z.strictObject(approverFields).describe(approversDescription);

/** The global approvers: those of an environment, and whether a code owner must be among them. */
export const globalApproversSchema = z
  .strictObject({
    ...approverFields,
    codeowners: z
      .enum(CODEOWNERS_MODES)
      .optional()
      .describe(
        'At least one approver must be a code owner (CODEOWNERS on the base branch) of the plan file (plan) or of every changed path (changed-files)',
      ),
  })
  .describe(approversDescription);

export const policySchema = z
  .strictObject({
    approvers: globalApproversSchema.prefault({}),
    self_approval: z
      .boolean()
      .default(false)
      .describe("May the pull request's author /proceed their own plan"),
    forks: z.boolean().default(false).describe('Execute plans of pull requests from forks'),
    bind_approval_to: z
      .enum(['head', 'plan'])
      .default('head')
      .describe('head: any new commit voids approval; plan: only a change of the plan file does'),
    checkpoint_timeout: durationSchema
      .default('24h')
      .describe('A paused plan whose checkpoint nobody confirms ends as timed out'),
    approval_ttl: durationSchema
      .optional()
      .describe(
        'An approval older than this no longer starts or resumes an execution; /proceed or an approving review renews it',
      ),
    verify: verifySchema.default({}).describe('Always run in the verify phase, whatever the plan says'),
    environments: z
      .record(
        z.string().min(1),
        z
          .strictObject({
            production: z
              .boolean()
              .optional()
              .describe(
                "Recorded as a production environment (default: the environment is named 'production')",
              ),
            approvers: approversSchema
              .optional()
              .describe(
                'Who may approve a plan for this environment: needed on top of the global `approvers`',
              ),
          })
          .prefault({}),
      )
      .optional()
      .describe('The environments plans may name (`environment:`); when set, any other is refused'),
    merge_queue: z
      .enum(MERGE_QUEUE_MODES)
      .default('verified')
      .describe(
        "verified: a merge group passes when every pull request in it is verified on its head; re-verify: also run the verify phase on the group's commit",
      ),
  })
  .describe('proceed repository policy (.github/proceed.yml, read from the base branch)');

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;
export type ApproverPermission = (typeof APPROVER_PERMISSIONS)[number];
/** Approvers as `authorize` reads them (the global ones, or an environment's). */
export type Approvers = z.output<typeof approversSchema>;

/** What an absent or empty `.github/proceed.yml` means. */
export const DEFAULT_POLICY: Policy = policySchema.parse({});

/** A policy file's text (undefined: no file) → the policy, or its errors with FILE:LINE:COL. */
export function parsePolicyFile(
  content: string | undefined,
  path: string,
): { policy: Policy; errors: Diagnostic[] } {
  if (content === undefined) return { policy: DEFAULT_POLICY, errors: [] };
  const parsed = parseYamlWithSchema(content, path, policySchema);
  return parsed.ok ? { policy: parsed.value, errors: [] } : { policy: DEFAULT_POLICY, errors: parsed.errors };
}

/** The plan's switches as they apply under the repository policy. */
export type EffectiveSettings = Omit<PlanConfig, 'require_approval'> & {
  /** Always true: the repository requires approval whatever the plan says. */
  require_approval: true;
  /** `checkpoint_timeout` of the policy, in milliseconds. */
  checkpoint_timeout_ms: number;
};

export interface MergedConfig {
  settings: EffectiveSettings;
  /** One sentence each, for the review: where the plan asked for something the policy does not give. */
  notices: string[];
}

/**
 * The plan's `config` under the repository policy: it may tighten, never loosen.
 *
 * - `require_approval`: always on. `false` in a plan is ignored with a notice, because approval is
 *   what the repository relies on ("nobody outside the policy ever causes a step to run").
 * - `stop_on_error`, `checkpoint_between_steps`, `max_plan_steps`, `show_estimated_time`: honoured as
 *   written. The policy has no say over them, and none of them lets anything run that was not
 *   approved: they are part of the plan the approver sees, any change to the plan voids approval,
 *   and `proceed/verify` still fails when a step failed.
 * - `allow_skip`: honoured as written, for the same reasons, and because `/skip` is then still a
 *   decision of someone who may `/proceed` (never the author without `self_approval`, see
 *   `authorize`). It skips a failed or paused step, never a verification: the policy's `verify` always
 *   runs.
 */
export function mergePlanConfig(config: PlanConfig, policy: Policy): MergedConfig {
  const notices: string[] = [];
  if (!config.require_approval) {
    notices.push(
      '`require_approval: false` in the plan is ignored: this repository always requires approval ' +
        'before a step runs (`.github/proceed.yml`).',
    );
  }
  return {
    settings: {
      ...config,
      require_approval: true,
      checkpoint_timeout_ms: parseDuration(policy.checkpoint_timeout),
    },
    notices,
  };
}

export interface MergedVerify {
  /** The policy's verifications first, then the plan's; every name once. */
  verify: Record<string, Verification>;
  notices: string[];
}

/**
 * The verify phase under the policy: the policy's verifications always run and cannot be replaced,
 * so a plan entry with the same name as a policy entry gives way (with a notice).
 */
export function mergeVerify(
  planVerify: Record<string, Verification> | undefined,
  policy: Policy,
): MergedVerify {
  const verify: Record<string, Verification> = { ...policy.verify };
  const notices: string[] = [];
  for (const [name, check] of Object.entries(planVerify ?? {})) {
    if (Object.hasOwn(verify, name)) {
      notices.push(
        `\`verify.${name}\` in the plan is replaced by \`verify.${name}\` of \`.github/proceed.yml\`, ` +
          "which always runs; give the plan's check another name to run both.",
      );
    } else verify[name] = check;
  }
  return { verify, notices };
}

/** JSON Schema for editors, generated from `policySchema` (committed as schema/policy.schema.json). */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/proceed/proceed/schema/policy.schema.json',
    title: 'proceed repository policy',
    ...schema,
  };
}

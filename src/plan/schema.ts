import { posix } from 'node:path';
import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

/** The hard cap on steps, whatever a plan's `config.max_plan_steps` says. */
export const MAX_PLAN_STEPS = 50;

const DURATION_MESSAGE = 'must be a duration such as 90s, 10m or 1h30m';
const duration = z
  .string({ error: DURATION_MESSAGE })
  .regex(new RegExp(DURATION_PATTERN), { message: DURATION_MESSAGE })
  .describe('A duration: 90s, 10m, 1h30m');

export const shellSchema = z
  .enum(['bash', 'sh', 'pwsh', 'python'])
  .describe('bash runs with -eo pipefail; sh with -e; pwsh and python run the command as a script');

const envSchema = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name' }),
    z.union([z.string(), z.number(), z.boolean()]),
  )
  .describe('Extra environment variables for the command');

/**
 * Why a `working-directory` leaves the repository, or undefined when it stays inside: an absolute
 * path, or one whose `..` climbs past the root. The executor still resolves symlinks when it runs
 * (a link inside the checkout may point out of it); this is the part a plan's text alone shows.
 */
export function workingDirectoryEscape(dir: string): string | undefined {
  const slashed = dir.replace(/\\/g, '/');
  // No shell reads it, so `~` is a directory named `~`, not a home.
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    return `"${dir}" is an absolute path; give a directory relative to the repository root, e.g. db`;
  }
  const normal = posix.normalize(slashed);
  if (normal === '..' || normal.startsWith('../')) {
    return `"${dir}" leads outside the repository; give a directory inside it, relative to the repository root`;
  }
  return undefined;
}

const workingDirectory = z
  .string()
  .min(1)
  .superRefine((dir, ctx) => {
    const escape = workingDirectoryEscape(dir);
    if (escape) ctx.addIssue({ code: 'custom', message: escape });
  });

// GitHub logins: letters, digits and hyphens, at most 39 characters (some old accounts have double or
// trailing hyphens, so those are accepted). A leading `@` is accepted, as people write logins that
// way, and dropped.
const LOGIN = /^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
const TEAM = /^@?[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export const loginSchema = z
  .string()
  .trim()
  .regex(LOGIN, { message: 'must be a GitHub login such as octocat' })
  .transform((login) => login.replace(/^@/, ''))
  .describe('A GitHub login');

export const teamSchema = z
  .string()
  .trim()
  .regex(TEAM, { message: 'must be a team as org/team-slug, such as octo-org/deployers' })
  .transform((team) => team.replace(/^@/, ''))
  .describe('A team, as org/team-slug');

/** The most confirmations a checkpoint may ask for. */
export const MAX_CHECKPOINT_APPROVALS = 10;

/**
 * Who may pass one checkpoint (on top of the repository policy's approvers: a plan only tightens).
 * `permission` raises the floor, `users` and `teams` narrow it, `count` distinct people must confirm.
 */
export const checkpointApproversSchema = z
  .strictObject({
    permission: z
      .enum(['write', 'maintain', 'admin'])
      .optional()
      .describe("Minimum repository permission to confirm (never below the policy's)"),
    users: z.array(loginSchema).default([]).describe('Only these logins may confirm (or the teams)'),
    teams: z
      .array(teamSchema)
      .default([])
      .describe('Only members of these org/team slugs may confirm (or the users)'),
    count: z
      .number()
      .int({ message: 'must be a whole number of confirmations' })
      .min(1, { message: 'must be at least 1' })
      .max(MAX_CHECKPOINT_APPROVALS, { message: `must be at most ${MAX_CHECKPOINT_APPROVALS}` })
      .default(1)
      .describe('How many distinct allowed people must confirm before the step runs'),
  })
  .describe('Who may pass this checkpoint');
export type CheckpointApprovers = z.output<typeof checkpointApproversSchema>;

export const STEP_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const stepSchema = z
  .strictObject({
    id: z
      .string()
      .regex(STEP_ID_PATTERN, {
        message:
          'must be lowercase letters, digits, - or _, starting with a letter or digit, at most 63 characters',
      })
      .optional()
      .describe('Unique id; the check run is proceed/<id>. Default: a slug of name'),
    name: z
      .string()
      .trim()
      .min(1, { message: 'must not be empty' })
      .max(200)
      .describe('What the step does, in a few words'),
    description: z.string().optional(),
    run: z.string().min(1, { message: 'must not be empty' }).optional().describe('The command to run'),
    shell: shellSchema.default('bash'),
    'working-directory': workingDirectory
      .optional()
      .describe('Relative to the repository root; the step and its rollback run there'),
    env: envSchema.optional(),
    timeout: duration.optional().describe('The process group is killed after it'),
    estimate: duration.optional(),
    checkpoint: z
      .union([z.boolean(), z.strictObject({ approvers: checkpointApproversSchema })])
      .default(false)
      .describe(
        'Stop before this step until someone allowed confirms; `{ approvers: … }` says who may confirm it',
      ),
    rollback: z.string().min(1).optional().describe('Undoes the step; run by /rollback'),
  })
  .describe('One step of the plan, run in order');

export const verificationSchema = z.union([
  z.string().min(1, { message: 'must not be empty' }),
  z.strictObject({
    run: z.string().min(1, { message: 'must not be empty' }),
    shell: shellSchema.default('bash'),
    'working-directory': workingDirectory.optional().describe('Relative to the repository root'),
    env: envSchema.optional(),
    timeout: duration.optional(),
  }),
]);

/** GitHub environment names: at most 255 characters, no control characters or slashes of URL paths' kind. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,254}$/;

const VERIFY_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const verifySchema = z
  .record(
    z.string().regex(VERIFY_NAME, { message: 'must be lowercase letters, digits, - or _' }),
    verificationSchema,
  )
  .describe('Phase 3: every command must pass for proceed/verify to succeed');

export const configSchema = z
  .strictObject({
    require_approval: z.boolean().default(true),
    stop_on_error: z.boolean().default(true),
    allow_skip: z.boolean().default(false),
    checkpoint_between_steps: z.boolean().default(false),
    max_plan_steps: z.number().int().min(1).max(MAX_PLAN_STEPS).default(MAX_PLAN_STEPS),
    show_estimated_time: z.boolean().default(true),
  })
  .describe("The pattern's switches; they may tighten the repository policy, never loosen it");

/** The approvers a step's checkpoint names, or undefined when anyone the policy allows may confirm it. */
export function checkpointApprovers(step: Pick<Step, 'checkpoint'>): CheckpointApprovers | undefined {
  return typeof step.checkpoint === 'object' ? step.checkpoint.approvers : undefined;
}

/** Lowercase slug of a step name, used when a step has no `id`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'step';
}

export const planSchema = z
  .strictObject({
    version: z.literal(1, { message: 'must be 1' }),
    title: z.string().trim().min(1, { message: 'must not be empty' }).max(300),
    description: z.string().optional(),
    requirements: z.array(z.string()).optional().describe('What was gathered before planning'),
    risks: z.array(z.string()).optional().describe('Shown in the approval request'),
    estimate: duration.optional().describe("Default: the sum of the steps' estimates"),
    steps: z.array(stepSchema).min(1, { message: 'needs at least one step' }),
    verify: verifySchema.optional(),
    environment: z
      .string()
      .regex(ENVIRONMENT_NAME, { message: 'must be an environment name such as production or staging' })
      .optional()
      .describe(
        "The GitHub environment this plan deploys to: its execution is recorded as a deployment there (the repository's Environments page)",
      ),
    config: configSchema.default({
      require_approval: true,
      stop_on_error: true,
      allow_skip: false,
      checkpoint_between_steps: false,
      max_plan_steps: MAX_PLAN_STEPS,
      show_estimated_time: true,
    }),
  })
  .superRefine((plan, ctx) => {
    const max = Math.min(plan.config.max_plan_steps, MAX_PLAN_STEPS);
    if (plan.steps.length > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: `has ${plan.steps.length} steps, more than max_plan_steps (${max}); split the work into smaller plans`,
      });
    }
    const seen = new Map<string, number>();
    plan.steps.forEach((step, i) => {
      const id = step.id ?? slugify(step.name);
      const first = seen.get(id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: step.id ? ['steps', i, 'id'] : ['steps', i, 'name'],
          message: `step id "${id}" is already used by steps[${first}]; give one of them a different id`,
        });
      } else seen.set(id, i);
    });
  })
  .transform((plan) => ({
    ...plan,
    steps: plan.steps.map((step) => ({ ...step, id: step.id ?? slugify(step.name) })),
  }))
  .describe('A proceed plan: what will be done, step by step, and how success is verified');

/** The plan as written (before defaults). */
export type PlanInput = z.input<typeof planSchema>;
/** The plan after validation: defaults applied, every step has an id. */
export type Plan = z.output<typeof planSchema>;
export type Step = Plan['steps'][number];
export type PlanConfig = Plan['config'];
export type Verification = z.output<typeof verificationSchema>;
export type Shell = z.output<typeof shellSchema>;

/** JSON Schema for editors, generated from `planSchema` (committed as schema/plan.schema.json). */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/proceed/proceed/schema/plan.schema.json',
    title: 'proceed plan',
    ...schema,
  };
}

/** schema/policy.schema.json (issue 15): generated from the zod policy schema, and agreeing with it. */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  generateSchema,
  planSchemaText,
  POLICY_SCHEMA_FILE,
  policySchemaText,
} from '../../scripts/generate-schema.js';
import { policyJsonSchema, policySchema } from '../../src/gate/policy.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the committed schema/policy.schema.json', () => {
  it('is what scripts/generate-schema.ts writes from the zod schema (run `npm run schema` when this fails)', () => {
    expect(POLICY_SCHEMA_FILE).toBe(join(root, 'schema/policy.schema.json'));
    expect(readFileSync(POLICY_SCHEMA_FILE, 'utf8')).toBe(policySchemaText());
  });

  it('is checked with the plan schema by `npm run check:schema`', async () => {
    const lines: string[] = [];
    expect(await generateSchema(['--check'], (l) => void lines.push(l))).toBe(0);
    expect(lines).toEqual([
      'schema/plan.schema.json is up to date with src/plan/schema.ts.',
      'schema/policy.schema.json is up to date with src/gate/policy.ts.',
    ]);
  });

  it('with a FILE, writes only the plan schema there, as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proceed-policy-schema-'));
    try {
      const file = join(dir, 'plan.json');
      await writeFile(file, '{}\n');
      expect(await generateSchema([file], () => undefined)).toBe(0);
      expect(await readFile(file, 'utf8')).toBe(planSchemaText());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the policy JSON Schema agrees with zod', () => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  const validate = ajv.compile(policyJsonSchema());
  const valid: [string, string][] = [
    ['an empty policy', '{}'],
    [
      'a quorum with code owners and expiry',
      'approvers: { count: 2, codeowners: changed-files }\napproval_ttl: 72h',
    ],
    [
      'an environment with its own count',
      'environments: { production: { approvers: { teams: [o/dba], count: 3 } } }',
    ],
    [
      'everything else',
      'self_approval: true\nforks: true\nbind_approval_to: plan\ncheckpoint_timeout: 1h\nmerge_queue: re-verify',
    ],
  ];
  const invalid: [string, string][] = [
    ['a count of 0', 'approvers: { count: 0 }'],
    ['a count over 10', 'approvers: { count: 11 }'],
    ['a fractional count', 'approvers: { count: 1.5 }'],
    ['an unknown codeowners mode', 'approvers: { codeowners: all }'],
    ['codeowners on an environment', 'environments: { production: { approvers: { codeowners: plan } } }'],
    ['a ttl that is not a duration', 'approval_ttl: 3 days'],
    ['an unknown key', 'approval_tll: 72h'],
  ];

  it.each(valid)('both accept %s', (_, text) => {
    const data = parse(text) as unknown;
    expect(policySchema.safeParse(data).success).toBe(true);
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(invalid)('both refuse %s', (_, text) => {
    const data = parse(text) as unknown;
    expect(policySchema.safeParse(data).success).toBe(false);
    expect(validate(data)).toBe(false);
  });
});

describe('the documentation of the policy', () => {
  const schema = policyJsonSchema() as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
  };
  const keys = [
    ...Object.keys(schema.properties),
    ...Object.keys(schema.properties['approvers']?.properties ?? {}),
  ];
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const policyDoc = readFileSync(join(root, 'docs/policy.md'), 'utf8');

  it.each(keys)('names %s in README.md and docs/policy.md', (key) => {
    expect(readme).toContain(`${key}:`);
    expect(policyDoc).toContain(`${key}:`);
  });
});

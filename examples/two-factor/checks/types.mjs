// Verify "typecheck": what the type declarations and the schema promise is what the code has —
// every function totp.d.ts declares is exported with the same required parameters,
// nothing is exported undeclared, the users rows have exactly the migrated columns, and every
// route maps to a handler.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check, importScratch, runStep, scratchDir } from '../../shared/scratch.mjs';

const root = scratchDir('two-factor');

/** `export function name(a: T, b?: U): R;` → { name, required: 1 } */
function declarations(dts) {
  return [...dts.matchAll(/^export function (\w+)\(([^)]*)\)/gm)].map(([, name, list]) => {
    const params = list
      .split(/,(?![^{]*})/)
      .map((p) => p.trim())
      .filter(Boolean);
    return { name, required: params.filter((p) => !/^\w+\?:/.test(p)).length };
  });
}

await runStep(async () => {
  const declared = declarations(readFileSync(join(root, 'src/vendor/totp.d.ts'), 'utf8'));
  const totp = await importScratch('two-factor', 'src/vendor/totp.mjs');
  const exported = Object.keys(totp).filter((name) => typeof totp[name] === 'function');
  check(
    declared.length > 0 && declared.every((d) => typeof totp[d.name] === 'function'),
    `totp.d.ts: all ${declared.length} declared functions are exported`,
  );
  const undeclared = exported.filter((name) => !declared.some((d) => d.name === name));
  check(
    undeclared.length === 0,
    `every exported function is declared${undeclared.length ? ` (not: ${undeclared.join(', ')})` : ''}`,
  );
  // A function's length counts the parameters before the first default: the required ones.
  const arity = declared.filter((d) => totp[d.name].length !== d.required);
  check(
    arity.length === 0,
    `required parameters agree with the declarations${arity.length ? ` (not: ${arity.map((d) => d.name).join(', ')})` : ''}`,
  );

  const table = JSON.parse(readFileSync(join(root, 'data/users.json'), 'utf8'));
  const { COLUMNS } = await importScratch('two-factor', 'migrations/002_two_factor.mjs');
  check(
    Object.keys(COLUMNS).every((c) => table.columns.includes(c)),
    'data/users.json has the two-factor columns',
  );
  const shaped = table.rows.every(
    (row) => Object.keys(row).sort().join() === [...table.columns].sort().join(),
  );
  check(shaped, `all ${table.rows.length} users rows have exactly the table's columns`);
  check(
    table.rows.every((row) => typeof row.two_factor_enabled === 'boolean' && Array.isArray(row.backup_codes)),
    'two_factor_enabled is a boolean and backup_codes an array in every row',
  );

  const { enrollmentRoutes } = await importScratch('two-factor', 'src/enrollment.mjs');
  const { backupCodeRoutes } = await importScratch('two-factor', 'src/backup-codes.mjs');
  const routes = { ...enrollmentRoutes, ...backupCodeRoutes };
  check(
    Object.entries(routes).every(
      ([route, handler]) => /^(GET|POST) \/auth\/2fa\//.test(route) && typeof handler === 'function',
    ),
    `all ${Object.keys(routes).length} routes have handlers`,
  );
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Every source file is as Prettier writes it (120 columns, .prettierrc): `npm run format` fixes a failure. ESLint's
 * max-len covers what Prettier cannot break (comments). Generated documents (docs/, k8s/) keep their generators' form.
 */
const repoRoot = path.resolve(__dirname, '../../..');

jest.setTimeout(120_000);

it('formats every TypeScript and JavaScript file of the repository with Prettier', () => {
  // The CLI, in a process of its own: Prettier's API loads its plugins with dynamic imports, which jest refuses.
  const prettier = require.resolve('prettier/bin/prettier.cjs', { paths: [repoRoot] });
  const run = spawnSync(process.execPath, [prettier, '--list-different', '**/*.{ts,mjs,cjs,js}'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  const unformatted = run.stdout.split('\n').filter(Boolean);
  expect({ unformatted, errors: run.stderr.trim() }).toEqual({ unformatted: [], errors: '' });
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The architecture's import rules are enforced by lint, not by convention: these cases lint a file
 * placed (virtually) inside a project and expect @nx/enforce-module-boundaries to refuse it.
 */
const repoRoot = path.resolve(__dirname, '../../..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Runs the real ESLint CLI (as `nx lint` does) on code presented as if it lived at `filePath`. */
function lint(filePath: string, code: string): LintMessage[] {
  const run = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/eslint/bin/eslint.js'),
      '--stdin',
      '--stdin-filename',
      filePath,
      '--format',
      'json',
    ],
    { cwd: repoRoot, input: code, encoding: 'utf8' },
  );
  if (!run.stdout) throw new Error(`eslint produced no report: ${run.stderr}`);
  // The rule prints a warning before the report when it has no project graph; the report is the JSON array.
  const [result] = JSON.parse(run.stdout.slice(run.stdout.indexOf('[{'))) as Array<{ messages: LintMessage[] }>;
  return result.messages;
}

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  return lint(filePath, code)
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
}

describe('module boundaries', () => {
  jest.setTimeout(120000);

  // The rule silently skips itself without a cached project graph; computing it first makes these
  // cases (and their failures) real, the way `nx lint` runs it.
  beforeAll(() => {
    const graph = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      },
    );
    if (graph.status !== 0) throw new Error(`nx could not compute the project graph: ${graph.stderr}`);
  });

  it('refuses framework and platform imports in contracts', async () => {
    const errors = await boundaryErrors(
      'libs/contracts/src/boundary-probe.ts',
      `import { Injectable } from '@nestjs/common';\nimport { inTransaction } from '@atp/platform-database';\nexport const probe = [Injectable, inTransaction];\n`,
    );
    expect(errors).toHaveLength(2);
    expect(errors.join('\n')).toMatch(/@nestjs\/common/);
  });

  it('refuses one service importing another service', async () => {
    const errors = await boundaryErrors(
      'apps/workflow-service/src/boundary-probe.ts',
      `import { AppModule } from '../../config-service/src/app.module';\nexport const probe = AppModule;\n`,
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses the domain library depending on platform code', async () => {
    const errors = await boundaryErrors(
      'libs/domain/approval-routing/src/boundary-probe.ts',
      `import { OutboxWriter } from '@atp/platform-messaging';\nexport const probe = OutboxWriter;\n`,
    );
    expect(errors).toHaveLength(1);
  });

  it('allows an app to use platform, contracts and domain libraries', async () => {
    const errors = await boundaryErrors(
      'apps/workflow-service/src/boundary-probe.ts',
      `import { Topics } from '@atp/contracts';\nimport { inTransaction } from '@atp/platform-database';\nimport { ATP_CATEGORIES } from '@atp/approval-routing';\nexport const probe = [Topics, inTransaction, ATP_CATEGORIES];\n`,
    );
    expect(errors).toEqual([]);
  });

  it('keeps the testing library out of production code', async () => {
    const messages = lint(
      'apps/workflow-service/src/boundary-probe.ts',
      `import { waitFor } from '@atp/testing';\nexport const probe = waitFor;\n`,
    );
    expect(messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });
});

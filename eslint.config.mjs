import nx from '@nx/eslint-plugin';

/**
 * Module boundaries (see shared/style.md):
 *  - contracts and domain libraries are pure TypeScript: no Nest, TypeORM, pg or kafkajs;
 *  - platform imports platform, contracts and domain; apps import platform, contracts and domain;
 *  - a service never imports another service (scope tags);
 *  - testing may be imported by any project's tests, never by production files (no-restricted-imports below).
 */
const frameworkPackages = ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'fastify', '@fastify/*', 'exceljs'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/.local', '**/coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:testing'],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:platform',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', 'type:testing'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', 'type:testing'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
            { sourceTag: 'scope:config-service', onlyDependOnLibsWithTags: ['scope:shared', 'scope:config-service'] },
            {
              sourceTag: 'scope:workflow-service',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:workflow-service'],
            },
            {
              sourceTag: 'scope:submission-service',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:submission-service'],
            },
            {
              sourceTag: 'scope:punchlist-service',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:punchlist-service'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      // Prettier formats at 120 columns (`npm run format`); what it cannot break (comments) must still fit.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    // The testing library holds fixtures and stack handles; production code must not ship them (e2e/ is all test code).
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**', 'libs/testing/**', 'scripts/**', 'e2e/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@atp/testing', message: '@atp/testing is for tests only.' }] },
      ],
    },
  },
];

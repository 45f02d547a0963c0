// One SWC configuration for running TypeScript from source (scripts/register.cjs) and for jest.
// Nest's dependency injection needs decorator metadata, which esbuild-based runners do not emit.
const path = require('node:path');
const tsconfig = require('../tsconfig.base.json');

const root = path.resolve(__dirname, '..');

/** Path aliases of tsconfig.base.json, rewritten by SWC at compile time. */
const paths = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, targets]) => [alias, targets]),
);

function swcOptions() {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
}

module.exports = { swcOptions, root };

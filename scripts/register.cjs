// Require hook: `node -r ./scripts/register.cjs file.ts` runs TypeScript sources of this repository.
const { addHook } = require('pirates');
const { transformSync } = require('@swc/core');
const { swcOptions } = require('./swc-options.cjs');

process.setSourceMapsEnabled(true);
const options = swcOptions();

addHook((code, filename) => transformSync(code, { ...options, filename }).code, {
  exts: ['.ts'],
  ignoreNodeModules: true,
});

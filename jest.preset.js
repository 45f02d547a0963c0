// Shared jest settings: SWC with the repository's decorator and path-alias configuration.
const { swcOptions } = require('./scripts/swc-options.cjs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), sourceMaps: 'inline', swcrc: false }],
    // jose ships ESM only; jest's module system is CommonJS here, so it is compiled like our own code.
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2022' }, swcrc: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|int-spec).ts'],
  setupFiles: ['reflect-metadata'],
};

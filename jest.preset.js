// Shared jest settings: SWC with the repository's decorator and path-alias configuration.
const { swcOptions } = require('./scripts/swc-options.cjs');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), sourceMaps: 'inline', swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|int-spec).ts'],
  setupFiles: ['reflect-metadata'],
};

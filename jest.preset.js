// Shared jest settings: SWC with the repository's decorator and path-alias configuration.
const { swcOptions } = require('./scripts/swc-options.cjs');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), sourceMaps: 'inline', swcrc: false }],
    // jose (and the content-disposition of @fastify/static, which serves Swagger UI) ship ESM only; jest's module
    // system is CommonJS here, so they are compiled like our own code.
    '^.+/node_modules/(jose|@fastify/static/node_modules/content-disposition)/.+\\.js$': [
      '@swc/jest',
      { module: { type: 'commonjs' }, jsc: { target: 'es2022' }, swcrc: false },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(jose|content-disposition)/)(?!@fastify/static/node_modules/content-disposition/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|int-spec).ts'],
  setupFiles: ['reflect-metadata'],
  // A hang guard, not a speed bound: closing an app waits for its consumers to leave their groups (a fetch in
  // flight ends first, up to 5 s), which jest's 5 s default for hooks does not cover on a loaded 2-core machine.
  testTimeout: 30_000,
};

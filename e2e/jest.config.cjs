// The journey suite: one stack for the whole run (globalSetup starts it, globalTeardown stops it), and one
// spec file at a time: the stack has one clock, and an SLA test moves it for everyone.
module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120_000,
};

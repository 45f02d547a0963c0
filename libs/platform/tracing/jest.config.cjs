module.exports = { displayName: 'platform-tracing', preset: '../../../jest.preset.js', rootDir: __dirname };

module.exports = { displayName: 'platform-integrity', preset: '../../../jest.preset.js', rootDir: __dirname };

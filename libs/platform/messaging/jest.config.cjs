module.exports = { displayName: 'platform-messaging', preset: '../../../jest.preset.js', rootDir: __dirname };

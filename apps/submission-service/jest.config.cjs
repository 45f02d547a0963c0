module.exports = { displayName: 'submission-service', preset: '../../jest.preset.js', rootDir: __dirname };

module.exports = { displayName: 'config-service', preset: '../../jest.preset.js', rootDir: __dirname };

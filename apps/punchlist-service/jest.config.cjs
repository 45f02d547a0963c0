module.exports = { displayName: 'punchlist-service', preset: '../../jest.preset.js', rootDir: __dirname };

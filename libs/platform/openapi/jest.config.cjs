module.exports = { displayName: 'platform-openapi', preset: '../../../jest.preset.js', rootDir: __dirname };

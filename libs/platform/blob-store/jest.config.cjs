module.exports = { displayName: 'platform-blob-store', preset: '../../../jest.preset.js', rootDir: __dirname };

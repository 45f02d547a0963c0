module.exports = { displayName: 'approval-routing', preset: '../../../jest.preset.js', rootDir: __dirname };

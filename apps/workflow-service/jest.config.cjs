module.exports = { displayName: 'workflow-service', preset: '../../jest.preset.js', rootDir: __dirname };

module.exports = { displayName: 'k8s-checks', preset: '../../jest.preset.js', rootDir: __dirname };

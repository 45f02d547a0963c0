// Integration specs each start the service with the same Kafka consumer groups and a hand-driven clock:
// run concurrently, one file's app would consume the other's events (with the wrong clock). One worker.
module.exports = {
  displayName: 'punchlist-service',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  maxWorkers: 1,
};

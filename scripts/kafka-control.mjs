#!/usr/bin/env node
// Restarts, stops or starts only the local Kafka broker and waits until it is ready again.
// Used by tests that prove producers and consumers survive a broker outage:
//   node scripts/kafka-control.mjs restart|stop|start
import { kafkaControl } from './lib/stack.mjs';

const action = process.argv[2];
if (!['restart', 'stop', 'start'].includes(action)) {
  console.error('usage: node scripts/kafka-control.mjs restart|stop|start');
  process.exit(2);
}
try {
  await kafkaControl(action, { log: (msg) => console.log(`[kafka-control] ${msg}`) });
} catch (err) {
  console.error(`[kafka-control] ${action} failed: ${err.message}`);
  process.exit(1);
}

// The first import of main.ts: the instrumentations must patch http and pg before they load.
import { startTracing } from '@atp/platform-tracing';

startTracing(process.env.SERVICE_NAME || 'config-service');

import pino, { type Logger } from 'pino';

/** JSON logs on stdout; fatal errors flush synchronously so a crash at start-up is never hidden. */
export function createRootLogger(serviceName: string, level: string): Logger {
  return pino({
    level,
    base: { service: serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
  });
}

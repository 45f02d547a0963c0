import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import { NestPinoLogger } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: new NestPinoLogger(pino({ level: 'debug' }, sink)), lines };
}

describe('NestPinoLogger', () => {
  afterEach(() => Logger.overrideLogger(true));

  it("writes Nest's log calls with their context, an error's stack, and objects as fields", () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    const log = new Logger('ProxyService');
    log.warn('client left');
    log.error('boom', 'Error: boom\n    at here');
    log.error('no stack');
    logger.log({ event: 'started', port: 3000 }, 'Bootstrap');
    log.verbose('not written below debug');

    expect(lines).toEqual([
      expect.objectContaining({ level: 40, context: 'ProxyService', msg: 'client left' }),
      expect.objectContaining({ level: 50, context: 'ProxyService', msg: 'boom', stack: 'Error: boom\n    at here' }),
      expect.objectContaining({ level: 50, context: 'ProxyService', msg: 'no stack' }),
      expect.objectContaining({ level: 30, context: 'Bootstrap', event: 'started', port: 3000 }),
    ]);
    expect(lines[2]).not.toHaveProperty('stack');
  });
});

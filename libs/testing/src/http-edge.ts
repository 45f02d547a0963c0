import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

export interface EdgeRoute {
  method: 'post' | 'put' | 'patch';
  path: string;
}

export interface HttpEdgeOptions {
  /** A booted application (called in beforeAll). */
  boot: () => Promise<INestApplication>;
  /** JSON routes to aim the malformed bodies at; each case is tried on each route. */
  routes: EdgeRoute[];
  /** A count of everything a request could have written (rows of the service's tables, outbox rows). */
  countWrites: (app: INestApplication) => Promise<number>;
  /** The largest JSON body the routes accept (1 MB unless they declare more). */
  limitBytes?: number;
}

interface EdgeCase {
  name: string;
  contentType: string;
  body: string | Buffer;
  status: number;
  code: string;
}

function nested(depth: number): string {
  return `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

function edgeCases(limitBytes: number): EdgeCase[] {
  const json = 'application/json';
  return [
    {
      name: 'an oversized body',
      contentType: json,
      body: JSON.stringify({ comment: 'x'.repeat(limitBytes) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'a truncated body',
      contentType: json,
      body: '{"siteCode": "S-1", "scopeCo',
      status: 400,
      code: 'MALFORMED_JSON',
    },
    {
      name: 'a body that is not JSON',
      contentType: json,
      body: 'siteCode=S-1&scopeCode=X',
      status: 400,
      code: 'MALFORMED_JSON',
    },
    { name: 'a bare JSON string', contentType: json, body: '"just a string"', status: 400, code: 'MALFORMED_JSON' },
    {
      name: 'a text/plain body',
      contentType: 'text/plain',
      body: '{"siteCode":"S-1"}',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'a form body',
      contentType: 'application/x-www-form-urlencoded',
      body: 'siteCode=S-1',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    { name: 'an XML body', contentType: 'application/xml', body: '<a/>', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    {
      name: 'a Latin-1 charset',
      contentType: 'application/json; charset=latin1',
      body: '{"comment":"caf\u00e9"}',
      status: 415,
      code: 'UNSUPPORTED_CHARSET',
    },
    {
      name: 'an unknown charset',
      contentType: 'application/json; charset=klingon',
      body: '{}',
      status: 415,
      code: 'UNSUPPORTED_CHARSET',
    },
    { name: '10,000 levels of nesting', contentType: json, body: nested(10_000), status: 400, code: 'JSON_TOO_DEEP' },
  ];
}

/**
 * Sends `head` and then the first `sent` bytes of a body announced longer, half-closes, and returns the
 * raw answer (empty when the server only dropped the connection).
 */
function abortedUpload(app: INestApplication, path: string, announced: number, sent: number): Promise<string> {
  const server = app.getHttpServer() as { address(): AddressInfo | string | null; listening: boolean };
  return new Promise((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${announced}\r\n\r\n`,
      );
      socket.write(`{"comment":"${'x'.repeat(sent)}`);
      socket.end();
    });
    setTimeout(() => reject(new Error('no answer to the aborted upload')), 20_000).unref();
  });
}

/**
 * The HTTP edge every service shares (contract "Refusals"): malformed, oversized, mistyped, wrongly
 * encoded and over-nested bodies each get a 4xx problem+json with a stable code, and nothing is
 * written; an upload the client breaks off changes nothing either, and the service keeps serving.
 */
export function describeHttpEdge(serviceName: string, options: HttpEdgeOptions): void {
  describe(`${serviceName} HTTP edge`, () => {
    let app: INestApplication;
    jest.setTimeout(120_000);

    beforeAll(async () => {
      app = await options.boot();
      const server = app.getHttpServer() as {
        listening: boolean;
        listen(port: number, host: string, cb: () => void): void;
      };
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      await app?.close();
    });

    const cases = edgeCases(options.limitBytes ?? 1024 * 1024);
    const table = options.routes.flatMap((route) =>
      cases.map((c) => ({ ...c, route, label: `${route.method.toUpperCase()} ${route.path}: ${c.name}` })),
    );

    it.each(table)('$label → $status $code, nothing written', async ({ route, contentType, body, status, code }) => {
      const before = await options.countWrites(app);
      const response = await request(app.getHttpServer())
        [route.method](route.path)
        .set('content-type', contentType)
        .send(body);
      expect({ status: response.status, contentType: response.headers['content-type'] }).toEqual({
        status,
        contentType: expect.stringContaining('application/problem+json'),
      });
      expect(JSON.parse(response.text)).toMatchObject({ status, code });
      expect(response.text.length).toBeLessThan(2_000);
      expect(await options.countWrites(app)).toBe(before);
    });

    it('survives an upload the client breaks off: a 400 or a dropped connection, nothing written, still serving', async () => {
      const before = await options.countWrites(app);
      const route = options.routes[0];
      const answer = await abortedUpload(app, route.path, 500_000, 1_000);
      if (answer) expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(await options.countWrites(app)).toBe(before);
      const next = await request(app.getHttpServer())
        [route.method](route.path)
        .set('content-type', 'text/plain')
        .send('x');
      expect(next.status).toBe(415);
    });
  });
}

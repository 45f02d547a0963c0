import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { receiveMultipartForm, type MultipartForm } from './multipart-upload';

const BOUNDARY = 'zz-boundary';

type Part = { name: string; value: string } | { name: string; fileName: string; content: Buffer };

function form(parts: Part[], end = `--${BOUNDARY}--\r\n`): Buffer {
  const chunks = parts.map((part) =>
    'content' in part
      ? Buffer.concat([
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\n` +
              'Content-Type: application/octet-stream\r\n\r\n',
          ),
          part.content,
          Buffer.from('\r\n'),
        ])
      : Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`),
  );
  return Buffer.concat([...chunks, Buffer.from(end)]);
}

/** A server that answers what `receiveMultipartForm` made of the request: the form, or the refusal. */
function serve(maxFileBytes: number): Promise<Server> {
  const server = createServer((req, res) => {
    receiveMultipartForm(req, { maxFileBytes }).then(
      (received: MultipartForm) =>
        res.end(
          JSON.stringify({
            fields: { ...received.fields },
            file: received.file && { ...received.file, buffer: received.file.buffer.toString() },
          }),
        ),
      (error: { status: number; code: string; message: string }) => {
        res.statusCode = error.status;
        res.end(JSON.stringify({ code: error.code, detail: error.message }));
      },
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function post(server: Server, body: Buffer, contentType = `multipart/form-data; boundary=${BOUNDARY}`) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      {
        port: (server.address() as AddressInfo).port,
        host: '127.0.0.1',
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('receiveMultipartForm (spreadsheet imports)', () => {
  let server: Server;
  beforeAll(async () => {
    server = await serve(10);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the file in memory and the text fields', async () => {
    const answer = await post(
      server,
      form([
        { name: 'sourceType', value: 'SCOPE_CONFIG' },
        { name: 'file', fileName: 'scopes.csv', content: Buffer.from('a,b\n') },
      ]),
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        fields: { sourceType: 'SCOPE_CONFIG' },
        file: { fieldName: 'file', originalname: 'scopes.csv', buffer: 'a,b\n' },
      },
    });
  });

  it('accepts a file of exactly the limit and refuses one byte more with 413 "File too large"', async () => {
    const at = await post(server, form([{ name: 'file', fileName: 'a.csv', content: Buffer.alloc(10, 65) }]));
    expect(at.status).toBe(200);
    const over = await post(server, form([{ name: 'file', fileName: 'a.csv', content: Buffer.alloc(11, 65) }]));
    expect(over).toEqual({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', detail: 'File too large' } });
  });

  it.each([
    [
      'another file field',
      form([{ name: 'other', fileName: 'a.csv', content: Buffer.from('x') }]),
      'Unexpected file field - other',
    ],
    [
      'a second file',
      form([
        { name: 'file', fileName: 'a.csv', content: Buffer.from('x') },
        { name: 'file', fileName: 'b.csv', content: Buffer.from('y') },
      ]),
      'Too many files',
    ],
    [
      'a form cut short',
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc`),
      'Multipart: Unexpected end of form',
    ],
  ])('refuses %s with 400 BAD_REQUEST, as multer did', async (_name, body, detail) => {
    expect(await post(server, body)).toEqual({ status: 400, body: { code: 'BAD_REQUEST', detail } });
  });

  it('refuses a multipart type without a boundary', async () => {
    expect(await post(server, Buffer.from('x'), 'multipart/form-data')).toEqual({
      status: 400,
      body: { code: 'BAD_REQUEST', detail: 'Multipart: Boundary not found' },
    });
  });

  it('resolves without a file when the form has none (the route names the missing field)', async () => {
    expect(await post(server, form([{ name: 'notes', value: 'n' }]))).toEqual({
      status: 200,
      body: { fields: { notes: 'n' } },
    });
  });
});

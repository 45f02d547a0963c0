/**
 * The client half of submission-bench's RSS phase, in its own process so that the bench process holds
 * only the service: N uploads of SIZE bytes each, all at once, every body generated while it streams.
 * Input (JSON in argv[2]): { port, token, paths, size }. Output: one JSON line of { status, body } per upload.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';

interface Job {
  port: number;
  token: string;
  paths: string[];
  size: number;
}

const BOUNDARY = 'bench-boundary';

function upload(job: Job, path: string): Promise<{ status: number; body: string }> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="ATP PLN Upgrade.pdf"\r\n` +
      `Content-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const chunk = randomBytes(64 * 1024);
  const bodyBytes = job.size - 9;
  async function* parts() {
    yield head;
    for (let sent = 0; sent < bodyBytes; sent += chunk.length)
      yield chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
    yield tail;
  }
  const headers = {
    authorization: `Bearer ${job.token}`,
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    'content-length': String(head.length + bodyBytes + tail.length),
  };
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: job.port, method: 'POST', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString().slice(0, 300) }),
      );
    });
    req.on('error', reject);
    Readable.from(parts()).pipe(req);
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const results = await Promise.all(job.paths.map((path) => upload(job, path)));
  for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

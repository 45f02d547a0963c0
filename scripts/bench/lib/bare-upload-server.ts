/**
 * The reference for submission-bench's upload figure: a bare node:http server that does only what storing an upload
 * durably must do. It reads the body and hashes it (sha256), writes it to a temporary file and fsyncs it, renames the
 * file into place and fsyncs the folder, as LocalDiskBlobStore does. It has no framework, no multipart parsing, no
 * token, no database and no events. It runs in its own process, like the service, so the two CPU figures compare.
 * `startBareUploadServer` forks it; its child process reports its port over IPC.
 */
import { fork } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface BareUploadServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

async function store(request: NodeJS.ReadableStream, directory: string): Promise<string> {
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const temp = join(directory, `${randomUUID()}.part`);
  await pipeline(request, hashing, createWriteStream(temp, { flags: 'wx', flush: true }));
  await rename(temp, join(directory, randomUUID()));
  const folder = await open(directory, 'r');
  await folder.sync();
  await folder.close();
  return hash.digest('hex');
}

function serve(directory: string): void {
  const server = createServer((request, response) => {
    store(request, directory).then(
      (sha256) => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ sha256 }));
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.message);
      },
    );
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
}

/** Forks the server on `directory` (which must exist) and resolves once it listens. */
export async function startBareUploadServer(directory: string): Promise<BareUploadServer> {
  const child = fork(__filename, [directory], { execArgv: ['-r', './scripts/register.cjs'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the bare upload server exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

if (require.main === module) serve(process.argv[2]);

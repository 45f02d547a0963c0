import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  BlobNotFoundError,
  type BlobStore,
  FileTooLargeError,
  InvalidBlobKeyError,
  LocalDiskBlobStore,
  S3BlobStore,
  newBlobKey,
} from '../src';
import { startS3TestServer, type S3TestServer } from './s3-test-server';

const MIB = 1024 * 1024;

// Multi-megabyte transfers on a shared machine: generous, never a timed assertion.
jest.setTimeout(120_000);

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A stream of `bytes` in 64 KiB chunks, as an HTTP upload arrives. */
function chunked(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 64 * 1024) chunks.push(bytes.subarray(at, at + 64 * 1024));
  return Readable.from(chunks);
}

/** Sends `before` bytes, then fails as a dropped client connection does. */
function abortedAfter(before: Buffer): Readable {
  const stream = new PassThrough();
  stream.write(before);
  setImmediate(() => stream.destroy(new Error('client aborted')));
  return stream;
}

interface Backend {
  name: string;
  store: BlobStore;
  /** Everything the backend holds for keys (and any temporary leftovers). */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

async function localBackend(): Promise<Backend> {
  const root = await mkdtemp(join(tmpdir(), 'blobs-'));
  const list = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const files = await Promise.all(
      entries.map((entry) => (entry.isDirectory() ? list(join(dir, entry.name)) : [join(dir, entry.name)])),
    );
    return files.flat();
  };
  return {
    name: 'local disk',
    store: new LocalDiskBlobStore(root),
    leftovers: () => list(root),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

let s3Server: S3TestServer;

async function s3Backend(): Promise<Backend> {
  s3Server = await startS3TestServer();
  const store = new S3BlobStore({ ...s3Server.settings, partSizeBytes: 5 * MIB });
  const list = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const files = await Promise.all(
      entries.map((entry) => (entry.isDirectory() ? list(join(dir, entry.name)) : [join(dir, entry.name)])),
    );
    return files.flat();
  };
  return {
    name: 's3 (s3rver)',
    store,
    // s3rver keeps each object as files under <dir>/<bucket>/. It does not implement AbortMultipartUpload,
    // so the parts of an aborted multipart upload stay in its `._S3rver_uploads` folder; they are never an
    // object (`exists` is false), and real S3 deletes them on abort (plus a bucket lifecycle rule as backstop).
    leftovers: async () =>
      (await list(join(s3Server.directory, s3Server.settings.bucket))).filter(
        (file) => !file.includes('._S3rver_uploads'),
      ),
    close: async () => {
      store.destroy();
      await s3Server.close();
    },
  };
}

describe.each([
  ['local disk', localBackend],
  ['s3', s3Backend],
])('BlobStore: %s', (_name, makeBackend) => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await makeBackend();
  });

  afterAll(async () => {
    await backend.close();
  });

  it('stores a streamed file and gives back the same bytes, size and sha256', async () => {
    const bytes = randomBytes(300 * 1024);
    const stored = await backend.store.put(chunked(bytes), {
      key: newBlobKey('round-trip'),
      contentType: 'application/pdf',
    });
    expect(stored).toEqual({
      key: expect.stringMatching(/^round-trip\//),
      sizeBytes: bytes.length,
      sha256: sha256(bytes),
    });
    expect(await backend.store.exists(stored.key)).toBe(true);
    const content = await backend.store.get(stored.key);
    expect(content.sizeBytes).toBe(bytes.length);
    expect((await buffer(content.stream)).equals(bytes)).toBe(true);
  });

  it('streams a file larger than one multipart part', async () => {
    const bytes = randomBytes(12 * MIB);
    const stored = await backend.store.put(chunked(bytes), { maxBytes: 20 * MIB });
    expect(stored.sizeBytes).toBe(bytes.length);
    expect(stored.sha256).toBe(sha256(bytes));
    expect(sha256(await buffer((await backend.store.get(stored.key)).stream))).toBe(sha256(bytes));
    await backend.store.delete(stored.key);
  });

  it('refuses a file over maxBytes and leaves nothing behind', async () => {
    const before = await backend.leftovers();
    const key = newBlobKey('too-large');
    await expect(
      backend.store.put(chunked(randomBytes(6 * MIB + 1)), { key, maxBytes: 6 * MIB }),
    ).rejects.toBeInstanceOf(FileTooLargeError);
    expect(await backend.store.exists(key)).toBe(false);
    expect(await backend.leftovers()).toEqual(before);
  });

  it('leaves nothing behind when the source stream is aborted', async () => {
    const before = await backend.leftovers();
    const key = newBlobKey('aborted');
    await expect(backend.store.put(abortedAfter(randomBytes(256 * 1024)), { key })).rejects.toThrow('client aborted');
    expect(await backend.store.exists(key)).toBe(false);
    expect(await backend.leftovers()).toEqual(before);
  });

  it('answers BlobNotFoundError for an unknown key and deletes idempotently', async () => {
    const stored = await backend.store.put(Readable.from([Buffer.from('x')]));
    await backend.store.delete(stored.key);
    await backend.store.delete(stored.key);
    expect(await backend.store.exists(stored.key)).toBe(false);
    await expect(backend.store.get(stored.key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it.each(['../escape', '/etc/passwd', 'a/../../b', 'a//b', '.hidden', 'a\\b', '', 'a/.incoming'])(
    'refuses the key %j',
    async (key) => {
      await expect(backend.store.put(Readable.from([Buffer.from('x')]), { key })).rejects.toBeInstanceOf(
        InvalidBlobKeyError,
      );
      await expect(backend.store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(backend.store.exists(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
    },
  );
});

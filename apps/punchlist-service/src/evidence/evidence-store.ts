import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredBlob {
  sizeBytes: number;
  sha256: string;
  /** The first bytes, for content sniffing. */
  head: Buffer;
}

/**
 * Where evidence files live. Streams in and out (no file is held in memory). A stand-in until
 * `@atp/platform-blob-store` (the submission work's shared interface, with S3) is on main: keep the
 * methods in step with it so the swap is a provider change.
 */
export abstract class EvidenceStore {
  abstract put(key: string, content: Readable): Promise<StoredBlob>;
  abstract open(key: string): Promise<{ stream: Readable; sizeBytes: number }>;
  abstract delete(key: string): Promise<void>;
}

const HEAD_BYTES = 16;

/** Local-disk store: writes to a temporary name, renames on success, so a crash never leaves half a blob under a key. */
export class LocalDiskEvidenceStore extends EvidenceStore {
  private readonly root: string;

  constructor(root: string) {
    super();
    this.root = resolve(root);
  }

  async put(key: string, content: Readable): Promise<StoredBlob> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.partial-${process.pid}-${Date.now()}`;
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let head = Buffer.alloc(0);
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, measure, createWriteStream(temporary, { flags: 'wx' }));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { sizeBytes, sha256: hash.digest('hex'), head };
  }

  async open(key: string): Promise<{ stream: Readable; sizeBytes: number }> {
    const path = this.pathOf(key);
    const { size } = await stat(path);
    return { stream: createReadStream(path), sizeBytes: size };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** Keys are ours (ids joined by '/'); the check keeps a bad key from escaping the root all the same. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error(`blob key ${key} leaves the store`);
    return path;
  }
}

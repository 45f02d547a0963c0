import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, InvalidBlobKeyError } from './blob-errors';
import { assertValidBlobKey, newBlobKey } from './blob-key';
import type { BlobContent, BlobStore, PutOptions, StoredBlob } from './blob-store';
import { ByteMeter, ignoreHere } from './byte-meter';

const TEMP_DIR = '.incoming';

/**
 * Files under one root directory. A put streams into a temporary file in the same filesystem, fsyncs it
 * (before closing it) and renames it into place, so a key names either nothing or the complete file, even after a crash
 * (a crash leaves at most a temporary file, which `sweepTemporaryFiles` removes).
 */
export class LocalDiskBlobStore implements BlobStore {
  private readonly root: string;
  private readonly directories = new Set<string>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(source: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    // A source that fails before the pipeline is attached must reject this put, not crash the process.
    source.on('error', ignoreHere);
    const key = options.key ?? newBlobKey();
    const target = this.pathOf(key);
    const temp = join(this.root, TEMP_DIR, `${randomUUID()}.part`);
    await this.ensureDirectory(dirname(temp));
    const meter = new ByteMeter(options.maxBytes);
    try {
      // `flush`: the stream fsyncs the file before it closes, so the rename publishes durable bytes.
      await pipeline(source, meter, createWriteStream(temp, { flags: 'wx', flush: true }));
      await this.ensureDirectory(dirname(target));
      await rename(temp, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        // The folder went away since it was made (a cleanup): make it again, once.
        this.directories.delete(dirname(target));
        await this.ensureDirectory(dirname(target));
        await rename(temp, target);
      });
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { key, sizeBytes: meter.sizeBytes, sha256: meter.digest() };
  }

  /** mkdir -p, once per folder of this process: a put is on the upload's hot path. */
  private async ensureDirectory(path: string): Promise<void> {
    if (this.directories.has(path)) return;
    await mkdir(path, { recursive: true });
    this.directories.add(path);
  }

  async get(key: string): Promise<BlobContent> {
    const path = this.pathOf(key);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new BlobNotFoundError(key);
      throw error;
    });
    if (!info.isFile()) throw new BlobNotFoundError(key);
    return { stream: createReadStream(path), sizeBytes: info.size };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    const info = await stat(this.pathOf(key)).catch(() => undefined);
    return info?.isFile() ?? false;
  }

  /** Removes temporary files older than `olderThanMs` (left by a crash mid-upload). */
  async sweepTemporaryFiles(olderThanMs: number, now = Date.now()): Promise<number> {
    const dir = join(this.root, TEMP_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private pathOf(key: string): string {
    assertValidBlobKey(key);
    const path = resolve(this.root, key);
    // Belt and braces: the key grammar already forbids '..' and absolute paths.
    if (!path.startsWith(this.root + sep) || key.startsWith(`${TEMP_DIR}/`)) throw new InvalidBlobKeyError(key);
    return path;
  }
}

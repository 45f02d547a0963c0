import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FileTooLargeError } from './blob-errors';

/** Passes bytes through, counting and hashing them, and fails the stream once it passes `maxBytes`. */
export class ByteMeter extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  get sizeBytes(): number {
    return this.count;
  }

  /** Valid once the stream has finished. */
  digest(): string {
    return this.hash.digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.maxBytes) {
      callback(new FileTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

/** The pipeline reports a source's error; this listener only keeps an early one from being "unhandled". */
export function ignoreHere(): void {
  return undefined;
}

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError } from './blob-errors';
import { assertValidBlobKey, newBlobKey } from './blob-key';
import type { BlobContent, BlobStore, PutOptions, StoredBlob } from './blob-store';
import { ByteMeter, ignoreHere } from './byte-meter';

export interface S3BlobStoreSettings {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, Ceph, a test server); AWS itself when absent. */
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Multipart part size; S3's minimum is 5 MiB. Memory per upload ≈ partSize × queueSize. */
  partSizeBytes?: number;
  queueSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * Objects in one S3 bucket. A put streams through `@aws-sdk/lib-storage` (multipart above one part);
 * a failed or oversized stream aborts the upload, so no object appears. S3 makes an object visible only
 * when its upload completes, which gives the same all-or-nothing put as the local store.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3BlobStoreSettings) {
    const config: S3ClientConfig = {
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // We hash every byte ourselves; the SDK's default trailing checksums (aws-chunked encoding) are not
      // understood by many S3-compatible servers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.client = new S3Client(config);
  }

  async put(source: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    source.on('error', ignoreHere);
    const key = options.key ?? newBlobKey();
    assertValidBlobKey(key);
    const meter = new ByteMeter(options.maxBytes);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: key, Body: meter, ContentType: options.contentType },
      partSize: Math.max(this.settings.partSizeBytes ?? MIN_PART_SIZE, MIN_PART_SIZE),
      queueSize: this.settings.queueSize ?? 2,
      leavePartsOnError: false,
    });
    const feeding = pipeline(source, meter);
    const [fed, uploaded] = await Promise.allSettled([feeding, upload.done()]);
    if (fed.status === 'rejected') {
      await upload.abort().catch(() => undefined);
      // The meter's own error (too large) or the source's (aborted) explains more than the SDK's.
      throw fed.reason;
    }
    if (uploaded.status === 'rejected') throw uploaded.reason;
    return { key, sizeBytes: meter.sizeBytes, sha256: meter.digest() };
  }

  async get(key: string): Promise<BlobContent> {
    assertValidBlobKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      if (!(answer.Body instanceof Readable)) throw new Error('S3 answered without a readable body');
      return { stream: answer.Body, sizeBytes: answer.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
  }

  async exists(key: string): Promise<boolean> {
    assertValidBlobKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  destroy(): void {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404;
}

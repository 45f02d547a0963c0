import type { Readable } from 'node:stream';

/** What a completed `put` stored: the bytes are durable under `key` once this is returned. */
export interface StoredBlob {
  key: string;
  sizeBytes: number;
  /** Lower-case hex SHA-256 of the stored bytes, computed while streaming. */
  sha256: string;
}

export interface PutOptions {
  /** The key to store under; a fresh one is generated when absent (see `newBlobKey`). */
  key?: string;
  /** More bytes than this fail the put with `FileTooLargeError` and store nothing. */
  maxBytes?: number;
  /** Kept as object metadata where the backend supports it (S3); the database stays the source of truth. */
  contentType?: string;
}

export interface BlobContent {
  stream: Readable;
  sizeBytes: number;
}

/**
 * Where uploaded files live (documents, punchlist evidence). Every implementation streams: a put never
 * holds a whole file in memory, and it is all-or-nothing: when the source stream fails, is aborted or
 * exceeds `maxBytes`, the put rejects and nothing is left under the key.
 */
export interface BlobStore {
  put(source: Readable, options?: PutOptions): Promise<StoredBlob>;
  /** Rejects with `BlobNotFoundError` for an unknown key. */
  get(key: string): Promise<BlobContent>;
  /** Idempotent: deleting an unknown key succeeds. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** Injection token for Nest modules. */
export const BLOB_STORE = Symbol('BLOB_STORE');

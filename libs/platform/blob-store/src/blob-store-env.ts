import type { EnvSchema } from '@atp/platform-config';
import type { BlobStore } from './blob-store';
import { LocalDiskBlobStore } from './local-disk-blob-store';
import { S3BlobStore } from './s3-blob-store';

const MIB = 1024 * 1024;

/** Where files go and how big they may be (api-contract "Limits"). Spread into a service's env schema. */
export const blobStoreEnvSchema = {
  BLOB_STORE: { kind: 'enum', values: ['local', 's3'], default: 'local', description: 'blob backend' },
  BLOB_STORE_DIR: { kind: 'string', default: '.local/blobs', description: 'root folder of the local backend' },
  S3_ENDPOINT: { kind: 'string', default: '', description: 'S3-compatible endpoint URL; empty = AWS' },
  S3_REGION: { kind: 'string', default: 'us-east-1' },
  S3_BUCKET: { kind: 'string', default: '', description: 'bucket of the s3 backend (required with BLOB_STORE=s3)' },
  S3_ACCESS_KEY_ID: { kind: 'string', default: '', description: 'empty = the SDK default credential chain' },
  S3_SECRET_ACCESS_KEY: { kind: 'string', default: '' },
  S3_FORCE_PATH_STYLE: { kind: 'bool', default: false, description: 'path-style URLs (MinIO, most test servers)' },
  UPLOAD_MAX_FILE_BYTES: { kind: 'int', min: 1, default: 50 * MIB, description: 'a document or evidence file' },
} as const satisfies EnvSchema;

export interface BlobStoreEnv {
  BLOB_STORE: string;
  BLOB_STORE_DIR: string;
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: boolean;
}

export function createBlobStore(env: BlobStoreEnv): BlobStore {
  if (env.BLOB_STORE === 'local') return new LocalDiskBlobStore(env.BLOB_STORE_DIR);
  if (!env.S3_BUCKET) throw new Error('S3_BUCKET is required with BLOB_STORE=s3');
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
    throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all');
  }
  return new S3BlobStore({
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT || undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials: env.S3_ACCESS_KEY_ID
      ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
      : undefined,
  });
}

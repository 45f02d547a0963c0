import { randomUUID } from 'node:crypto';
import { InvalidBlobKeyError } from './blob-errors';

// Segments of letters, digits, '.', '_' and '-', never starting with '.': no '..', no absolute path,
// no backslash, nothing a filesystem or an S3 console would read differently.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_KEY_LENGTH = 512;

export function assertValidBlobKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new InvalidBlobKeyError(key);
  if (!key.split('/').every((segment) => SEGMENT.test(segment))) throw new InvalidBlobKeyError(key);
}

/** A fresh key under a prefix such as `submissions/<workspaceId>`. */
export function newBlobKey(prefix?: string): string {
  const key = prefix ? `${prefix}/${randomUUID()}` : randomUUID();
  assertValidBlobKey(key);
  return key;
}

import type { IncomingMessage } from 'node:http';
import { receiveMultipartUpload, type BlobStore } from '@atp/platform-blob-store';

/** Evidence as the item move records it: the file is already stored under `blobKey`. */
export interface ReceivedEvidence {
  blobKey: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  comment: string | null;
}

/**
 * Reads a multipart evidence upload (`file` + `comment`) with the platform's receiver: streamed into
 * the blob store, type decided from the content, size limited while streaming; every refusal is a 4xx
 * and leaves nothing stored.
 */
export async function receiveEvidence(
  request: IncomingMessage,
  store: BlobStore,
  blobKey: string,
  maxBytes: number,
): Promise<ReceivedEvidence> {
  const { fields, file } = await receiveMultipartUpload(request, { store, blobKey, maxBytes, textFields: ['comment'] });
  const comment = fields.comment?.trim() ? fields.comment : null;
  return {
    blobKey: file.blob.key,
    fileName: file.fileName.slice(0, 255),
    contentType: file.type.contentType,
    sizeBytes: file.blob.sizeBytes,
    sha256: file.blob.sha256,
    comment,
  };
}

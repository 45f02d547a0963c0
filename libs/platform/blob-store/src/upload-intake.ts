import { Readable } from 'node:stream';
import { EmptyFileError, UnsupportedFileTypeError } from './blob-errors';
import { DOCUMENT_FILE_KINDS, type FileKind, SNIFF_BYTES, sniffFileType, type SniffedType } from './content-sniffer';

export interface InspectedUpload {
  type: SniffedType;
  /** The whole upload again (head included), to hand to `BlobStore.put`. */
  stream: Readable;
}

/**
 * Reads the head of an upload to decide its type before anything is stored, then gives back a stream of
 * every byte. Refuses (and drains nothing more of) an empty file or one of a type not accepted, so a
 * refused upload never reaches the blob store.
 */
export async function inspectUpload(
  source: Readable,
  options: { fileName?: string; accept?: readonly FileKind[] } = {},
): Promise<InspectedUpload> {
  const accept = options.accept ?? DOCUMENT_FILE_KINDS;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks, length);
  if (length === 0) throw new EmptyFileError();
  const type = sniffFileType(head, options.fileName);
  if (!type || !accept.includes(type.kind)) {
    source.destroy();
    throw new UnsupportedFileTypeError(
      type?.contentType ?? null,
      accept.map((kind) => kind),
    );
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { type, stream: Readable.from(replay(), { objectMode: false }) };
}

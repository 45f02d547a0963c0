import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { EmptyFileError, UnsupportedFileTypeError } from './blob-errors';
import { inspectUpload } from './upload-intake';
import { samplePdf } from '../test/sample-files';

describe('inspectUpload', () => {
  it('types the upload and replays every byte', async () => {
    const bytes = Buffer.concat([samplePdf(), Buffer.alloc(200 * 1024, 7)]);
    const chunks = [bytes.subarray(0, 10), bytes.subarray(10, 100_000), bytes.subarray(100_000)];
    const inspected = await inspectUpload(Readable.from(chunks), { fileName: 'a.pdf' });
    expect(inspected.type.contentType).toBe('application/pdf');
    expect((await buffer(inspected.stream)).equals(bytes)).toBe(true);
  });

  it('refuses an empty file with a PDF name', async () => {
    await expect(inspectUpload(Readable.from([]), { fileName: 'atp.pdf' })).rejects.toBeInstanceOf(EmptyFileError);
  });

  it('refuses wrong magic bytes, and a kind outside the accepted ones', async () => {
    await expect(
      inspectUpload(Readable.from([Buffer.from('plain text')]), { fileName: 'atp.pdf' }),
    ).rejects.toBeInstanceOf(UnsupportedFileTypeError);
    await expect(inspectUpload(Readable.from([samplePdf()]), { accept: ['png'] })).rejects.toBeInstanceOf(
      UnsupportedFileTypeError,
    );
  });
});

import { ZipFile } from 'yazl';
import { buffer } from 'node:stream/consumers';

/** Small but genuine samples of every accepted kind, built in code so the tests ship no binaries. */
export const samplePdf = (): Buffer =>
  Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export const samplePng = (): Buffer =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

export const sampleJpeg = (): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(32, 2)]);

export async function sampleZip(entries: Record<string, string | Buffer>, compress = true): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { compress });
  }
  zip.end();
  return buffer(zip.outputStream);
}

export const sampleDocx = (): Promise<Buffer> =>
  sampleZip({
    '[Content_Types].xml': '<Types/>',
    '_rels/.rels': '<Relationships/>',
    'word/document.xml': '<w:document/>',
  });

export const sampleXlsx = (): Promise<Buffer> =>
  sampleZip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });

export const samplePptx = (): Promise<Buffer> =>
  sampleZip({ '[Content_Types].xml': '<Types/>', 'ppt/presentation.xml': '<p:presentation/>' });

/** A compound-file header followed by a directory entry with the given stream name. */
export function sampleCompoundFile(streamName?: string): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  const directory = Buffer.alloc(512);
  if (streamName) Buffer.from(streamName, 'utf16le').copy(directory);
  return Buffer.concat([header, directory]);
}

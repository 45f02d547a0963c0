/**
 * Decides a file's type from its first bytes (magic numbers), never from its name: a renamed
 * executable stays refused. The name only picks between legacy Office formats when the compound-file
 * directory lies beyond the sniffed head.
 */
export type FileKind =
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'pptx'
  | 'doc'
  | 'xls'
  | 'ppt'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'tiff';

export interface SniffedType {
  kind: FileKind;
  contentType: string;
  extension: string;
}

export const FILE_KINDS: Readonly<Record<FileKind, Omit<SniffedType, 'kind'>>> = {
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  pptx: { contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' },
  doc: { contentType: 'application/msword', extension: 'doc' },
  xls: { contentType: 'application/vnd.ms-excel', extension: 'xls' },
  ppt: { contentType: 'application/vnd.ms-powerpoint', extension: 'ppt' },
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  gif: { contentType: 'image/gif', extension: 'gif' },
  webp: { contentType: 'image/webp', extension: 'webp' },
  tiff: { contentType: 'image/tiff', extension: 'tiff' },
};

/** What documents and evidence accept: PDF, the Office formats and images. */
export const DOCUMENT_FILE_KINDS: readonly FileKind[] = Object.keys(FILE_KINDS) as FileKind[];

/** Bytes a sniff looks at; enough for the first entries of an OOXML zip and most CFB directories. */
export const SNIFF_BYTES = 64 * 1024;

const PDF = Buffer.from('%PDF-');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function startsWith(head: Buffer, magic: Buffer, offset = 0): boolean {
  return head.length >= offset + magic.length && head.subarray(offset, offset + magic.length).equals(magic);
}

function kindOf(kind: FileKind): SniffedType {
  return { kind, ...FILE_KINDS[kind] };
}

export function sniffFileType(head: Buffer, fileName?: string): SniffedType | null {
  // PDF readers accept the header anywhere in the first 1 KiB; a leading BOM or junk happens in the field.
  const pdfAt = head.subarray(0, 1024).indexOf(PDF);
  if (pdfAt >= 0) return kindOf('pdf');
  if (startsWith(head, PNG)) return kindOf('png');
  if (startsWith(head, JPEG)) return kindOf('jpeg');
  if (startsWith(head, Buffer.from('GIF87a')) || startsWith(head, Buffer.from('GIF89a'))) return kindOf('gif');
  if (startsWith(head, Buffer.from('RIFF')) && startsWith(head, Buffer.from('WEBP'), 8)) return kindOf('webp');
  if (
    startsWith(head, Buffer.from([0x49, 0x49, 0x2a, 0x00])) ||
    startsWith(head, Buffer.from([0x4d, 0x4d, 0x00, 0x2a]))
  ) {
    return kindOf('tiff');
  }
  if (startsWith(head, ZIP_LOCAL_HEADER)) return sniffOfficeOpenXml(head);
  if (startsWith(head, CFB)) return sniffCompoundFile(head, fileName);
  return null;
}

/** The entry names of the zip's local headers inside the head (names are stored uncompressed). */
export function zipEntryNamesInHead(head: Buffer): string[] {
  const names: string[] = [];
  let at = head.indexOf(ZIP_LOCAL_HEADER);
  while (at >= 0 && at + 30 <= head.length) {
    const nameLength = head.readUInt16LE(at + 26);
    const nameEnd = at + 30 + nameLength;
    if (nameEnd > head.length) break;
    names.push(head.subarray(at + 30, nameEnd).toString('utf8'));
    // Entries written with a data descriptor carry no size up front; finding the next header by its
    // signature covers both cases.
    at = head.indexOf(ZIP_LOCAL_HEADER, nameEnd);
  }
  return names;
}

function sniffOfficeOpenXml(head: Buffer): SniffedType | null {
  const names = zipEntryNamesInHead(head);
  if (names.some((name) => name.startsWith('word/'))) return kindOf('docx');
  if (names.some((name) => name.startsWith('xl/'))) return kindOf('xlsx');
  if (names.some((name) => name.startsWith('ppt/'))) return kindOf('pptx');
  return null; // a plain zip (or an OOXML file we cannot confirm) is not a document
}

function utf16(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

function sniffCompoundFile(head: Buffer, fileName?: string): SniffedType | null {
  if (head.includes(utf16('WordDocument'))) return kindOf('doc');
  if (head.includes(utf16('Workbook')) || head.includes(utf16('Book\0'))) return kindOf('xls');
  if (head.includes(utf16('PowerPoint Document'))) return kindOf('ppt');
  // The directory is beyond the head: the content is a compound file, the name picks which Office one.
  const extension = fileName?.toLowerCase().match(/\.(doc|xls|ppt)$/)?.[1] as FileKind | undefined;
  return extension ? kindOf(extension) : null;
}

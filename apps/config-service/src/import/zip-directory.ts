import { FileRejectedError } from './file-rejected.error';

/** What an XLSX (a zip) may inflate to, checked from its central directory before anything is inflated. */
export interface InflateLimits {
  maxEntries: number;
  maxInflatedBytes: number;
  /** Uncompressed / compressed of one entry; only entries over `ratioCheckedAboveBytes` are held to it. */
  maxCompressionRatio: number;
  ratioCheckedAboveBytes: number;
}

export const XlsxInflateLimits: InflateLimits = {
  maxEntries: 2_000,
  maxInflatedBytes: 256 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioCheckedAboveBytes: 1024 * 1024,
};

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

function notAZip(reason: string): FileRejectedError {
  return new FileRejectedError('NOT_AN_XLSX', `The file is not a readable XLSX workbook: ${reason}`);
}

/**
 * Refuses a zip bomb without inflating it: reads the sizes every entry declares in the central
 * directory and refuses the file when their sum, an entry's compression ratio or the entry count is
 * over the limit. ZIP64 is refused: a spreadsheet within the upload limit never needs it.
 */
export function assertInflatesWithin(file: Buffer, limits: InflateLimits = XlsxInflateLimits): void {
  const searchFrom = Math.max(0, file.length - END_RECORD_BYTES - MAX_COMMENT_BYTES);
  let end = -1;
  for (let i = file.length - END_RECORD_BYTES; i >= searchFrom; i--) {
    if (file.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw notAZip('no zip directory');
  const entries = file.readUInt16LE(end + 10);
  const directoryOffset = file.readUInt32LE(end + 16);
  if (entries === 0xffff || directoryOffset === 0xffffffff) throw notAZip('ZIP64 archives are not accepted');
  if (entries > limits.maxEntries) {
    throw new FileRejectedError('TOO_MANY_ENTRIES', `The workbook has ${entries} parts; at most ${limits.maxEntries} are accepted`, 413);
  }
  let offset = directoryOffset;
  let inflated = 0;
  for (let n = 0; n < entries; n++) {
    if (offset + 46 > file.length || file.readUInt32LE(offset) !== DIRECTORY_ENTRY) throw notAZip('a damaged zip directory');
    const compressed = file.readUInt32LE(offset + 20);
    const uncompressed = file.readUInt32LE(offset + 24);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) throw notAZip('ZIP64 archives are not accepted');
    inflated += uncompressed;
    const ratio = uncompressed / Math.max(1, compressed);
    if (inflated > limits.maxInflatedBytes || (uncompressed > limits.ratioCheckedAboveBytes && ratio > limits.maxCompressionRatio)) {
      throw new FileRejectedError(
        'INFLATED_TOO_LARGE',
        `The workbook would inflate past what is accepted (${limits.maxInflatedBytes} bytes in all, ${limits.maxCompressionRatio}:1 per part)`,
        413,
      );
    }
    offset += 46 + file.readUInt16LE(offset + 28) + file.readUInt16LE(offset + 30) + file.readUInt16LE(offset + 32);
  }
}

import { ZipArchive, ZipRejectedError, type ZipLimits } from '@atp/platform-blob-store';
import { FileRejectedError } from './file-rejected.error';

const MIB = 1024 * 1024;

/** What an XLSX (a zip) may inflate to, checked from its central directory before anything is inflated. */
export const XlsxInflateLimits: ZipLimits = {
  maxEntries: 2_000,
  maxEntryBytes: 256 * MIB,
  maxInflatedBytes: 256 * MIB,
  maxCompressionRatio: 100,
  ratioCheckedAboveBytes: MIB,
};

/** The import's own codes for the platform's zip refusals (the import API names them; see import findings). */
function xlsxRefusal(error: ZipRejectedError, limits: ZipLimits): FileRejectedError {
  switch (error.code) {
    case 'ZIP_TOO_MANY_ENTRIES':
      return new FileRejectedError(
        'TOO_MANY_ENTRIES',
        `The workbook has too many parts; at most ${limits.maxEntries} are accepted`,
        413,
      );
    case 'ZIP_ENTRY_TOO_LARGE':
    case 'ZIP_INFLATES_TOO_LARGE':
      return new FileRejectedError(
        'INFLATED_TOO_LARGE',
        `The workbook would inflate past what is accepted (${limits.maxInflatedBytes} bytes in all, ${limits.maxCompressionRatio}:1 per part)`,
        413,
      );
    default:
      return new FileRejectedError('NOT_AN_XLSX', `The file is not a readable XLSX workbook: ${error.message}`);
  }
}

/**
 * Refuses a zip bomb without inflating it (the platform's ZipArchive reads the sizes every entry declares
 * in the central directory): the sum, an entry's size or ratio, or the entry count over the limit.
 */
export async function assertInflatesWithin(file: Buffer, limits: ZipLimits = XlsxInflateLimits): Promise<void> {
  try {
    (await ZipArchive.fromBuffer(file, limits)).close();
  } catch (error) {
    if (error instanceof ZipRejectedError) throw xlsxRefusal(error, limits);
    throw error;
  }
}

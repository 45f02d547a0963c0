import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { DomainError } from '@atp/platform-http';

/** What a zip may hold, checked against its central directory before a single byte is inflated. */
export interface ZipLimits {
  maxEntries: number;
  /** The declared inflated size of one entry. */
  maxEntryBytes: number;
  /** The sum of the declared inflated sizes. */
  maxInflatedBytes: number;
  /** Inflated / compressed of one entry; only entries above `ratioCheckedAboveBytes` are held to it. */
  maxCompressionRatio: number;
  ratioCheckedAboveBytes: number;
}

export interface ZipEntryInfo {
  /** The entry's path inside the archive (forward slashes, never absolute, never `..`). */
  name: string;
  compressedBytes: number;
  inflatedBytes: number;
}

/** A zip refused as a whole: over a limit (413) or unreadable / unsafe (422). Nothing of it is used. */
export class ZipRejectedError extends DomainError {
  constructor(code: string, message: string, status: 413 | 422, details: Record<string, unknown> = {}) {
    super(status, code, message, { rejected: true, ...details });
  }
}

const UNSAFE_NAME = /absolute path|invalid relative path|invalid characters/;
// NUL and other control characters have no place in a file name; a drive letter or `..` would escape a folder.
function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function unsafeName(name: string): string | null {
  if (hasControlCharacter(name) || name.includes('\\') || /^[a-zA-Z]:/.test(name) || name.startsWith('/')) return name;
  if (name.split('/').includes('..')) return name;
  return null;
}

function promised<T>(start: (callback: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

/**
 * A zip read through its central directory (yauzl). `open` refuses a zip bomb from the sizes every entry
 * declares, without inflating anything, and refuses names that could escape a folder; `openEntry` then
 * inflates one entry as a stream, and yauzl fails that stream as soon as it yields more bytes than the
 * entry declared, so a lying directory cannot bomb either.
 */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly byName: Map<string, yauzl.Entry>,
    readonly entries: readonly ZipEntryInfo[],
  ) {}

  static async open(path: string, limits: ZipLimits): Promise<ZipArchive> {
    return ZipArchive.read((callback) => yauzl.open(path, ZipArchive.options(), callback), limits);
  }

  static async fromBuffer(buffer: Buffer, limits: ZipLimits): Promise<ZipArchive> {
    return ZipArchive.read((callback) => yauzl.fromBuffer(buffer, ZipArchive.options(), callback), limits);
  }

  private static options(): yauzl.Options {
    return {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: true,
    };
  }

  private static async read(
    opener: (callback: (error: Error | null, zip?: yauzl.ZipFile) => void) => void,
    limits: ZipLimits,
  ): Promise<ZipArchive> {
    let zip: yauzl.ZipFile;
    try {
      zip = await promised<yauzl.ZipFile>(opener);
    } catch (error) {
      throw new ZipRejectedError('NOT_A_ZIP', `the file is not a readable zip: ${(error as Error).message}`, 422);
    }
    try {
      if (zip.entryCount > limits.maxEntries) {
        throw new ZipRejectedError(
          'ZIP_TOO_MANY_ENTRIES',
          `the zip has ${zip.entryCount} entries; at most ${limits.maxEntries}`,
          413,
          {
            entries: zip.entryCount,
            maxEntries: limits.maxEntries,
          },
        );
      }
      const byName = await ZipArchive.directory(zip, limits);
      const entries = [...byName.values()].map((entry) => ({
        name: entry.fileName,
        compressedBytes: entry.compressedSize,
        inflatedBytes: entry.uncompressedSize,
      }));
      return new ZipArchive(zip, byName, entries);
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** Walks the central directory only (lazyEntries: one record at a time, nothing inflated). */
  private static directory(zip: yauzl.ZipFile, limits: ZipLimits): Promise<Map<string, yauzl.Entry>> {
    return new Promise((resolve, reject) => {
      const byName = new Map<string, yauzl.Entry>();
      let inflated = 0;
      const refuse = (error: Error) => {
        zip.removeAllListeners('entry');
        reject(error);
      };
      zip.on('error', (error: Error) => {
        refuse(
          UNSAFE_NAME.test(error.message)
            ? new ZipRejectedError(
                'ZIP_UNSAFE_ENTRY_NAME',
                `the zip has an entry whose name could escape its folder (${error.message})`,
                422,
              )
            : new ZipRejectedError('NOT_A_ZIP', `the zip is damaged: ${error.message}`, 422),
        );
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (unsafeName(name)) {
          refuse(
            new ZipRejectedError(
              'ZIP_UNSAFE_ENTRY_NAME',
              `the zip entry ${JSON.stringify(name)} could escape its folder`,
              422,
            ),
          );
          return;
        }
        if (name.endsWith('/')) return zip.readEntry(); // a folder: nothing to read
        if (byName.has(name)) {
          refuse(new ZipRejectedError('ZIP_DUPLICATE_ENTRY', `the zip holds ${name} twice`, 422, { entry: name }));
          return;
        }
        inflated += entry.uncompressedSize;
        const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
        if (entry.uncompressedSize > limits.maxEntryBytes) {
          refuse(
            new ZipRejectedError(
              'ZIP_ENTRY_TOO_LARGE',
              `${name} inflates to ${entry.uncompressedSize} bytes; at most ${limits.maxEntryBytes}`,
              413,
              {
                entry: name,
                maxEntryBytes: limits.maxEntryBytes,
              },
            ),
          );
          return;
        }
        if (
          inflated > limits.maxInflatedBytes ||
          (entry.uncompressedSize > limits.ratioCheckedAboveBytes && ratio > limits.maxCompressionRatio)
        ) {
          refuse(
            new ZipRejectedError(
              'ZIP_INFLATES_TOO_LARGE',
              `the zip would inflate past what is accepted (${limits.maxInflatedBytes} bytes in all, ${limits.maxCompressionRatio}:1 per entry)`,
              413,
              {
                entry: name,
                maxInflatedBytes: limits.maxInflatedBytes,
                maxCompressionRatio: limits.maxCompressionRatio,
              },
            ),
          );
          return;
        }
        byName.set(name, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve(byName));
      zip.readEntry();
    });
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * The inflated bytes of one entry. The stream fails with a `ZipRejectedError` (a client's fault, not the
   * server's) when the entry is damaged or yields more bytes than it declared.
   */
  async openEntry(name: string): Promise<Readable> {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no zip entry ${name}`);
    const damaged = (error: Error) =>
      new ZipRejectedError('ZIP_ENTRY_DAMAGED', `the zip entry ${name} cannot be read: ${error.message}`, 422);
    const inflating = await promised<Readable>((callback) => this.zip.openReadStream(entry, callback)).catch(
      (error: Error) => {
        throw damaged(error);
      },
    );
    const out = new PassThrough();
    inflating.on('error', (error: Error) => out.destroy(damaged(error)));
    // Destroying `out` (a refused type, a store failure) stops the inflation too.
    out.on('close', () => inflating.destroy());
    return inflating.pipe(out);
  }

  close(): void {
    this.zip.close();
  }
}

import { buffer } from 'node:stream/consumers';
import { deflateRawSync } from 'node:zlib';
import { ZipArchive, type ZipLimits } from './zip-archive';
import { sampleZip } from '../test/sample-files';

const MIB = 1024 * 1024;
const limits: ZipLimits = { maxEntries: 4, maxEntryBytes: 2 * MIB, maxInflatedBytes: 3 * MIB, maxCompressionRatio: 100, ratioCheckedAboveBytes: MIB };

/** One deflated entry whose headers may lie about its name or size (what zip libraries refuse to write). */
function rawZip(name: string, content: Buffer, declaredSize = content.length): Buffer {
  const data = deflateRawSync(content);
  const fileName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(fileName.length, 28);
  const directory = Buffer.concat([central, fileName]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(30 + fileName.length + data.length, 16);
  return Buffer.concat([local, fileName, data, directory, end]);
}

describe('ZipArchive', () => {
  it('lists the entries and inflates one', async () => {
    const archive = await ZipArchive.fromBuffer(await sampleZip({ 'a.txt': 'hello', 'docs/b.txt': 'world' }), limits);
    expect(archive.entries.map((e) => e.name).sort()).toEqual(['a.txt', 'docs/b.txt']);
    expect((await buffer(await archive.openEntry('docs/b.txt'))).toString()).toBe('world');
    archive.close();
  });

  it.each([
    ['too many entries', () => sampleZip(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${i}.txt`, 'x']))), 'ZIP_TOO_MANY_ENTRIES'],
    ['an entry over its limit', async () => rawZip('big.pdf', Buffer.alloc(10), 3 * MIB), 'ZIP_ENTRY_TOO_LARGE'],
    ['a bomb past 100:1', async () => rawZip('bomb.pdf', Buffer.alloc(1.5 * MIB)), 'ZIP_INFLATES_TOO_LARGE'],
    ['a ../ name', async () => rawZip('../x.pdf', Buffer.from('x')), 'ZIP_UNSAFE_ENTRY_NAME'],
    ['an absolute name', async () => rawZip('/etc/x', Buffer.from('x')), 'ZIP_UNSAFE_ENTRY_NAME'],
    ['a drive letter', async () => rawZip('C:/x', Buffer.from('x')), 'ZIP_UNSAFE_ENTRY_NAME'],
    ['not a zip', async () => Buffer.from('plain text'), 'NOT_A_ZIP'],
  ])('refuses %s from the directory alone', async (_label, make, code) => {
    await expect(ZipArchive.fromBuffer(await make(), limits)).rejects.toMatchObject({ code });
  });

  it('fails the stream of an entry that inflates past its declared size', async () => {
    const archive = await ZipArchive.fromBuffer(rawZip('lying.pdf', Buffer.alloc(MIB), 100), limits);
    await expect(buffer(await archive.openEntry('lying.pdf'))).rejects.toMatchObject({ code: 'ZIP_ENTRY_DAMAGED' });
    archive.close();
  });
});

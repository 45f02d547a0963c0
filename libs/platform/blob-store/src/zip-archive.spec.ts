import { buffer } from 'node:stream/consumers';
import { zipOf } from '@atp/testing';
import { ZipArchive, type ZipLimits } from './zip-archive';
import { sampleZip } from '../test/sample-files';

const MIB = 1024 * 1024;
const limits: ZipLimits = {
  maxEntries: 4,
  maxEntryBytes: 2 * MIB,
  maxInflatedBytes: 3 * MIB,
  maxCompressionRatio: 100,
  ratioCheckedAboveBytes: MIB,
};

/** One deflated entry whose headers may lie about its name or size (what zip libraries refuse to write). */
const rawZip = (name: string, content: Buffer, declaredSize = content.length): Buffer =>
  zipOf([{ name, content, declaredSize }]);

describe('ZipArchive', () => {
  it('lists the entries and inflates one', async () => {
    const archive = await ZipArchive.fromBuffer(await sampleZip({ 'a.txt': 'hello', 'docs/b.txt': 'world' }), limits);
    expect(archive.entries.map((e) => e.name).sort()).toEqual(['a.txt', 'docs/b.txt']);
    expect((await buffer(await archive.openEntry('docs/b.txt'))).toString()).toBe('world');
    archive.close();
  });

  it.each([
    [
      'too many entries',
      () => sampleZip(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${i}.txt`, 'x']))),
      'ZIP_TOO_MANY_ENTRIES',
    ],
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

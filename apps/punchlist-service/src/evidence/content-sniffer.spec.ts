import { sniffContentType } from './content-sniffer';

describe('evidence content sniffing', () => {
  it('reads the type from the magic bytes, whatever the name says', () => {
    expect(sniffContentType(Buffer.from('%PDF-1.7\n'), 'photo.jpg')).toBe('application/pdf');
    expect(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'x')).toBe('image/png');
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'x.pdf')).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 '), 'x')).toBe('image/webp');
  });

  it('tells Office documents from plain zips by extension', () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14]);
    expect(sniffContentType(zip, 'report.XLSX')).toContain('spreadsheetml');
    expect(sniffContentType(zip, 'report.docx')).toContain('wordprocessingml');
    expect(sniffContentType(zip, 'photos.zip')).toBe('application/zip');
  });

  it('refuses what it does not know (text, executables, empty files)', () => {
    expect(sniffContentType(Buffer.from('hello'), 'a.pdf')).toBeNull();
    expect(sniffContentType(Buffer.from('MZ\x90\x00'), 'a.jpg')).toBeNull();
    expect(sniffContentType(Buffer.alloc(0), 'a.png')).toBeNull();
  });
});

import { sniffFileType } from './content-sniffer';
import {
  sampleCompoundFile,
  sampleDocx,
  sampleJpeg,
  samplePdf,
  samplePng,
  samplePptx,
  sampleXlsx,
  sampleZip,
} from '../test/sample-files';

describe('sniffFileType decides from the content, not the name', () => {
  it.each([
    ['a PDF', () => samplePdf(), 'x.pdf', 'pdf'],
    ['a PDF named .docx', () => samplePdf(), 'report.docx', 'pdf'],
    ['a PNG', () => samplePng(), 'photo.pdf', 'png'],
    ['a JPEG', () => sampleJpeg(), 'photo', 'jpeg'],
    ['a GIF', () => Buffer.from('GIF89a....'), undefined, 'gif'],
    ['a WebP', () => Buffer.from('RIFF\0\0\0\0WEBPVP8 '), undefined, 'webp'],
    ['a TIFF', () => Buffer.from([0x49, 0x49, 0x2a, 0x00, 1, 2]), undefined, 'tiff'],
    ['a DOCX', sampleDocx, 'x.pdf', 'docx'],
    ['an XLSX', sampleXlsx, undefined, 'xlsx'],
    ['a PPTX', samplePptx, undefined, 'pptx'],
    ['a DOC', () => sampleCompoundFile('WordDocument'), 'x.xls', 'doc'],
    ['an XLS', () => sampleCompoundFile('Workbook'), undefined, 'xls'],
    ['a PPT', () => sampleCompoundFile('PowerPoint Document'), undefined, 'ppt'],
    ['a compound file whose directory is past the head, named .xls', () => sampleCompoundFile(), 'old.XLS', 'xls'],
  ])('recognises %s', async (_label, make, fileName, kind) => {
    expect(sniffFileType(await make(), fileName)?.kind).toBe(kind);
  });

  it.each([
    ['text named .pdf', () => Buffer.from('hello, this is not a pdf'), 'atp.pdf'],
    ['an executable named .pdf', () => Buffer.from('MZ\x90\0\x03\0\0\0'), 'atp.pdf'],
    ['a plain zip', () => sampleZip({ 'notes.txt': 'hi' }), 'atp.docx'],
    ['an unnamed compound file without a known stream', () => sampleCompoundFile(), undefined],
    ['a compound file named .exe', () => sampleCompoundFile(), 'x.exe'],
    ['nothing', () => Buffer.alloc(0), 'empty.pdf'],
  ])('refuses %s', async (_label, make, fileName) => {
    expect(sniffFileType(await make(), fileName)).toBeNull();
  });
});

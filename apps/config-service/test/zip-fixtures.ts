import { zipOf } from '@atp/testing';

/** A worksheet part of 20 MB of blank space: 20 KB on disk, 1000:1. */
export function zipBombXlsx(): Buffer {
  return zipOf([
    { name: '[Content_Types].xml', content: Buffer.from('<?xml version="1.0"?><Types/>') },
    { name: 'xl/worksheets/sheet1.xml', content: Buffer.alloc(20 * 1024 * 1024, 0x20) },
  ]);
}

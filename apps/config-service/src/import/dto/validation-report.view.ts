import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Finding, ValidationReport } from '../findings';

/** One located problem of an imported file; `implements` keeps the schema in step with the importer. */
@ApiSchema({ name: 'ImportFinding' })
export class FindingSchema implements Finding {
  @ApiProperty({ description: 'sheet name (or CSV section)' }) sheet!: string;
  @ApiProperty({ type: 'integer', description: 'spreadsheet row (1 = header) or CSV line; 0: the whole sheet' })
  row!: number;
  @ApiProperty({ type: String, nullable: true }) column!: string | null;
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ['ERROR', 'WARNING'] }) severity!: 'ERROR' | 'WARNING';
}

/** What an import found: INVALID writes nothing. */
@ApiSchema({ name: 'ImportReport' })
export class ValidationReportSchema implements ValidationReport {
  @ApiProperty({ enum: ['VALID', 'WARNINGS', 'INVALID'] }) status!: 'VALID' | 'WARNINGS' | 'INVALID';
  @ApiProperty({ type: 'integer' }) rowCount!: number;
  @ApiProperty({ type: () => FindingSchema, isArray: true }) errors!: FindingSchema[];
  @ApiProperty({ type: () => FindingSchema, isArray: true }) warnings!: FindingSchema[];
}

import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { JobStatus, JobView } from './bulk-jobs.repository';
import type { BulkReport, BulkReportStatus, BulkRowOutcome, Finding } from './bulk-report';

// A long job as the API shows it; each class `implements` the type BulkJobsRepository returns.
const text = { type: String, nullable: true } as const;
const time = { type: String, format: 'date-time' } as const;

@ApiSchema({ name: 'BulkFinding' })
export class BulkFindingSchema implements Finding {
  @ApiProperty() sheet!: string;
  @ApiProperty({ type: 'integer', description: 'manifest row (1 = header) or CSV line; 0: the manifest as a whole' })
  row!: number;
  @ApiProperty(text) column!: string | null;
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ['ERROR', 'WARNING'] }) severity!: 'ERROR' | 'WARNING';
}

@ApiSchema({ name: 'BulkRowOutcome' })
export class BulkRowOutcomeSchema implements BulkRowOutcome {
  @ApiProperty({ type: 'integer' }) row!: number;
  @ApiProperty() fileName!: string;
  @ApiProperty({ enum: ['CREATED', 'FAILED'] }) status!: 'CREATED' | 'FAILED';
  @ApiProperty(text) submissionId!: string | null;
  @ApiProperty(text) documentId!: string | null;
}

@ApiSchema({ name: 'BulkReport' })
export class BulkReportSchema implements BulkReport {
  @ApiProperty({ enum: ['RUNNING', 'ALL_CREATED', 'PARTIAL', 'NONE_CREATED'] }) status!: BulkReportStatus;
  @ApiProperty({ type: 'integer' }) rowCount!: number;
  @ApiProperty({ type: () => BulkRowOutcomeSchema, isArray: true }) rows!: BulkRowOutcomeSchema[];
  @ApiProperty({ type: () => BulkFindingSchema, isArray: true }) errors!: BulkFindingSchema[];
  @ApiProperty({ type: () => BulkFindingSchema, isArray: true }) warnings!: BulkFindingSchema[];
}

/** Progress of a long job (contract `GET /jobs/{jobId}`). */
@ApiSchema({ name: 'Job' })
export class JobViewSchema implements JobView {
  @ApiProperty() jobId!: string;
  @ApiProperty({ example: 'BULK_REGISTRATION' }) kind!: string;
  @ApiProperty({ enum: ['RUNNING', 'SUCCEEDED', 'FAILED'] }) status!: JobStatus;
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer', description: 'rows that became submissions' }) done!: number;
  @ApiProperty({ type: 'integer', description: 'rows refused' }) failed!: number;
  @ApiProperty({ type: () => BulkReportSchema }) report!: BulkReportSchema;
  @ApiProperty(text) error!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty(time) createdAt!: string;
  @ApiProperty(time) updatedAt!: string;
  @ApiProperty({ ...time, nullable: true }) finishedAt!: string | null;
}

/** A bulk registration was accepted: poll the job. */
@ApiSchema({ name: 'JobAccepted' })
export class JobAcceptedSchema {
  @ApiProperty() jobId!: string;
}

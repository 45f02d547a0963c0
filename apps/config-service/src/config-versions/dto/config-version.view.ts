import { ApiExtraModels, ApiProperty, ApiSchema } from '@nestjs/swagger';
import { SOURCE_TYPES, type SourceType } from '@atp/approval-routing';
import { FindingSchema, ValidationReportSchema } from '../../import/dto/validation-report.view';
import { AUTO_ASSIGN_RULE, PoolRuleSchema, StaticUserRuleSchema } from './config-snapshot.view';
import type { ImportResult } from '../config-import.service';
import type { ConfigVersionRecord } from '../config-version.record';
import type { ConfigStatus } from '../config-version-lifecycle';
import type { CollectionDiff } from '../config-diff';

const nullableText = { type: String, nullable: true } as const;
const nullableTime = { type: String, format: 'date-time', nullable: true } as const;
const nullableDate = { type: String, format: 'date', nullable: true } as const;

/** A configuration version as the API shows it; `implements` keeps the schema in step with the record. */
@ApiSchema({ name: 'ConfigVersion' })
export class ConfigVersionSchema implements ConfigVersionRecord {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty({ enum: SOURCE_TYPES }) sourceType!: SourceType;
  @ApiProperty() sourceFileName!: string;
  @ApiProperty({ ...nullableText, description: 'sha256 of the imported file' }) sourceChecksum!: string | null;
  @ApiProperty({ type: 'integer' }) versionNumber!: number;
  @ApiProperty({ enum: ['DRAFT', 'ACTIVE', 'SUPERSEDED', 'ARCHIVED'] }) status!: ConfigStatus;
  @ApiProperty({ type: 'integer' }) rowCount!: number;
  @ApiProperty({ enum: ['PENDING', 'VALID', 'WARNINGS', 'INVALID'] })
  validationStatus!: 'PENDING' | 'VALID' | 'WARNINGS' | 'INVALID';
  @ApiProperty({ type: () => FindingSchema, isArray: true }) validationErrors!: FindingSchema[];
  @ApiProperty({ type: () => FindingSchema, isArray: true }) validationWarnings!: FindingSchema[];
  @ApiProperty() importedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) importedAt!: Date;
  @ApiProperty(nullableTime) activatedAt!: Date | null;
  @ApiProperty(nullableTime) archivedAt!: Date | null;
  @ApiProperty(nullableDate) effectiveDate!: string | null;
  @ApiProperty(nullableDate) expireDate!: string | null;
  @ApiProperty(nullableText) previousVersionId!: string | null;
  @ApiProperty(nullableText) supersededById!: string | null;
  @ApiProperty(nullableText) rolledBackFromId!: string | null;
  @ApiProperty() isRollback!: boolean;
  @ApiProperty(nullableText) notes!: string | null;
}

/** An accepted import: the new DRAFT and what the validation found. */
@ApiSchema({ name: 'ConfigImportResult' })
export class ImportResultSchema implements ImportResult {
  @ApiProperty({ type: () => ConfigVersionSchema }) version!: ConfigVersionSchema;
  @ApiProperty({ type: () => ValidationReportSchema }) report!: ValidationReportSchema;
  @ApiProperty({ ...nullableText, description: 'a stale DRAFT of the same file this import replaced' })
  replacedStaleDraftId!: string | null;
}

/** One changed row of a collection, by business key. */
@ApiSchema({ name: 'ConfigChangedRow' })
export class ChangedRowSchema {
  @ApiProperty() key!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) before!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) after!: Record<string, unknown>;
}

/** One collection's changes between the ACTIVE version and another (rows by business key). */
@ApiSchema({ name: 'ConfigCollectionDiff' })
export class CollectionDiffSchema implements CollectionDiff {
  @ApiProperty({ type: [String] }) added!: string[];
  @ApiProperty({ type: [String] }) removed!: string[];
  @ApiProperty({ type: () => ChangedRowSchema, isArray: true }) changed!: ChangedRowSchema[];
}

/** What activating a version would change. */
@ApiSchema({ name: 'ConfigVersionDiff' })
export class ConfigDiffSchema {
  @ApiProperty() versionId!: string;
  @ApiProperty(nullableText) activeVersionId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ConfigCollectionDiff' },
    description: 'by collection (policies, policyStages, clusters, …)',
  })
  changes!: Record<string, CollectionDiffSchema>;
}

/** An edited policy stage of a DRAFT (the row as stored). */
@ApiSchema({ name: 'PolicyStageRow' })
@ApiExtraModels(StaticUserRuleSchema, PoolRuleSchema)
export class PatchedPolicyStageSchema {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty() policyId!: string;
  @ApiProperty() configVersionId!: string;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty() stageName!: string;
  @ApiProperty(nullableText) stageGroup!: string | null;
  @ApiProperty() approvalRoleId!: string;
  @ApiProperty() isRequired!: boolean;
  @ApiProperty() isParallel!: boolean;
  @ApiProperty(nullableText) parallelGroup!: string | null;
  @ApiProperty({ type: 'integer' }) slaHours!: number;
  @ApiProperty({ enum: ['CLUSTER', 'STATIC_USER', 'RULE', 'AUTO'] }) assignmentMode!: string;
  @ApiProperty(AUTO_ASSIGN_RULE) autoAssignRule!: object | null;
  @ApiProperty({ type: 'integer' }) sequenceOrder!: number;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

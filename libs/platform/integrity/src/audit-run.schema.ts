import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IntegrityServices, type IntegrityService } from '@atp/contracts';
import { HEALTHY, ISSUES_DETECTED, type AuditRun, type AuditTrigger, type CheckResult } from './orphan-auditor';

// An orphan audit as the log stores it; each class `implements` the auditor's type.
@ApiSchema({ name: 'IntegrityCheckResult' })
export class CheckResultSchema implements CheckResult {
  @ApiProperty() checkId!: string;
  @ApiProperty() table!: string;
  @ApiProperty() column!: string;
  @ApiProperty() parentTable!: string;
  @ApiProperty({ enum: ['reference', 'foreign-key'] }) kind!: CheckResult['kind'];
  @ApiProperty({ enum: ['CRITICAL', 'WARNING'] }) severity!: CheckResult['severity'];
  @ApiProperty({ type: 'integer', nullable: true, description: 'the domain §7.1 check it implements' })
  domainCheck!: number | null;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ type: [String], description: 'a sample of the orphaned rows' }) sampleIds!: string[];
}

@ApiSchema({ name: 'IntegrityAudit' })
export class AuditRunSchema implements AuditRun {
  @ApiProperty() auditId!: string;
  @ApiProperty({ enum: Object.values(IntegrityServices) }) service!: IntegrityService;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: every workspace' })
  workspaceId!: string | null;
  @ApiProperty({ enum: ['SCHEDULE', 'REQUEST'] }) trigger!: AuditTrigger;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
  @ApiProperty({ type: 'integer' }) totalOrphans!: number;
  @ApiProperty({ enum: [HEALTHY, ISSUES_DETECTED] }) healthStatus!: AuditRun['healthStatus'];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'orphans by check id' })
  counts!: Record<string, number>;
  @ApiProperty({ type: () => CheckResultSchema, isArray: true }) checks!: CheckResultSchema[];
  @ApiProperty({ type: 'integer' }) durationMs!: number;
}

import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { OverrideView } from '../override.service';

const nullable = { nullable: true, type: 'string' } as const;

/** An override as the API shows it; `implements` keeps this schema in step with the service's view. */
@ApiSchema({ name: 'Override' })
export class OverrideViewSchema implements OverrideView {
  @ApiProperty() id!: string;
  @ApiProperty() overrideType!: string;
  @ApiProperty(nullable) workflowStageId!: string | null;
  @ApiProperty(nullable) workflowInstanceId!: string | null;
  @ApiProperty(nullable) submissionId!: string | null;
  @ApiProperty(nullable) clusterCode!: string | null;
  @ApiProperty(nullable) region!: string | null;
  @ApiProperty(nullable) approvalRoleId!: string | null;
  @ApiProperty() roleCode!: string;
  @ApiProperty() fromUserId!: string;
  @ApiProperty() toUserId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() requestorUserId!: string;
  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED'] }) approvalStatus!: string;
  @ApiProperty(nullable) decidedBy!: string | null;
  @ApiProperty({ ...nullable, format: 'date-time' }) decidedAt!: string | null;
  @ApiProperty(nullable) decisionComment!: string | null;
  @ApiProperty({ format: 'date' }) effectiveDate!: string;
  @ApiProperty({ ...nullable, format: 'date' }) expiryDate!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** The answer of a request, approval or rejection. */
@ApiSchema({ name: 'OverrideAnswer' })
export class OverrideAnswerSchema {
  @ApiProperty({ type: () => OverrideViewSchema }) override!: OverrideViewSchema;
  @ApiPropertyOptional({ description: 'approval of a STAGE override: the stage it reassigned' })
  reassignedStageId?: string;
  @ApiPropertyOptional({ type: [String], description: 'approval: every stage it reassigned' })
  reassignedStageIds?: string[];
}

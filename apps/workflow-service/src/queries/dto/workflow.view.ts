import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ATP_CATEGORIES, type SlaStatus } from '@atp/approval-routing';
import { ReferenceRejectionSchema } from '@atp/platform-messaging';
import { ACTION_TYPES } from '../../workflow/workflow.repository';
import { STAGE_STATUSES, WORKFLOW_STATUSES } from '../../workflow/state-machine';

// The read side's rows (WorkflowQueries selects them by column, typed Record<string, unknown>): these schemas
// are what the SQL aliases promise, and the e2e suite validates every answer against them.
const text = { type: String, nullable: true } as const;
const time = { type: String, format: 'date-time' } as const;
const nullableTime = { ...time, nullable: true } as const;
const nullableInt = { type: 'integer', nullable: true } as const;

@ApiSchema({ name: 'SlaStatus' })
export class SlaStatusSchema implements SlaStatus {
  @ApiProperty({ enum: ['ON_TRACK', 'AT_RISK', 'OVERDUE'] }) state!: SlaStatus['state'];
  @ApiProperty({ type: 'integer', description: 'whole hours left, floored, never negative' }) hoursRemaining!: number;
}

/** A stage waiting for the caller's decision. */
@ApiSchema({ name: 'InboxItem' })
export class InboxItemSchema {
  @ApiProperty() stageId!: string;
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty() submissionId!: string;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty() stageName!: string;
  @ApiProperty() roleCode!: string;
  @ApiProperty(text) parallelGroup!: string | null;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty(time) slaDueAt!: string;
  @ApiProperty(nullableTime) slaBreachedAt!: string | null;
  @ApiProperty({ type: () => SlaStatusSchema }) sla!: SlaStatusSchema;
}

/** A workflow in the workspace's list (one per submission attempt). */
@ApiSchema({ name: 'WorkflowSummary' })
export class WorkflowSummarySchema {
  @ApiProperty() workflowId!: string;
  @ApiProperty() submissionId!: string;
  @ApiProperty({ type: 'integer' }) attemptNumber!: number;
  @ApiProperty({ enum: WORKFLOW_STATUSES }) status!: string;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty() scopeId!: string;
  @ApiProperty(text) vendorId!: string | null;
  @ApiProperty() approvalPolicyId!: string;
  @ApiProperty(nullableInt) currentStageNumber!: number | null;
  @ApiProperty({ type: 'integer' }) totalStages!: number;
  @ApiProperty() submittedBy!: string;
  @ApiProperty(time) startedAt!: string;
  @ApiProperty(nullableTime) completedAt!: string | null;
}

/** A stage of one workflow: approver, status, decision, SLA. */
@ApiSchema({ name: 'WorkflowStage' })
export class WorkflowStageSchema {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty() stageName!: string;
  @ApiProperty() approvalRoleId!: string;
  @ApiProperty() roleCode!: string;
  @ApiProperty() isParallel!: boolean;
  @ApiProperty(text) parallelGroup!: string | null;
  @ApiProperty(text) approverUserId!: string | null;
  @ApiProperty(text) backupUserId!: string | null;
  @ApiProperty({ enum: STAGE_STATUSES }) status!: string;
  @ApiProperty({ enum: ['APPROVE', 'APPROVE_WITH_PUNCHLIST', 'REJECT'], nullable: true }) decision!: string | null;
  @ApiProperty(text) decidedBy!: string | null;
  @ApiProperty(nullableTime) decidedAt!: string | null;
  @ApiProperty(text) decisionComments!: string | null;
  @ApiProperty({ type: 'integer' }) slaHours!: number;
  @ApiProperty(nullableTime) activatedAt!: string | null;
  @ApiProperty(nullableTime) slaDueAt!: string | null;
  @ApiProperty(nullableTime) slaBreachedAt!: string | null;
  @ApiProperty(text) policyStageId!: string | null;
  @ApiProperty() configVersionId!: string;
}

/** One entry of a workflow's audit trail (append-only). */
@ApiSchema({ name: 'WorkflowAction' })
export class WorkflowActionSchema {
  @ApiProperty() id!: string;
  @ApiProperty() stageId!: string;
  @ApiProperty({ enum: ACTION_TYPES }) actionType!: string;
  @ApiProperty(text) actorUserId!: string | null;
  @ApiProperty(time) actionAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what the action changed' })
  payload!: Record<string, unknown>;
  @ApiProperty(text) notes!: string | null;
}

/** One workflow: the instance, its stages, its history and any refused references. */
@ApiSchema({ name: 'Workflow' })
export class WorkflowDetailSchema {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty() submissionId!: string;
  @ApiProperty({ type: 'integer' }) attemptNumber!: number;
  @ApiProperty({ enum: WORKFLOW_STATUSES }) status!: string;
  @ApiProperty() configVersionId!: string;
  @ApiProperty() approvalPolicyId!: string;
  @ApiProperty() siteId!: string;
  @ApiProperty() scopeId!: string;
  @ApiProperty(text) vendorId!: string | null;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: string;
  @ApiProperty(nullableInt) currentStageNumber!: number | null;
  @ApiProperty({ type: 'integer' }) totalStages!: number;
  @ApiProperty() submittedBy!: string;
  @ApiProperty(text) holdReason!: string | null;
  @ApiProperty(time) startedAt!: string;
  @ApiProperty(nullableTime) completedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the route as resolved at the start' })
  routingSnapshot!: Record<string, unknown>;
  @ApiProperty({ type: () => WorkflowStageSchema, isArray: true }) stages!: WorkflowStageSchema[];
  @ApiProperty({ type: () => WorkflowActionSchema, isArray: true }) actions!: WorkflowActionSchema[];
  @ApiProperty({ type: () => ReferenceRejectionSchema, isArray: true })
  referenceRejections!: ReferenceRejectionSchema[];
}

/** A breached or overdue stage. */
@ApiSchema({ name: 'SlaViolation' })
export class SlaViolationSchema {
  @ApiProperty() stageId!: string;
  @ApiProperty() workflowInstanceId!: string;
  @ApiProperty() submissionId!: string;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty() roleCode!: string;
  @ApiProperty(text) approverUserId!: string | null;
  @ApiProperty({ enum: STAGE_STATUSES }) status!: string;
  @ApiProperty(time) slaDueAt!: string;
  @ApiProperty(nullableTime) slaBreachedAt!: string | null;
}

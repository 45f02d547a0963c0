import { ApiExtraModels, ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import {
  ASSIGNMENT_MODES,
  ASSIGNMENT_SOURCES,
  ATP_CATEGORIES,
  MATCHED_RULES,
  STAGE_GROUPS,
  UNASSIGNED_REASONS,
  type Assignment,
  type AssignmentMode,
  type AssignmentSource,
  type AtpCategory,
  type FallbackStep,
  type MatchedRule,
  type MatrixPolicyChoice,
  type PinnedVersions,
  type ResolvedStage,
  type RoutePlan,
  type RouteStep,
  type RoutingFailure,
  type RoutingFailureReason,
  type StageGroup,
  type TemplatePolicyChoice,
  type UnassignedReason,
} from '@atp/approval-routing';
import type { DryRunWarning } from './routing.service';

// The dry run's answer as the shared resolver builds it; each class `implements` the resolver's type.
const text = { type: String, nullable: true } as const;

@ApiSchema({ name: 'RoutingFallbackStep' })
export class FallbackStepSchema implements FallbackStep {
  @ApiProperty({ enum: MATCHED_RULES }) rule!: MatchedRule;
  @ApiProperty({ enum: ['MATCHED', 'NO_MATCH'] }) outcome!: 'MATCHED' | 'NO_MATCH';
  @ApiProperty() detail!: string;
}

@ApiSchema({ name: 'DryRunWarning' })
export class DryRunWarningSchema implements DryRunWarning {
  @ApiProperty({ enum: ['UNKNOWN_VENDOR'] }) code!: 'UNKNOWN_VENDOR';
  @ApiProperty() field!: string;
  @ApiProperty() message!: string;
}

@ApiSchema({ name: 'MatrixPolicyChoice' })
export class MatrixPolicyChoiceSchema implements MatrixPolicyChoice {
  @ApiProperty({ enum: ['MATRIX'] }) source!: 'MATRIX';
  @ApiProperty() policyId!: string;
  @ApiProperty(text) policyName!: string | null;
  @ApiProperty() policyVersion!: string;
  @ApiProperty() scopeCode!: string;
  @ApiProperty(text) vendorCode!: string | null;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: AtpCategory;
  @ApiProperty({ type: 'integer' }) fallbackPriority!: number;
  @ApiProperty(text) parentPolicyId!: string | null;
}

@ApiSchema({ name: 'TemplatePolicyChoice' })
export class TemplatePolicyChoiceSchema implements TemplatePolicyChoice {
  @ApiProperty({ enum: ['TEMPLATE'] }) source!: 'TEMPLATE';
  @ApiProperty() templateCode!: string;
  @ApiProperty() templateName!: string;
  @ApiProperty() scopeCode!: string;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: AtpCategory;
}

@ApiSchema({ name: 'StageAssignment' })
export class AssignmentSchema implements Assignment {
  @ApiProperty({ enum: ASSIGNMENT_SOURCES }) source!: AssignmentSource;
  @ApiProperty({ enum: ASSIGNMENT_MODES }) appliedMode!: AssignmentMode;
  @ApiProperty({ enum: UNASSIGNED_REASONS, nullable: true }) reason!: UnassignedReason | null;
  @ApiProperty(text) baseUserId!: string | null;
  @ApiProperty(text) overrideId!: string | null;
  @ApiProperty(text) clusterCode!: string | null;
  @ApiProperty(text) clusterApproverId!: string | null;
}

@ApiSchema({ name: 'ResolvedStage' })
export class ResolvedStageSchema implements ResolvedStage {
  @ApiProperty() key!: string;
  @ApiProperty(text) policyStageId!: string | null;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty({ type: 'integer' }) sequenceOrder!: number;
  @ApiProperty() stageName!: string;
  @ApiProperty({ enum: STAGE_GROUPS, nullable: true }) stageGroup!: StageGroup | null;
  @ApiProperty(text) approvalRoleId!: string | null;
  @ApiProperty() roleCode!: string;
  @ApiProperty() isRequired!: boolean;
  @ApiProperty() isParallel!: boolean;
  @ApiProperty(text) parallelGroup!: string | null;
  @ApiProperty({ type: 'integer' }) slaHours!: number;
  @ApiProperty({ enum: ASSIGNMENT_MODES }) assignmentMode!: AssignmentMode;
  @ApiProperty(text) approverUserId!: string | null;
  @ApiProperty({ type: () => AssignmentSchema }) assignment!: AssignmentSchema;
}

@ApiSchema({ name: 'RouteStep' })
export class RouteStepSchema implements RouteStep {
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty() isParallel!: boolean;
  @ApiProperty({ type: [String] }) parallelGroups!: string[];
  @ApiProperty({ type: [String] }) stageKeys!: string[];
  @ApiProperty({ type: 'integer' }) slaHours!: number;
}

@ApiSchema({ name: 'PinnedVersions' })
export class PinnedVersionsSchema implements PinnedVersions {
  @ApiProperty() approvalMatrixVersionId!: string;
  @ApiProperty() clusterMappingVersionId!: string;
  @ApiProperty() scopeConfigVersionId!: string;
}

/** A route was found: the policy, the stages with their approvers, the versions it read. */
@ApiSchema({ name: 'DryRunRoute' })
@ApiExtraModels(MatrixPolicyChoiceSchema, TemplatePolicyChoiceSchema)
export class DryRunRouteSchema implements RoutePlan {
  @ApiProperty({ type: 'boolean', enum: [true] }) ok!: true;
  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(MatrixPolicyChoiceSchema) }, { $ref: getSchemaPath(TemplatePolicyChoiceSchema) }],
  })
  policy!: MatrixPolicyChoiceSchema | TemplatePolicyChoiceSchema;
  @ApiProperty({ enum: MATCHED_RULES }) matchedRule!: MatchedRule;
  @ApiProperty({ type: () => FallbackStepSchema, isArray: true }) trail!: FallbackStepSchema[];
  @ApiProperty({ type: () => ResolvedStageSchema, isArray: true }) stages!: ResolvedStageSchema[];
  @ApiProperty({ type: () => RouteStepSchema, isArray: true }) steps!: RouteStepSchema[];
  @ApiProperty({ type: 'integer' }) totalStages!: number;
  @ApiProperty({ type: 'integer' }) totalSlaHours!: number;
  @ApiProperty({ type: () => PinnedVersionsSchema }) pinned!: PinnedVersionsSchema;
  @ApiProperty({ type: () => DryRunWarningSchema, isArray: true }) warnings!: DryRunWarningSchema[];
}

/** No policy applies (a preview's answer, not an error). */
@ApiSchema({ name: 'DryRunNoRoute' })
export class DryRunFailureSchema implements RoutingFailure {
  @ApiProperty({ type: 'boolean', enum: [false] }) ok!: false;
  @ApiProperty({ enum: ['NO_POLICY', 'WORKSPACE_MISMATCH'] }) reason!: RoutingFailureReason;
  @ApiProperty() message!: string;
  @ApiProperty({ type: () => FallbackStepSchema, isArray: true }) trail!: FallbackStepSchema[];
  @ApiProperty({ type: () => DryRunWarningSchema, isArray: true }) warnings!: DryRunWarningSchema[];
}

import { ApiExtraModels, ApiProperty, ApiSchema, getSchemaPath, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  ATP_CATEGORIES,
  ASSIGNMENT_MODES,
  SCOPE_GROUPS,
  STAGE_GROUPS,
  type ApprovalMatrixSnapshot,
  type ApprovalRoleRow,
  type AssignmentMode,
  type AtpCategory,
  type AutoAssignRule,
  type ClusterApproverRow,
  type ClusterMappingSnapshot,
  type ClusterRow,
  type PolicyRow,
  type PolicyStageRow,
  type ScopeConfigSnapshot,
  type ScopeGroup,
  type ScopeRow,
  type StageGroup,
  type VendorRow,
} from '@atp/approval-routing';

// The rows of a version as the shared resolver reads them; each class `implements` its row type.
const text = { type: String, nullable: true } as const;
const date = { type: String, format: 'date', nullable: true } as const;
const stageGroup = { enum: STAGE_GROUPS, nullable: true } as const;

/** STATIC_USER's rule: the one approver. */
@ApiSchema({ name: 'StaticUserRule' })
export class StaticUserRuleSchema {
  @ApiProperty() userId!: string;
}

/** RULE's rule: a pool and how to pick from it. */
@ApiSchema({ name: 'PoolRule' })
export class PoolRuleSchema {
  @ApiProperty({ enum: ['ROUND_ROBIN', 'LEAST_LOADED'] }) strategy!: 'ROUND_ROBIN' | 'LEAST_LOADED';
  @ApiProperty({ type: [String] }) pool!: string[];
}

/** `autoAssignRule`: STATIC_USER {userId}, RULE {strategy, pool}, CLUSTER and AUTO null. */
export const AUTO_ASSIGN_RULE: ApiPropertyOptions = {
  nullable: true,
  oneOf: [{ $ref: getSchemaPath(StaticUserRuleSchema) }, { $ref: getSchemaPath(PoolRuleSchema) }],
};

@ApiSchema({ name: 'SnapshotApprovalRole' })
export class ApprovalRoleRowSchema implements ApprovalRoleRow {
  @ApiProperty() id!: string;
  @ApiProperty() roleCode!: string;
  @ApiProperty() roleName!: string;
  @ApiProperty({ type: 'integer' }) hierarchyOrder!: number;
  @ApiProperty(stageGroup) stageGroup!: StageGroup | null;
  @ApiProperty() isFinalApprover!: boolean;
  @ApiProperty() canApproveParallel!: boolean;
  @ApiProperty() isActive!: boolean;
}

@ApiSchema({ name: 'SnapshotPolicy' })
export class PolicyRowSchema implements PolicyRow {
  @ApiProperty() id!: string;
  @ApiProperty() scopeId!: string;
  @ApiProperty() scopeCode!: string;
  @ApiProperty(text) vendorId!: string | null;
  @ApiProperty(text) vendorCode!: string | null;
  @ApiProperty({ enum: ATP_CATEGORIES }) atpCategory!: AtpCategory;
  @ApiProperty({ type: 'integer' }) fallbackPriority!: number;
  @ApiProperty(text) parentPolicyId!: string | null;
  @ApiProperty() policyVersion!: string;
  @ApiProperty(text) policyName!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty(date) effectiveDate!: string | null;
  @ApiProperty(date) expiryDate!: string | null;
}

@ApiSchema({ name: 'SnapshotPolicyStage' })
@ApiExtraModels(StaticUserRuleSchema, PoolRuleSchema)
export class PolicyStageRowSchema implements PolicyStageRow {
  @ApiProperty() id!: string;
  @ApiProperty() policyId!: string;
  @ApiProperty({ type: 'integer' }) stageNumber!: number;
  @ApiProperty() stageName!: string;
  @ApiProperty(stageGroup) stageGroup!: StageGroup | null;
  @ApiProperty() approvalRoleId!: string;
  @ApiProperty() roleCode!: string;
  @ApiProperty() isRequired!: boolean;
  @ApiProperty() isParallel!: boolean;
  @ApiProperty(text) parallelGroup!: string | null;
  @ApiProperty({ type: 'integer' }) slaHours!: number;
  @ApiProperty({ enum: ASSIGNMENT_MODES }) assignmentMode!: AssignmentMode;
  @ApiProperty(AUTO_ASSIGN_RULE) autoAssignRule!: AutoAssignRule | null;
  @ApiProperty({ type: 'integer' }) sequenceOrder!: number;
  @ApiProperty() isActive!: boolean;
}

@ApiSchema({ name: 'SnapshotCluster' })
export class ClusterRowSchema implements ClusterRow {
  @ApiProperty() id!: string;
  @ApiProperty() scopeId!: string;
  @ApiProperty() scopeCode!: string;
  @ApiProperty(text) regionCode!: string | null;
  @ApiProperty() regionName!: string;
  @ApiProperty() clusterCode!: string;
  @ApiProperty() isActive!: boolean;
}

@ApiSchema({ name: 'SnapshotClusterApprover' })
export class ClusterApproverRowSchema implements ClusterApproverRow {
  @ApiProperty() id!: string;
  @ApiProperty() clusterId!: string;
  @ApiProperty() clusterCode!: string;
  @ApiProperty() approvalRoleId!: string;
  @ApiProperty() roleCode!: string;
  @ApiProperty() primaryUserId!: string;
  @ApiProperty(text) backupUserId!: string | null;
  @ApiProperty() isActive!: boolean;
  @ApiProperty(date) effectiveFrom!: string | null;
  @ApiProperty(date) effectiveTo!: string | null;
}

@ApiSchema({ name: 'SnapshotScope' })
export class ScopeRowSchema implements ScopeRow {
  @ApiProperty() id!: string;
  @ApiProperty() scopeCode!: string;
  @ApiProperty() scopeName!: string;
  @ApiProperty({ enum: SCOPE_GROUPS }) scopeGroup!: ScopeGroup;
  @ApiProperty(text) categoryCode!: string | null;
  @ApiProperty({ enum: ['HARDWARE', 'SOFTWARE', 'BOTH'] }) atpType!: 'HARDWARE' | 'SOFTWARE' | 'BOTH';
  @ApiProperty(text) defaultTemplateCode!: string | null;
  @ApiProperty() requiresCluster!: boolean;
  @ApiProperty() isActive!: boolean;
}

@ApiSchema({ name: 'SnapshotVendor' })
export class VendorRowSchema implements VendorRow {
  @ApiProperty() id!: string;
  @ApiProperty() vendorCode!: string;
  @ApiProperty() vendorName!: string;
  @ApiProperty() vendorType!: string;
  @ApiProperty() isActive!: boolean;
}

class SnapshotHeaderSchema {
  @ApiProperty() configVersionId!: string;
  @ApiProperty({ format: 'uuid' }) workspaceId!: string;
  @ApiProperty({ type: 'integer' }) versionNumber!: number;
}

/** The rows of an APPROVAL_MATRIX version. */
@ApiSchema({ name: 'ApprovalMatrixSnapshot' })
export class ApprovalMatrixSnapshotSchema extends SnapshotHeaderSchema implements ApprovalMatrixSnapshot {
  @ApiProperty({ enum: ['APPROVAL_MATRIX'] }) sourceType!: 'APPROVAL_MATRIX';
  @ApiProperty({ type: () => ApprovalRoleRowSchema, isArray: true }) roles!: ApprovalRoleRowSchema[];
  @ApiProperty({ type: () => PolicyRowSchema, isArray: true }) policies!: PolicyRowSchema[];
  @ApiProperty({ type: () => PolicyStageRowSchema, isArray: true }) policyStages!: PolicyStageRowSchema[];
}

/** The rows of a CLUSTER_MAPPING version. */
@ApiSchema({ name: 'ClusterMappingSnapshot' })
export class ClusterMappingSnapshotSchema extends SnapshotHeaderSchema implements ClusterMappingSnapshot {
  @ApiProperty({ enum: ['CLUSTER_MAPPING'] }) sourceType!: 'CLUSTER_MAPPING';
  @ApiProperty({ type: () => ClusterRowSchema, isArray: true }) clusters!: ClusterRowSchema[];
  @ApiProperty({ type: () => ClusterApproverRowSchema, isArray: true }) clusterApprovers!: ClusterApproverRowSchema[];
}

/** The rows of a SCOPE_CONFIG version. */
@ApiSchema({ name: 'ScopeConfigSnapshot' })
export class ScopeConfigSnapshotSchema extends SnapshotHeaderSchema implements ScopeConfigSnapshot {
  @ApiProperty({ enum: ['SCOPE_CONFIG'] }) sourceType!: 'SCOPE_CONFIG';
  @ApiProperty({ type: () => ScopeRowSchema, isArray: true }) scopes!: ScopeRowSchema[];
  @ApiProperty({ type: () => VendorRowSchema, isArray: true }) vendors!: VendorRowSchema[];
}

/** The three snapshot shapes, told apart by `sourceType`. */
export const CONFIG_SNAPSHOT_SCHEMAS = [
  ApprovalMatrixSnapshotSchema,
  ClusterMappingSnapshotSchema,
  ScopeConfigSnapshotSchema,
];

/**
 * Approval configuration as the routing functions read it: the master rows of one config version
 * per source type, in camelCase. config-service builds these from its tables and publishes them in
 * the snapshot event on activation; workflow-service rebuilds them from its replica. Business codes
 * are carried next to ids (`scopeCode` on a policy, `roleCode` on a cluster approver) because the
 * three source types are versioned independently: a policy of matrix v3 may have been written
 * against scope rows of an older SCOPE_CONFIG version, and routing matches across versions by code.
 */
export const ATP_CATEGORIES = [
  'RAN_MW',
  'PLN_UPGRADE',
  'DISMANTLE_DROP',
  'DISMANTLE_KEEP',
  'SOFTWARE_LICENSE',
] as const;
export type AtpCategory = (typeof ATP_CATEGORIES)[number];

export const SOURCE_TYPES = ['APPROVAL_MATRIX', 'CLUSTER_MAPPING', 'SCOPE_CONFIG'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const ASSIGNMENT_MODES = ['CLUSTER', 'STATIC_USER', 'RULE', 'AUTO'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

export const SCOPE_GROUPS = ['MICROWAVE', 'RAN', 'CME', 'PLN'] as const;
export type ScopeGroup = (typeof SCOPE_GROUPS)[number];

export const STAGE_GROUPS = ['REVIEW', 'SIGN', 'VALIDATION', 'FINAL'] as const;
export type StageGroup = (typeof STAGE_GROUPS)[number];

/** ISO date `YYYY-MM-DD`; null = open-ended. */
export type IsoDate = string;

export interface ScopeRow {
  id: string;
  scopeCode: string;
  scopeName: string;
  scopeGroup: ScopeGroup;
  categoryCode: string | null;
  atpType: 'HARDWARE' | 'SOFTWARE' | 'BOTH';
  defaultTemplateCode: string | null;
  requiresCluster: boolean;
  isActive: boolean;
}

export interface VendorRow {
  id: string;
  vendorCode: string;
  vendorName: string;
  vendorType: string;
  isActive: boolean;
}

export interface ApprovalRoleRow {
  id: string;
  roleCode: string;
  roleName: string;
  hierarchyOrder: number;
  stageGroup: StageGroup | null;
  isFinalApprover: boolean;
  canApproveParallel: boolean;
  isActive: boolean;
}

export interface PolicyRow {
  id: string;
  scopeId: string;
  scopeCode: string;
  /** null = any vendor. */
  vendorId: string | null;
  vendorCode: string | null;
  atpCategory: AtpCategory;
  fallbackPriority: number;
  parentPolicyId: string | null;
  policyVersion: string;
  policyName: string | null;
  isActive: boolean;
  effectiveDate: IsoDate | null;
  expiryDate: IsoDate | null;
}

/**
 * `autoAssignRule` (architecture §6, Q7): STATIC_USER `{"userId": "..."}`;
 * RULE `{"strategy": "ROUND_ROBIN" | "LEAST_LOADED", "pool": ["userId", ...]}`; CLUSTER and AUTO: null.
 */
export type AutoAssignRule = { userId: string } | { strategy: 'ROUND_ROBIN' | 'LEAST_LOADED'; pool: string[] };

export interface PolicyStageRow {
  id: string;
  policyId: string;
  stageNumber: number;
  stageName: string;
  stageGroup: StageGroup | null;
  approvalRoleId: string;
  roleCode: string;
  isRequired: boolean;
  isParallel: boolean;
  parallelGroup: string | null;
  slaHours: number;
  assignmentMode: AssignmentMode;
  autoAssignRule: AutoAssignRule | null;
  sequenceOrder: number;
  isActive: boolean;
}

export interface ClusterRow {
  id: string;
  scopeId: string;
  scopeCode: string;
  regionCode: string | null;
  regionName: string;
  clusterCode: string;
  isActive: boolean;
}

export interface ClusterApproverRow {
  id: string;
  clusterId: string;
  clusterCode: string;
  approvalRoleId: string;
  roleCode: string;
  primaryUserId: string;
  backupUserId: string | null;
  isActive: boolean;
  effectiveFrom: IsoDate | null;
  effectiveTo: IsoDate | null;
}

interface SnapshotHeader {
  configVersionId: string;
  workspaceId: string;
  versionNumber: number;
}

export interface ApprovalMatrixSnapshot extends SnapshotHeader {
  sourceType: 'APPROVAL_MATRIX';
  roles: ApprovalRoleRow[];
  policies: PolicyRow[];
  policyStages: PolicyStageRow[];
}

export interface ClusterMappingSnapshot extends SnapshotHeader {
  sourceType: 'CLUSTER_MAPPING';
  clusters: ClusterRow[];
  clusterApprovers: ClusterApproverRow[];
}

export interface ScopeConfigSnapshot extends SnapshotHeader {
  sourceType: 'SCOPE_CONFIG';
  scopes: ScopeRow[];
  vendors: VendorRow[];
}

export type ConfigSnapshot = ApprovalMatrixSnapshot | ClusterMappingSnapshot | ScopeConfigSnapshot;

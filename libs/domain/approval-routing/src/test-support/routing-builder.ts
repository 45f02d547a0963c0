import type {
  ApprovalMatrixSnapshot,
  AssignmentMode,
  AtpCategory,
  AutoAssignRule,
  ClusterApproverRow,
  ClusterMappingSnapshot,
  PolicyRow,
  PolicyStageRow,
  ScopeConfigSnapshot,
  ScopeRow,
} from '../model';
import type { RoutingSnapshots } from '../routing-index';
import type { Directory, RouteRequest } from '../routing-types';

/** Small builder of the three snapshots for unit tests; every row has readable defaults. */
export const WORKSPACE = 'ws-1';

export class RoutingBuilder {
  private readonly matrix: ApprovalMatrixSnapshot = {
    sourceType: 'APPROVAL_MATRIX',
    configVersionId: 'cv-matrix',
    workspaceId: WORKSPACE,
    versionNumber: 3,
    roles: [],
    policies: [],
    policyStages: [],
  };
  private readonly mapping: ClusterMappingSnapshot = {
    sourceType: 'CLUSTER_MAPPING',
    configVersionId: 'cv-cluster',
    workspaceId: WORKSPACE,
    versionNumber: 2,
    clusters: [],
    clusterApprovers: [],
  };
  private readonly scopeConfig: ScopeConfigSnapshot = {
    sourceType: 'SCOPE_CONFIG',
    configVersionId: 'cv-scope',
    workspaceId: WORKSPACE,
    versionNumber: 1,
    scopes: [],
    vendors: [],
  };

  scope(scopeCode: string, fields: Partial<ScopeRow> = {}): this {
    this.scopeConfig.scopes.push({
      id: `scope-${scopeCode}`,
      scopeCode,
      scopeName: scopeCode,
      scopeGroup: 'RAN',
      categoryCode: null,
      atpType: 'HARDWARE',
      defaultTemplateCode: null,
      requiresCluster: true,
      isActive: true,
      ...fields,
    });
    return this;
  }

  role(roleCode: string): this {
    this.matrix.roles.push({
      id: `role-${roleCode}`,
      roleCode,
      roleName: roleCode,
      hierarchyOrder: this.matrix.roles.length + 1,
      stageGroup: null,
      isFinalApprover: false,
      canApproveParallel: true,
      isActive: true,
    });
    return this;
  }

  /** A policy with one stage (role BO) unless `stages` says otherwise; `stages: []` = no stage. */
  policy(
    id: string,
    fields: Partial<PolicyRow> & { scopeCode: string; atpCategory: AtpCategory },
    stages: StageSpec[] = [{ roleCode: 'BO' }],
  ): this {
    this.matrix.policies.push({
      id,
      scopeId: `scope-${fields.scopeCode}`,
      vendorId: fields.vendorCode ? `vendor-${fields.vendorCode}` : null,
      vendorCode: null,
      fallbackPriority: 1,
      parentPolicyId: null,
      policyVersion: '1',
      policyName: id,
      isActive: true,
      effectiveDate: null,
      expiryDate: null,
      ...fields,
    });
    stages.forEach((spec, i) => this.stage(id, { stageNumber: i + 1, ...spec }));
    return this;
  }

  stage(policyId: string, spec: StageSpec & { stageNumber: number }): this {
    const n = this.matrix.policyStages.filter((s) => s.policyId === policyId).length + 1;
    const row: PolicyStageRow = {
      id: `${policyId}-s${n}`,
      policyId,
      stageName: `${spec.roleCode} review`,
      stageGroup: null,
      approvalRoleId: `role-${spec.roleCode}`,
      isRequired: true,
      isParallel: false,
      parallelGroup: null,
      slaHours: 24,
      assignmentMode: 'CLUSTER',
      autoAssignRule: null,
      sequenceOrder: 1,
      isActive: true,
      ...spec,
    };
    this.matrix.policyStages.push(row);
    return this;
  }

  cluster(clusterCode: string, regionCode: string, fields: { scopeCode?: string; isActive?: boolean } = {}): this {
    const scopeCode = fields.scopeCode ?? 'RAN';
    this.mapping.clusters.push({
      id: `cluster-${clusterCode}-${scopeCode}`,
      scopeId: `scope-${scopeCode}`,
      scopeCode,
      regionCode,
      regionName: regionCode,
      clusterCode,
      isActive: fields.isActive ?? true,
    });
    return this;
  }

  approver(
    clusterCode: string,
    roleCode: string,
    primaryUserId: string,
    backupUserId: string | null,
    fields: Partial<ClusterApproverRow> = {},
  ): this {
    const cluster = this.mapping.clusters.find((c) => c.clusterCode === clusterCode);
    this.mapping.clusterApprovers.push({
      id: `ca-${clusterCode}-${roleCode}-${this.mapping.clusterApprovers.length + 1}`,
      clusterId: cluster?.id ?? `cluster-${clusterCode}`,
      clusterCode,
      approvalRoleId: `role-${roleCode}`,
      roleCode,
      primaryUserId,
      backupUserId,
      isActive: true,
      effectiveFrom: null,
      effectiveTo: null,
      ...fields,
    });
    return this;
  }

  build(): RoutingSnapshots {
    return structuredClone({
      approvalMatrix: this.matrix,
      clusterMapping: this.mapping,
      scopeConfig: this.scopeConfig,
    });
  }
}

export interface StageSpec {
  roleCode: string;
  stageNumber?: number;
  sequenceOrder?: number;
  slaHours?: number;
  isParallel?: boolean;
  parallelGroup?: string | null;
  isActive?: boolean;
  assignmentMode?: AssignmentMode;
  autoAssignRule?: AutoAssignRule | null;
}

/** A directory where `active` users are ACTIVE members and `load` gives open stage counts (default 0). */
export function directoryOf(active: readonly string[], load: Readonly<Record<string, number>> = {}): Directory {
  const members = new Set(active);
  return { isActiveMember: (userId) => members.has(userId), openStageCount: (userId) => load[userId] ?? 0 };
}

export function routeRequest(fields: Partial<RouteRequest> = {}): RouteRequest {
  return {
    workspaceId: WORKSPACE,
    scopeCode: 'RAN',
    vendorCode: 'ZTE',
    atpCategory: 'RAN_MW',
    asOf: '2026-03-01',
    site: { siteCode: 'SITE-1', clusterCode: 'JKT-01' },
    submissionId: 'sub-1',
    ...fields,
  };
}

import {
  ATP_CATEGORIES,
  type ApprovalMatrixSnapshot,
  type ApprovalRoleRow,
  type AssignmentMode,
  type AtpCategory,
  type ClusterMappingSnapshot,
  type IsoDate,
  type PolicyRow,
  type PolicyStageRow,
  type ScopeConfigSnapshot,
  type StageGroup,
} from './model';
import { CATEGORY_CHAINS } from './templates';

/**
 * Demo configuration for tests and seed data: the five category chains of domain §5.3 as an
 * APPROVAL_MATRIX, plus matching SCOPE_CONFIG and CLUSTER_MAPPING versions. Ids are deterministic
 * (`policy:<scope>:<category>`, `<policyId>:stage:<n>`, `role:<code>`) so tests can name rows.
 */
export interface DemoScope {
  scopeId: string;
  scopeCode: string;
}

export interface DemoMatrixOptions {
  workspaceId?: string;
  configVersionId?: string;
  versionNumber?: number;
  /** One any-vendor policy per scope and category; default one scope `DEMO`. */
  scopes?: readonly DemoScope[];
  assignmentMode?: AssignmentMode;
  effectiveDate?: IsoDate | null;
}

export const DEMO_WORKSPACE_ID = 'ws-demo';
const DEMO_SCOPES: readonly DemoScope[] = [{ scopeId: 'scope:DEMO', scopeCode: 'DEMO' }];

/** Roles of the chains with the hierarchy and stage group of domain §8 (ROH, absent there, after PMO). */
export const DEMO_APPROVAL_ROLES: readonly [
  code: string,
  name: string,
  order: number,
  group: StageGroup,
  isFinal: boolean,
][] = [
  ['BO', 'Business Operations', 1, 'REVIEW', false],
  ['SME', 'Subject Matter Expert', 2, 'VALIDATION', false],
  ['HEAD_NOC', 'Head of NOC', 4, 'SIGN', true],
  ['FOP_RTS', 'FOP / RTS', 5, 'SIGN', false],
  ['REGION_TEAM', 'Region Team', 6, 'SIGN', false],
  ['RTH', 'Regional Technical Head', 7, 'FINAL', true],
  ['PMO', 'Project Management Office', 8, 'FINAL', true],
  ['ROH', 'Roll Out Head', 9, 'SIGN', false],
];

export const demoRoleId = (roleCode: string): string => `role:${roleCode}`;
export const demoPolicyId = (scopeCode: string, category: AtpCategory): string => `policy:${scopeCode}:${category}`;

export function demoApprovalMatrix(options: DemoMatrixOptions = {}): ApprovalMatrixSnapshot {
  const roles: ApprovalRoleRow[] = DEMO_APPROVAL_ROLES.map(([code, name, order, group, isFinal]) => ({
    id: demoRoleId(code),
    roleCode: code,
    roleName: name,
    hierarchyOrder: order,
    stageGroup: group,
    isFinalApprover: isFinal,
    canApproveParallel: true,
    isActive: true,
  }));
  const policies: PolicyRow[] = [];
  const policyStages: PolicyStageRow[] = [];
  for (const scope of options.scopes ?? DEMO_SCOPES) {
    for (const category of ATP_CATEGORIES) {
      const policyId = demoPolicyId(scope.scopeCode, category);
      policies.push({
        id: policyId,
        scopeId: scope.scopeId,
        scopeCode: scope.scopeCode,
        vendorId: null,
        vendorCode: null,
        atpCategory: category,
        fallbackPriority: 1,
        parentPolicyId: null,
        policyVersion: '2.7',
        policyName: `${scope.scopeCode} ${category}`,
        isActive: true,
        effectiveDate: options.effectiveDate ?? null,
        expiryDate: null,
      });
      CATEGORY_CHAINS[category].forEach((stage, i) =>
        policyStages.push({
          id: `${policyId}:stage:${i + 1}`,
          policyId,
          stageNumber: i + 1,
          stageName: stage.stageName,
          stageGroup: stage.stageGroup,
          approvalRoleId: demoRoleId(stage.roleCode),
          roleCode: stage.roleCode,
          isRequired: true,
          isParallel: false,
          parallelGroup: null,
          slaHours: stage.slaHours,
          assignmentMode: options.assignmentMode ?? 'CLUSTER',
          autoAssignRule: null,
          sequenceOrder: 1,
          isActive: true,
        }),
      );
    }
  }
  return {
    sourceType: 'APPROVAL_MATRIX',
    configVersionId: options.configVersionId ?? 'cv:matrix:demo',
    workspaceId: options.workspaceId ?? DEMO_WORKSPACE_ID,
    versionNumber: options.versionNumber ?? 1,
    roles,
    policies,
    policyStages,
  };
}

export function demoScopeConfig(
  options: { workspaceId?: string; configVersionId?: string; scopes?: readonly DemoScope[] } = {},
): ScopeConfigSnapshot {
  return {
    sourceType: 'SCOPE_CONFIG',
    configVersionId: options.configVersionId ?? 'cv:scope:demo',
    workspaceId: options.workspaceId ?? DEMO_WORKSPACE_ID,
    versionNumber: 1,
    scopes: (options.scopes ?? DEMO_SCOPES).map((scope) => ({
      id: scope.scopeId,
      scopeCode: scope.scopeCode,
      scopeName: scope.scopeCode,
      scopeGroup: 'RAN',
      categoryCode: null,
      atpType: 'BOTH',
      defaultTemplateCode: null,
      requiresCluster: true,
      isActive: true,
    })),
    vendors: [
      { id: 'vendor:ZTE', vendorCode: 'ZTE', vendorName: 'ZTE', vendorType: 'OEM', isActive: true },
      { id: 'vendor:HUAWEI', vendorCode: 'HUAWEI', vendorName: 'Huawei', vendorType: 'OEM', isActive: true },
    ],
  };
}

/** Demo user id of a role holder: `user:<role>:<cluster>:primary|backup`, lower-case. */
export const demoUserId = (roleCode: string, clusterCode: string, seat: 'primary' | 'backup'): string =>
  `user:${roleCode}:${clusterCode}:${seat}`.toLowerCase();

/** Clusters with a primary and a backup for every demo role. */
export function demoClusterMapping(
  options: {
    workspaceId?: string;
    configVersionId?: string;
    scope?: DemoScope;
    clusters?: readonly { clusterCode: string; regionCode: string }[];
  } = {},
): ClusterMappingSnapshot {
  const scope = options.scope ?? (DEMO_SCOPES[0] as DemoScope);
  const clusters = (
    options.clusters ?? [
      { clusterCode: 'JKT-01', regionCode: 'JABO' },
      { clusterCode: 'SBY-01', regionCode: 'EAST_JAVA' },
    ]
  ).map(({ clusterCode, regionCode }) => ({
    id: `cluster:${clusterCode}`,
    scopeId: scope.scopeId,
    scopeCode: scope.scopeCode,
    regionCode,
    regionName: regionCode,
    clusterCode,
    isActive: true,
  }));
  return {
    sourceType: 'CLUSTER_MAPPING',
    configVersionId: options.configVersionId ?? 'cv:cluster:demo',
    workspaceId: options.workspaceId ?? DEMO_WORKSPACE_ID,
    versionNumber: 1,
    clusters,
    clusterApprovers: clusters.flatMap((cluster) =>
      DEMO_APPROVAL_ROLES.map(([roleCode]) => ({
        id: `approver:${cluster.clusterCode}:${roleCode}`,
        clusterId: cluster.id,
        clusterCode: cluster.clusterCode,
        approvalRoleId: demoRoleId(roleCode),
        roleCode,
        primaryUserId: demoUserId(roleCode, cluster.clusterCode, 'primary'),
        backupUserId: demoUserId(roleCode, cluster.clusterCode, 'backup'),
        isActive: true,
        effectiveFrom: null,
        effectiveTo: null,
      })),
    ),
  };
}

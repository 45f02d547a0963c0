import { canonicalRoleCode } from './canonical-codes';
import type {
  ApprovalMatrixSnapshot,
  ApprovalRoleRow,
  ClusterApproverRow,
  ClusterMappingSnapshot,
  ClusterRow,
  PolicyRow,
  PolicyStageRow,
  ScopeConfigSnapshot,
  ScopeRow,
} from './model';

/** The three config versions a route is resolved against (architecture §6, Q2). */
export interface RoutingSnapshots {
  approvalMatrix: ApprovalMatrixSnapshot;
  clusterMapping: ClusterMappingSnapshot;
  scopeConfig: ScopeConfigSnapshot;
}

/**
 * Look-up tables built once per set of snapshots. Only date-independent filtering happens here
 * (inactive stages and roles); validity on `asOf` is checked per call because one compiled index
 * serves requests for different days.
 */
export interface RoutingIndex {
  snapshots: RoutingSnapshots;
  scopesByCode: Map<string, ScopeRow>;
  policiesById: Map<string, PolicyRow>;
  policiesByScope: Map<string, PolicyRow[]>;
  /** Active stages per policy, ordered by stage number then sequence order. */
  activeStagesByPolicy: Map<string, PolicyStageRow[]>;
  /** Active roles by canonical code. */
  rolesByCode: Map<string, ApprovalRoleRow>;
  clustersById: Map<string, ClusterRow>;
  /** Active clusters by code. */
  clustersByCode: Map<string, ClusterRow>;
  /** Cluster approver rows by `clusterCode` + canonical role code. */
  approversByClusterRole: Map<string, ClusterApproverRow[]>;
  /** Cluster approver rows by canonical role code, for AUTO. */
  approversByRole: Map<string, ClusterApproverRow[]>;
}

export const clusterRoleKey = (clusterCode: string, roleCode: string): string => `${clusterCode}\u0000${roleCode}`;

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildRoutingIndex(snapshots: RoutingSnapshots): RoutingIndex {
  const { approvalMatrix, clusterMapping, scopeConfig } = snapshots;

  // Scope codes are unique per version in practice; if not, the active row wins.
  const scopesByCode = new Map<string, ScopeRow>();
  for (const scope of scopeConfig.scopes) {
    const known = scopesByCode.get(scope.scopeCode);
    if (!known || (!known.isActive && scope.isActive)) scopesByCode.set(scope.scopeCode, scope);
  }

  const policiesById = new Map<string, PolicyRow>();
  const policiesByScope = new Map<string, PolicyRow[]>();
  for (const policy of approvalMatrix.policies) {
    policiesById.set(policy.id, policy);
    push(policiesByScope, policy.scopeCode, policy);
  }

  const activeStagesByPolicy = new Map<string, PolicyStageRow[]>();
  for (const stage of approvalMatrix.policyStages)
    if (stage.isActive) push(activeStagesByPolicy, stage.policyId, stage);
  for (const stages of activeStagesByPolicy.values()) {
    stages.sort(
      (a, b) => a.stageNumber - b.stageNumber || a.sequenceOrder - b.sequenceOrder || compareText(a.id, b.id),
    );
  }

  const rolesByCode = new Map<string, ApprovalRoleRow>();
  for (const role of approvalMatrix.roles) if (role.isActive) rolesByCode.set(canonicalRoleCode(role.roleCode), role);

  const clustersById = new Map(clusterMapping.clusters.map((cluster) => [cluster.id, cluster]));
  const clustersByCode = new Map<string, ClusterRow>();
  for (const cluster of clusterMapping.clusters) {
    if (cluster.isActive && !clustersByCode.has(cluster.clusterCode)) clustersByCode.set(cluster.clusterCode, cluster);
  }
  const approversByClusterRole = new Map<string, ClusterApproverRow[]>();
  const approversByRole = new Map<string, ClusterApproverRow[]>();
  for (const row of clusterMapping.clusterApprovers) {
    // A row of a deactivated cluster is dead configuration, whatever its own flag says.
    if (!row.isActive || clustersById.get(row.clusterId)?.isActive === false) continue;
    const roleCode = canonicalRoleCode(row.roleCode);
    push(approversByClusterRole, clusterRoleKey(row.clusterCode, roleCode), row);
    push(approversByRole, roleCode, row);
  }

  return {
    snapshots,
    scopesByCode,
    policiesById,
    policiesByScope,
    activeStagesByPolicy,
    rolesByCode,
    clustersById,
    clustersByCode,
    approversByClusterRole,
    approversByRole,
  };
}

/** Code-point order, independent of the host locale, so ties break the same way everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Config versions are immutable once they leave DRAFT, so an index can be cached per snapshot object.
const cache = new WeakMap<
  ApprovalMatrixSnapshot,
  WeakMap<ClusterMappingSnapshot, WeakMap<ScopeConfigSnapshot, RoutingIndex>>
>();

/** The index of these snapshot objects, built on first use and reused while the objects live. */
export function routingIndexFor(snapshots: RoutingSnapshots): RoutingIndex {
  let byCluster = cache.get(snapshots.approvalMatrix);
  if (!byCluster) cache.set(snapshots.approvalMatrix, (byCluster = new WeakMap()));
  let byScope = byCluster.get(snapshots.clusterMapping);
  if (!byScope) byCluster.set(snapshots.clusterMapping, (byScope = new WeakMap()));
  let index = byScope.get(snapshots.scopeConfig);
  if (!index) byScope.set(snapshots.scopeConfig, (index = buildRoutingIndex(snapshots)));
  return index;
}

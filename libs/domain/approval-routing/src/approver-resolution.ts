import { isEffectiveOn } from './effective-dates';
import type { AssignmentMode, AutoAssignRule, ClusterApproverRow, IsoDate, ScopeRow } from './model';
import { pickOverride, type ApproverOverride } from './overrides';
import { clusterRoleKey, compareText, type RoutingIndex } from './routing-index';
import type { Assignment, AssignmentSource, Directory, SiteLocation, UnassignedReason } from './routing-types';

/** What a stage asks for: a role, and how to find its holder. */
export interface ApproverRequirement {
  approvalRoleId: string | null;
  /** Canonical role code. */
  roleCode: string;
  assignmentMode: AssignmentMode;
  autoAssignRule: AutoAssignRule | null;
}

export interface ApproverContext {
  asOf: IsoDate;
  /** The scope row of the request; null when the SCOPE_CONFIG version does not know it. */
  scope: ScopeRow | null;
  site: SiteLocation | null;
  submissionId: string | null;
  /** The submitter never decides a stage of their own submission (domain §4.3): never assigned either. */
  submittedBy?: string | null;
  directory: Directory;
  roundRobinCursor: number;
  overrides: readonly ApproverOverride[];
}

export interface ResolvedApprover {
  approverUserId: string | null;
  assignment: Assignment;
}

interface BaseAssignment {
  userId: string | null;
  source: AssignmentSource;
  appliedMode: AssignmentMode;
  reason: UnassignedReason | null;
  clusterApprover: ClusterApproverRow | null;
}

/**
 * The approver of one stage: the base mapping of its assignment mode (domain §3.2, architecture §6
 * Q5–Q7), then SUBMISSION > CLUSTER > REGION overrides. STAGE overrides need a running stage and are
 * applied by workflow-service through `pickOverride`. Nobody found is a result, not an error: the stage
 * is created unassigned and workspace admins assign it (Q5).
 */
export function resolveApprover(
  index: RoutingIndex,
  stage: ApproverRequirement,
  context: ApproverContext,
): ResolvedApprover {
  const base = resolveBaseApprover(index, stage, context);
  const clusterCode = context.site?.clusterCode ?? null;
  const picked = pickOverride(
    context.overrides,
    {
      approvalRoleId: stage.approvalRoleId,
      roleCode: stage.roleCode,
      // Replacing the mapped primary is the usual cut-over case, even when the backup stood in for them.
      fromUserIds: [base.userId, base.clusterApprover?.primaryUserId ?? null],
      submissionId: context.submissionId,
      clusterCode,
      region: regionOf(index, context.site),
    },
    context.asOf,
    (userId) => mayDecide(context, userId),
  );

  const assignment: Assignment = {
    source: picked ? picked.source : base.source,
    appliedMode: base.appliedMode,
    reason: picked ? null : base.reason,
    baseUserId: base.userId,
    overrideId: picked?.override.id ?? null,
    clusterCode: base.appliedMode === 'CLUSTER' ? clusterCode : null,
    clusterApproverId: base.clusterApprover?.id ?? null,
  };
  return { approverUserId: picked ? picked.override.toUserId : base.userId, assignment };
}

function resolveBaseApprover(
  index: RoutingIndex,
  stage: ApproverRequirement,
  context: ApproverContext,
): BaseAssignment {
  switch (stage.assignmentMode) {
    case 'CLUSTER':
      // Q5: CLUSTER only means something for scopes that require a cluster; an unknown scope keeps the
      // configured mode, since the stage author asked for the cluster's approver.
      return (context.scope?.requiresCluster ?? true)
        ? byCluster(index, stage, context)
        : byAuto(index, stage, context);
    case 'STATIC_USER':
      return byStaticUser(stage, context);
    case 'RULE':
      return byRule(stage, context);
    case 'AUTO':
      return byAuto(index, stage, context);
  }
}

function byCluster(index: RoutingIndex, stage: ApproverRequirement, context: ApproverContext): BaseAssignment {
  // A dry run without a site is not a site without a cluster: say which one it is (#18).
  if (!context.site) return unassigned('CLUSTER', 'NO_SITE');
  const clusterCode = context.site.clusterCode ?? null;
  if (!clusterCode) return unassigned('CLUSTER', 'SITE_HAS_NO_CLUSTER');
  const row = clusterApproverRow(index, clusterCode, stage.roleCode, context);
  if (!row) return unassigned('CLUSTER', 'NO_CLUSTER_APPROVER');
  // Q6: the backup stands in when the primary is not an ACTIVE member at resolution time, or is the submitter.
  if (mayDecide(context, row.primaryUserId)) return assigned(row.primaryUserId, 'PRIMARY', 'CLUSTER', row);
  if (row.backupUserId && mayDecide(context, row.backupUserId))
    return assigned(row.backupUserId, 'BACKUP', 'CLUSTER', row);
  const submitterMapped = isSubmitter(context, row.primaryUserId) || isSubmitter(context, row.backupUserId);
  return {
    ...unassigned('CLUSTER', submitterMapped ? 'SUBMITTER_IS_APPROVER' : 'PRIMARY_AND_BACKUP_INACTIVE'),
    clusterApprover: row,
  };
}

/**
 * The effective approver row of (cluster, role). Several rows (e.g. a hand-over with overlapping dates):
 * a cluster of the request's scope first, then the latest `effective_from`, then id.
 */
function clusterApproverRow(
  index: RoutingIndex,
  clusterCode: string,
  roleCode: string,
  context: ApproverContext,
): ClusterApproverRow | null {
  const rows = (index.approversByClusterRole.get(clusterRoleKey(clusterCode, roleCode)) ?? []).filter((row) =>
    isEffectiveOn(context.asOf, row.effectiveFrom, row.effectiveTo),
  );
  if (rows.length <= 1) return rows[0] ?? null;
  const scopeCode = context.scope?.scopeCode;
  const ofScope = (row: ClusterApproverRow) => Number(index.clustersById.get(row.clusterId)?.scopeCode === scopeCode);
  return [...rows].sort(
    (a, b) =>
      ofScope(b) - ofScope(a) || compareText(b.effectiveFrom ?? '', a.effectiveFrom ?? '') || compareText(a.id, b.id),
  )[0] as ClusterApproverRow;
}

function byStaticUser(stage: ApproverRequirement, context: ApproverContext): BaseAssignment {
  const rule = stage.autoAssignRule;
  if (!rule || !('userId' in rule) || typeof rule.userId !== 'string') {
    return unassigned('STATIC_USER', 'INVALID_AUTO_ASSIGN_RULE');
  }
  // A static user has no backup: the rule names one person on purpose.
  if (isSubmitter(context, rule.userId)) return unassigned('STATIC_USER', 'SUBMITTER_IS_APPROVER');
  if (!context.directory.isActiveMember(rule.userId)) return unassigned('STATIC_USER', 'STATIC_USER_INACTIVE');
  return assigned(rule.userId, 'STATIC_USER', 'STATIC_USER', null);
}

function byRule(stage: ApproverRequirement, context: ApproverContext): BaseAssignment {
  const rule = stage.autoAssignRule;
  if (!rule || !('strategy' in rule) || !Array.isArray(rule.pool))
    return unassigned('RULE', 'INVALID_AUTO_ASSIGN_RULE');
  // Pool order is the configured rotation order; duplicates would give one person two turns.
  const pool = [...new Set(rule.pool)].filter((userId) => mayDecide(context, userId));
  if (pool.length === 0) return unassigned('RULE', 'RULE_POOL_HAS_NO_ACTIVE_MEMBER');
  switch (rule.strategy) {
    case 'ROUND_ROBIN':
      return assigned(pool[roundRobinIndex(context.roundRobinCursor, pool.length)] as string, 'RULE', 'RULE', null);
    case 'LEAST_LOADED':
      return assigned(leastLoaded(pool, context.directory), 'RULE', 'RULE', null);
    default:
      return unassigned('RULE', 'INVALID_AUTO_ASSIGN_RULE');
  }
}

/** Q7: AUTO = least-loaded active holder of the role among the workspace's cluster approver rows. */
function byAuto(index: RoutingIndex, stage: ApproverRequirement, context: ApproverContext): BaseAssignment {
  const holders = new Set<string>();
  for (const row of index.approversByRole.get(stage.roleCode) ?? []) {
    if (!isEffectiveOn(context.asOf, row.effectiveFrom, row.effectiveTo)) continue;
    holders.add(row.primaryUserId);
    if (row.backupUserId) holders.add(row.backupUserId);
  }
  const active = [...holders].filter((userId) => mayDecide(context, userId));
  if (active.length === 0) return unassigned('AUTO', 'NO_ACTIVE_ROLE_HOLDER');
  return assigned(leastLoaded(active, context.directory), 'AUTO', 'AUTO', null);
}

function isSubmitter(context: ApproverContext, userId: string | null): boolean {
  return !!userId && !!context.submittedBy && userId === context.submittedBy;
}

/** An ACTIVE member who is not the submitter: the only kind of user a stage is ever given to. */
function mayDecide(context: ApproverContext, userId: string): boolean {
  return !isSubmitter(context, userId) && context.directory.isActiveMember(userId);
}

/** Fewest open stages; ties by user id so that the same inputs always give the same person. */
function leastLoaded(userIds: readonly string[], directory: Directory): string {
  let chosen = userIds[0] as string;
  let chosenLoad = directory.openStageCount(chosen);
  for (const userId of userIds.slice(1)) {
    const load = directory.openStageCount(userId);
    if (load < chosenLoad || (load === chosenLoad && compareText(userId, chosen) < 0)) {
      chosen = userId;
      chosenLoad = load;
    }
  }
  return chosen;
}

/** Non-negative modulo; a missing, negative or fractional cursor still yields a valid index. */
function roundRobinIndex(cursor: number, size: number): number {
  const whole = Number.isFinite(cursor) ? Math.trunc(cursor) : 0;
  return ((whole % size) + size) % size;
}

function regionOf(index: RoutingIndex, site: SiteLocation | null): string | null {
  if (site?.region) return site.region;
  if (!site?.clusterCode) return null;
  return index.clustersByCode.get(site.clusterCode)?.regionCode ?? null;
}

const assigned = (
  userId: string,
  source: AssignmentSource,
  appliedMode: AssignmentMode,
  clusterApprover: ClusterApproverRow | null,
): BaseAssignment => ({ userId, source, appliedMode, reason: null, clusterApprover });

const unassigned = (appliedMode: AssignmentMode, reason: UnassignedReason): BaseAssignment => ({
  userId: null,
  source: 'UNASSIGNED',
  appliedMode,
  reason,
  clusterApprover: null,
});

import { canonicalRoleCode } from './canonical-codes';
import type { AutoAssignRule } from './model';
import { resolveApprover, type ApproverContext } from './approver-resolution';
import { activeScope } from './policy-resolution';
import { routingIndexFor, type RoutingIndex, type RoutingSnapshots } from './routing-index';
import type { AssignmentContext, PolicyMatch, ResolvedStage, RouteRequest, RouteStep } from './routing-types';
import { findTemplate } from './templates';

/** A stage before its approver is known: from a policy's stage rows or from a built-in template. */
type StagePlan = Omit<ResolvedStage, 'approverUserId' | 'assignment'> & { autoAssignRule: AutoAssignRule | null };

/**
 * The chosen policy's active stages, ordered by stage number then sequence order, each with its
 * approver. Built-in template stages are sequential and use the CLUSTER mode, which becomes AUTO for
 * scopes that do not require a cluster: a template carries roles, not people.
 */
export function resolveStagesIn(
  index: RoutingIndex,
  match: PolicyMatch,
  request: RouteRequest,
  assignment: AssignmentContext,
): ResolvedStage[] {
  const context: ApproverContext = {
    asOf: request.asOf,
    scope: activeScope(index, request.scopeCode),
    site: request.site,
    submissionId: request.submissionId ?? null,
    submittedBy: request.submittedBy ?? null,
    directory: assignment.directory,
    roundRobinCursor: assignment.roundRobinCursor ?? 0,
    overrides: assignment.overrides ?? [],
  };
  return planStages(index, match).map((plan) => {
    const { autoAssignRule: _rule, ...stage } = plan;
    return { ...stage, ...resolveApprover(index, plan, context) };
  });
}

export function resolveStages(input: {
  snapshots: RoutingSnapshots;
  match: PolicyMatch;
  request: RouteRequest;
  assignment: AssignmentContext;
}): ResolvedStage[] {
  return resolveStagesIn(routingIndexFor(input.snapshots), input.match, input.request, input.assignment);
}

function planStages(index: RoutingIndex, match: PolicyMatch): StagePlan[] {
  const { policy } = match;
  if (policy.source === 'MATRIX') {
    return (index.activeStagesByPolicy.get(policy.policyId) ?? []).map((row) => ({
      key: row.id,
      policyStageId: row.id,
      stageNumber: row.stageNumber,
      sequenceOrder: row.sequenceOrder,
      stageName: row.stageName,
      stageGroup: row.stageGroup,
      approvalRoleId: row.approvalRoleId,
      roleCode: canonicalRoleCode(row.roleCode),
      isRequired: row.isRequired,
      isParallel: row.isParallel,
      parallelGroup: row.isParallel ? row.parallelGroup : null,
      slaHours: row.slaHours,
      assignmentMode: row.assignmentMode,
      autoAssignRule: row.autoAssignRule,
    }));
  }
  const template = findTemplate(policy.templateCode);
  return (template?.stages ?? []).map((stage, i) => ({
    key: `template:${policy.templateCode}:${i + 1}`,
    policyStageId: null,
    stageNumber: i + 1,
    sequenceOrder: 1,
    stageName: stage.stageName,
    stageGroup: stage.stageGroup,
    approvalRoleId: index.rolesByCode.get(stage.roleCode)?.id ?? null,
    roleCode: stage.roleCode,
    isRequired: true,
    isParallel: false,
    parallelGroup: null,
    slaHours: stage.slaHours,
    assignmentMode: 'CLUSTER',
    autoAssignRule: null,
  }));
}

/**
 * Stages grouped by stage number (domain §4.4): all stages of a number open together and must all
 * approve before the next number opens. Expects stages in route order.
 */
export function groupIntoSteps(stages: readonly ResolvedStage[]): RouteStep[] {
  const steps: RouteStep[] = [];
  for (const stage of stages) {
    let step = steps[steps.length - 1];
    if (!step || step.stageNumber !== stage.stageNumber) {
      step = { stageNumber: stage.stageNumber, isParallel: false, parallelGroups: [], stageKeys: [], slaHours: 0 };
      steps.push(step);
    }
    step.stageKeys.push(stage.key);
    step.slaHours = Math.max(step.slaHours, stage.slaHours);
    step.isParallel = step.stageKeys.length > 1;
    if (stage.parallelGroup !== null && !step.parallelGroups.includes(stage.parallelGroup)) {
      step.parallelGroups.push(stage.parallelGroup);
    }
  }
  return steps;
}

import { resolvePolicyIn } from './policy-resolution';
import { buildRoutingIndex, routingIndexFor, type RoutingIndex, type RoutingSnapshots } from './routing-index';
import type {
  AssignmentContext,
  PolicyMatch,
  PolicyRequest,
  PolicyResolution,
  ResolvedStage,
  RouteRequest,
  RouteResolution,
} from './routing-types';
import { groupIntoSteps, resolveStagesIn } from './stage-resolution';

export interface RouteInput extends AssignmentContext {
  snapshots: RoutingSnapshots;
  request: RouteRequest;
}

/**
 * Policy and approvers in one call: what the dry-run endpoint returns and what workflow-service
 * freezes into `routing_snapshot`. The result is plain JSON. Snapshot indexes are cached per snapshot
 * objects, so repeated calls with the same (immutable) versions do not rebuild them.
 */
export function resolveRoute(input: RouteInput): RouteResolution {
  return routeWith(routingIndexFor(input.snapshots), input.request, input);
}

/** A resolver bound to one set of config versions; build it once per activation and reuse it. */
export interface CompiledRouting {
  readonly snapshots: RoutingSnapshots;
  resolvePolicy(request: PolicyRequest): PolicyResolution;
  resolveStages(match: PolicyMatch, request: RouteRequest, assignment: AssignmentContext): ResolvedStage[];
  resolveRoute(request: RouteRequest, assignment: AssignmentContext): RouteResolution;
}

export function compileRouting(snapshots: RoutingSnapshots): CompiledRouting {
  const index = buildRoutingIndex(snapshots);
  return {
    snapshots,
    resolvePolicy: (request) => resolvePolicyIn(index, request),
    resolveStages: (match, request, assignment) => resolveStagesIn(index, match, request, assignment),
    resolveRoute: (request, assignment) => routeWith(index, request, assignment),
  };
}

function routeWith(index: RoutingIndex, request: RouteRequest, assignment: AssignmentContext): RouteResolution {
  const match = resolvePolicyIn(index, request);
  if (!match.ok) return match;
  const stages = resolveStagesIn(index, match, request, assignment);
  const steps = groupIntoSteps(stages);
  const { approvalMatrix, clusterMapping, scopeConfig } = index.snapshots;
  return {
    ok: true,
    policy: match.policy,
    matchedRule: match.matchedRule,
    trail: match.trail,
    stages,
    steps,
    totalStages: stages.length,
    totalSlaHours: steps.reduce((sum, step) => sum + step.slaHours, 0),
    pinned: {
      approvalMatrixVersionId: approvalMatrix.configVersionId,
      clusterMappingVersionId: clusterMapping.configVersionId,
      scopeConfigVersionId: scopeConfig.configVersionId,
    },
  };
}

export * from './model';
export * from './canonical-codes';
export * from './effective-dates';
export * from './templates';
export * from './routing-types';
export { buildRoutingIndex, type RoutingIndex, type RoutingSnapshots } from './routing-index';
export { resolvePolicy, resolvePolicyIn } from './policy-resolution';
export {
  resolveApprover,
  type ApproverContext,
  type ApproverRequirement,
  type ResolvedApprover,
} from './approver-resolution';
export * from './overrides';
export { resolveStages, resolveStagesIn, groupIntoSteps } from './stage-resolution';
export { resolveRoute, compileRouting, type CompiledRouting, type RouteInput } from './route';
export * from './sla';
export * from './demo-approval-matrix';
export { routeRequestOfSubmission, type SubmissionRouteFacts } from './submission-route';
export { CompiledRoutingCache, type RoutingVersionIds } from './compiled-routing-cache';

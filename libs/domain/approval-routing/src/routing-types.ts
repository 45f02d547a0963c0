import type { ApproverOverride } from './overrides';
import type { AssignmentMode, AtpCategory, IsoDate, StageGroup } from './model';

/**
 * Inputs and outputs of routing. Every output type is plain JSON (no Map, no Date, no class) because
 * the dry-run endpoint returns it as is and workflow-service freezes it into `routing_snapshot`.
 */

/** Who may be assigned, as seen by the caller (config-service directory or workflow-service replica). */
export interface Directory {
  /** ACTIVE membership of the workspace the route is resolved for. */
  isActiveMember(userId: string): boolean;
  /** Stages currently PENDING on this user; drives LEAST_LOADED and AUTO. */
  openStageCount(userId: string): number;
}

/** Where the submission is: the site's cluster (architecture §6, Q5) and region. */
export interface SiteLocation {
  siteCode?: string | null;
  clusterCode: string | null;
  /** Region for REGION overrides; defaults to the region of the site's cluster in the mapping. */
  region?: string | null;
}

export interface PolicyRequest {
  workspaceId: string;
  scopeCode: string;
  vendorCode: string | null;
  atpCategory: AtpCategory;
  /** The day the route is resolved for; every validity range is checked against it. */
  asOf: IsoDate;
}

export interface RouteRequest extends PolicyRequest {
  site: SiteLocation | null;
  /** Target of SUBMISSION overrides. */
  submissionId?: string | null;
  /** The submitter: never assigned a stage of their own submission (the backup or nobody instead). */
  submittedBy?: string | null;
}

export interface AssignmentContext {
  directory: Directory;
  /** E.g. the number of workflows started so far in the workspace; ROUND_ROBIN takes it modulo the pool. */
  roundRobinCursor?: number;
  /** APPROVED overrides of the workspace; dates are still checked against `asOf`. */
  overrides?: readonly ApproverOverride[];
}

/** ATP_COMBINED is no longer chosen (see `resolvePolicyIn`); it stays for routes frozen before. */
export const MATCHED_RULES = [
  'EXACT_VENDOR',
  'ANY_VENDOR',
  'FALLBACK_PRIORITY',
  'SCOPE_TEMPLATE',
  'CATEGORY_TEMPLATE',
  'ATP_COMBINED',
] as const;
export type MatchedRule = (typeof MATCHED_RULES)[number];

export interface MatrixPolicyChoice {
  source: 'MATRIX';
  policyId: string;
  policyName: string | null;
  policyVersion: string;
  scopeCode: string;
  vendorCode: string | null;
  atpCategory: AtpCategory;
  fallbackPriority: number;
  parentPolicyId: string | null;
}

export interface TemplatePolicyChoice {
  source: 'TEMPLATE';
  templateCode: string;
  templateName: string;
  scopeCode: string;
  /** The requested category; a template is not tied to one. */
  atpCategory: AtpCategory;
}

export type ChosenPolicy = MatrixPolicyChoice | TemplatePolicyChoice;

/** One line of the "why this policy" explanation shown by the dry run. */
export interface FallbackStep {
  rule: MatchedRule;
  outcome: 'MATCHED' | 'NO_MATCH';
  detail: string;
}

export interface PolicyMatch {
  ok: true;
  matchedRule: MatchedRule;
  policy: ChosenPolicy;
  trail: FallbackStep[];
}

export type RoutingFailureReason = 'NO_POLICY' | 'WORKSPACE_MISMATCH';

export interface RoutingFailure {
  ok: false;
  reason: RoutingFailureReason;
  message: string;
  trail: FallbackStep[];
}

export type PolicyResolution = PolicyMatch | RoutingFailure;

export const ASSIGNMENT_SOURCES = [
  'PRIMARY',
  'BACKUP',
  'STATIC_USER',
  'RULE',
  'AUTO',
  'OVERRIDE_STAGE',
  'OVERRIDE_SUBMISSION',
  'OVERRIDE_CLUSTER',
  'OVERRIDE_REGION',
  'UNASSIGNED',
] as const;
export type AssignmentSource = (typeof ASSIGNMENT_SOURCES)[number];

export const UNASSIGNED_REASONS = [
  'NO_SITE',
  'SITE_HAS_NO_CLUSTER',
  'NO_CLUSTER_APPROVER',
  'PRIMARY_AND_BACKUP_INACTIVE',
  'STATIC_USER_INACTIVE',
  'INVALID_AUTO_ASSIGN_RULE',
  'RULE_POOL_HAS_NO_ACTIVE_MEMBER',
  'NO_ACTIVE_ROLE_HOLDER',
  'SUBMITTER_IS_APPROVER',
] as const;
export type UnassignedReason = (typeof UNASSIGNED_REASONS)[number];

export interface Assignment {
  source: AssignmentSource;
  /** The mode actually applied: CLUSTER becomes AUTO when the scope does not require a cluster. */
  appliedMode: AssignmentMode;
  /** Why nobody was assigned; null when someone was. */
  reason: UnassignedReason | null;
  /** The user the base mapping chose before an override replaced it. */
  baseUserId: string | null;
  overrideId: string | null;
  clusterCode: string | null;
  clusterApproverId: string | null;
}

export interface ResolvedStage {
  /** Stable key within the route: the policy stage id, or `template:<code>:<n>` for built-in chains. */
  key: string;
  policyStageId: string | null;
  stageNumber: number;
  sequenceOrder: number;
  stageName: string;
  stageGroup: StageGroup | null;
  /** Null only for a built-in template stage whose role is missing from the matrix. */
  approvalRoleId: string | null;
  /** Canonical role code. */
  roleCode: string;
  isRequired: boolean;
  isParallel: boolean;
  parallelGroup: string | null;
  slaHours: number;
  /** The mode configured on the stage. */
  assignmentMode: AssignmentMode;
  approverUserId: string | null;
  assignment: Assignment;
}

/** The stages that open together: one stage number, all of whose stages must approve (Q9). */
export interface RouteStep {
  stageNumber: number;
  isParallel: boolean;
  parallelGroups: string[];
  /** Keys of the stages of this step, in sequence order. */
  stageKeys: string[];
  /** The longest SLA of the step: the step cannot finish in time later than that. */
  slaHours: number;
}

export interface PinnedVersions {
  approvalMatrixVersionId: string;
  clusterMappingVersionId: string;
  scopeConfigVersionId: string;
}

export interface RoutePlan {
  ok: true;
  policy: ChosenPolicy;
  matchedRule: MatchedRule;
  trail: FallbackStep[];
  stages: ResolvedStage[];
  steps: RouteStep[];
  totalStages: number;
  /** Sum of the step SLAs: the calendar hours of the route if every step uses its full SLA. */
  totalSlaHours: number;
  pinned: PinnedVersions;
}

export type RouteResolution = RoutePlan | RoutingFailure;

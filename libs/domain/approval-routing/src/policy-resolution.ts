import { normaliseRouteCodes } from './canonical-codes';
import { isEffectiveOn } from './effective-dates';
import type {
  ApprovalMatrixSnapshot,
  AtpCategory,
  ClusterMappingSnapshot,
  PolicyRow,
  ScopeConfigSnapshot,
  ScopeRow,
} from './model';
import { compareText, routingIndexFor, type RoutingIndex } from './routing-index';
import type { ChosenPolicy, FallbackStep, MatchedRule, PolicyRequest, PolicyResolution } from './routing-types';
import { categoryTemplate, findTemplate, templateCategory, type ApprovalTemplate } from './templates';

/**
 * A policy of another category stands in only when it is marked as a broader fallback (domain §3.1 step 4,
 * "priority 2 = same scope, any vendor, HARDWARE"): ordinary policies have priority 0 (vendor) or 1 (any
 * vendor). The category decides the chain (domain §5.3), so without such a mark the category's chain applies.
 */
export const BROADER_FALLBACK_PRIORITY = 2;

/**
 * Picks exactly one policy (domain §3.1, [R]: never a mix of policies) by the first rule that matches:
 *
 * 0. The scope must be ACTIVE in the SCOPE_CONFIG version: a scope removed from the configuration does
 *    not route (NO_POLICY), even if matrix policies still name it.
 * 1. EXACT_VENDOR  — policy of the scope code and category for the requested vendor code.
 * 2. ANY_VENDOR    — policy of the scope code and category without a vendor.
 * 3. FALLBACK_PRIORITY — among the scope's remaining policies whose vendor is the requested one or none:
 *    a. a same-category policy that exists but is unusable and names a parent: its `parent_policy_id`
 *       chain is followed to the first usable ancestor (the configuration said where it falls back to);
 *    b. otherwise the policies of other categories **marked as broader fallbacks** (`fallback_priority` ≥
 *       `BROADER_FALLBACK_PRIORITY`) by ascending priority, the requested vendor before any vendor at equal
 *       priority, then policy id; an unusable one is replaced by the first usable policy of its parent
 *       chain. Other-category policies without the mark never stand in (the trail says they were passed).
 * 4. SCOPE_TEMPLATE — the built-in chain named by the scope's `default_template_code`, when it is the
 *    requested category's chain (ATP_HARDWARE = RAN_MW, ATP_SOFTWARE = SOFTWARE_LICENSE).
 * 5. CATEGORY_TEMPLATE — otherwise the requested category's built-in chain of domain §5.3.
 *
 * ATP_COMBINED (domain §3.1) is no longer chosen: every canonical category has its own chain, and the
 * category decides the chain. The rule name stays in `MATCHED_RULES` for routes frozen before.
 *
 * "Usable" = active, effective on `asOf` (half-open dates) and with at least one active stage: a policy
 * without stages would start a workflow that completes at once. Several usable policies at one level:
 * lowest fallback priority, then latest effective date, then id — deterministic, so a dry run and the
 * real start agree. Codes are normalised with `normaliseRouteCodes`, the one function both callers use.
 */
export function resolvePolicyIn(index: RoutingIndex, raw: PolicyRequest): PolicyResolution {
  const mismatch = workspaceMismatch(index, raw.workspaceId);
  if (mismatch) return { ok: false, reason: 'WORKSPACE_MISMATCH', message: mismatch, trail: [] };
  const request: PolicyRequest = { ...raw, ...normaliseRouteCodes(raw) };

  const trail: FallbackStep[] = [];
  const scope = activeScope(index, request.scopeCode);
  if (!scope) {
    const detail = `scope ${request.scopeCode} is not active in SCOPE_CONFIG v${index.snapshots.scopeConfig.versionNumber}`;
    for (const rule of RESOLUTION_ORDER) trail.push(noMatch(rule, detail));
    return { ok: false, reason: 'NO_POLICY', message: `No policy for ${describe(request)}: ${detail}`, trail };
  }

  const usable = (policy: PolicyRow) => isUsable(index, policy, request.asOf);
  const scopePolicies = index.policiesByScope.get(request.scopeCode) ?? [];
  const sameCategory = scopePolicies.filter((p) => p.atpCategory === request.atpCategory);
  const vendorFits = (p: PolicyRow) => p.vendorCode === null || p.vendorCode === request.vendorCode;

  const exact =
    request.vendorCode === null ? [] : sameCategory.filter((p) => p.vendorCode === request.vendorCode && usable(p));
  if (exact.length > 0)
    return matched(trail, 'EXACT_VENDOR', matrixChoice(best(exact)), `vendor ${request.vendorCode}`);
  trail.push(
    noMatch(
      'EXACT_VENDOR',
      request.vendorCode === null ? 'no vendor requested' : `no usable policy for vendor ${request.vendorCode}`,
    ),
  );

  const anyVendor = sameCategory.filter((p) => p.vendorId === null && p.vendorCode === null && usable(p));
  if (anyVendor.length > 0) return matched(trail, 'ANY_VENDOR', matrixChoice(best(anyVendor)), 'policy without vendor');
  trail.push(noMatch('ANY_VENDOR', 'no usable policy without vendor'));

  const candidates = scopePolicies.filter(vendorFits);
  const fallback = fallbackByPriority(index, request, sameCategory.filter(vendorFits), candidates, usable);
  if (fallback) return matched(trail, 'FALLBACK_PRIORITY', matrixChoice(fallback.policy), fallback.detail);
  trail.push(noMatch('FALLBACK_PRIORITY', noFallbackDetail(request, candidates)));

  const template = scope.defaultTemplateCode ? findTemplate(scope.defaultTemplateCode) : null;
  if (template && templateCategory(template) === request.atpCategory) {
    return matched(trail, 'SCOPE_TEMPLATE', templateChoice(template, request), `template ${scope.defaultTemplateCode}`);
  }
  trail.push(noMatch('SCOPE_TEMPLATE', scopeTemplateDetail(scope.defaultTemplateCode, template, request.atpCategory)));

  const chain = categoryTemplate(request.atpCategory);
  return matched(
    trail,
    'CATEGORY_TEMPLATE',
    templateChoice(chain, request),
    `built-in ${request.atpCategory} chain (domain §5.3)`,
  );
}

/** Every rule in the order it is tried, for a trail that ends early. */
const RESOLUTION_ORDER: readonly MatchedRule[] = [
  'EXACT_VENDOR',
  'ANY_VENDOR',
  'FALLBACK_PRIORITY',
  'SCOPE_TEMPLATE',
  'CATEGORY_TEMPLATE',
];

function noFallbackDetail(request: PolicyRequest, candidates: PolicyRow[]): string {
  const passed = candidates.filter(
    (p) => p.atpCategory !== request.atpCategory && p.fallbackPriority < BROADER_FALLBACK_PRIORITY,
  );
  if (passed.length === 0) return 'no usable fallback or parent policy';
  const categories = [...new Set(passed.map((p) => p.atpCategory))].sort().join(', ');
  return (
    `no usable fallback or parent policy; ${passed.length} policy(ies) of ${categories} not marked as a broader fallback ` +
    `(fallback_priority < ${BROADER_FALLBACK_PRIORITY}) do not stand in for ${request.atpCategory}`
  );
}

function scopeTemplateDetail(code: string | null, template: ApprovalTemplate | null, category: AtpCategory): string {
  if (!code) return 'scope has no default template';
  if (!template) return `unknown template code ${code}`;
  const of = templateCategory(template);
  return `scope template ${code} is ${of ? `the ${of} chain` : 'not a category chain'}, not ${category}'s`;
}

/** Policy resolution from the snapshots (the index is built once per snapshot objects and cached). */
export function resolvePolicy(input: {
  approvalMatrix: ApprovalMatrixSnapshot;
  scopeConfig: ScopeConfigSnapshot;
  request: PolicyRequest;
}): PolicyResolution {
  // Policy resolution does not read the cluster mapping; an empty one keeps the index shape uniform.
  const clusterMapping = emptyClusterMappingFor(input.approvalMatrix);
  return resolvePolicyIn(routingIndexFor({ ...input, clusterMapping }), input.request);
}

function fallbackByPriority(
  index: RoutingIndex,
  request: PolicyRequest,
  sameCategory: PolicyRow[],
  scopePolicies: PolicyRow[],
  usable: (policy: PolicyRow) => boolean,
): { policy: PolicyRow; detail: string } | null {
  for (const policy of sameCategory.filter((p) => p.parentPolicyId !== null).sort(byPreference(request))) {
    const ancestor = firstUsableAncestor(index, policy, usable);
    if (ancestor) return { policy: ancestor, detail: `parent chain of ${policy.id}` };
  }
  const others = scopePolicies
    .filter((p) => p.atpCategory !== request.atpCategory && p.fallbackPriority >= BROADER_FALLBACK_PRIORITY)
    .sort(byPreference(request));
  for (const policy of others) {
    if (usable(policy))
      return { policy, detail: `fallback priority ${policy.fallbackPriority} (${policy.atpCategory})` };
    const ancestor = firstUsableAncestor(index, policy, usable);
    if (ancestor)
      return {
        policy: ancestor,
        detail: `parent chain of ${policy.id} (fallback priority ${policy.fallbackPriority})`,
      };
  }
  return null;
}

/** Walks `parent_policy_id` upwards; a cycle in bad data ends the walk instead of looping. */
function firstUsableAncestor(
  index: RoutingIndex,
  policy: PolicyRow,
  usable: (p: PolicyRow) => boolean,
): PolicyRow | null {
  const seen = new Set<string>([policy.id]);
  let parentId = policy.parentPolicyId;
  while (parentId !== null && !seen.has(parentId)) {
    seen.add(parentId);
    const parent = index.policiesById.get(parentId);
    if (!parent) return null;
    if (usable(parent)) return parent;
    parentId = parent.parentPolicyId;
  }
  return null;
}

const byPreference =
  (request: PolicyRequest) =>
  (a: PolicyRow, b: PolicyRow): number =>
    a.fallbackPriority - b.fallbackPriority ||
    Number(b.vendorCode === request.vendorCode && b.vendorCode !== null) -
      Number(a.vendorCode === request.vendorCode && a.vendorCode !== null) ||
    compareText(a.id, b.id);

function best(policies: PolicyRow[]): PolicyRow {
  return [...policies].sort(
    (a, b) =>
      a.fallbackPriority - b.fallbackPriority ||
      compareText(b.effectiveDate ?? '', a.effectiveDate ?? '') ||
      compareText(a.id, b.id),
  )[0] as PolicyRow;
}

function isUsable(index: RoutingIndex, policy: PolicyRow, asOf: string): boolean {
  return (
    policy.isActive &&
    isEffectiveOn(asOf, policy.effectiveDate, policy.expiryDate) &&
    (index.activeStagesByPolicy.get(policy.id)?.length ?? 0) > 0
  );
}

export function activeScope(index: RoutingIndex, scopeCode: string): ScopeRow | null {
  const scope = index.scopesByCode.get(scopeCode);
  return scope?.isActive ? scope : null;
}

function workspaceMismatch(index: RoutingIndex, workspaceId: string): string | null {
  const { approvalMatrix, clusterMapping, scopeConfig } = index.snapshots;
  for (const snapshot of [approvalMatrix, clusterMapping, scopeConfig]) {
    if (snapshot.workspaceId !== workspaceId) {
      return `${snapshot.sourceType} version ${snapshot.configVersionId} belongs to another workspace`;
    }
  }
  return null;
}

function matrixChoice(policy: PolicyRow): ChosenPolicy {
  return {
    source: 'MATRIX',
    policyId: policy.id,
    policyName: policy.policyName,
    policyVersion: policy.policyVersion,
    scopeCode: policy.scopeCode,
    vendorCode: policy.vendorCode,
    atpCategory: policy.atpCategory,
    fallbackPriority: policy.fallbackPriority,
    parentPolicyId: policy.parentPolicyId,
  };
}

function templateChoice(template: ApprovalTemplate, request: PolicyRequest): ChosenPolicy {
  return {
    source: 'TEMPLATE',
    templateCode: template.templateCode,
    templateName: template.templateName,
    scopeCode: request.scopeCode,
    atpCategory: request.atpCategory,
  };
}

function matched(trail: FallbackStep[], rule: MatchedRule, policy: ChosenPolicy, detail: string): PolicyResolution {
  trail.push({ rule, outcome: 'MATCHED', detail });
  return { ok: true, matchedRule: rule, policy, trail };
}

const noMatch = (rule: MatchedRule, detail: string): FallbackStep => ({ rule, outcome: 'NO_MATCH', detail });

const describe = (request: PolicyRequest): string =>
  `scope ${request.scopeCode}, category ${request.atpCategory}, vendor ${request.vendorCode ?? 'any'}`;

// One placeholder per matrix object, so the index cache also works for policy-only resolution.
const emptyMappings = new WeakMap<ApprovalMatrixSnapshot, ClusterMappingSnapshot>();

function emptyClusterMappingFor(matrix: ApprovalMatrixSnapshot): ClusterMappingSnapshot {
  let mapping = emptyMappings.get(matrix);
  if (!mapping) {
    mapping = {
      sourceType: 'CLUSTER_MAPPING',
      configVersionId: 'none',
      workspaceId: matrix.workspaceId,
      versionNumber: 0,
      clusters: [],
      clusterApprovers: [],
    };
    emptyMappings.set(matrix, mapping);
  }
  return mapping;
}

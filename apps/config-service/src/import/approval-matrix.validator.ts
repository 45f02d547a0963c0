import {
  ASSIGNMENT_MODES,
  STAGE_GROUPS,
  canonicalRoleCode,
  expandLegacyCategory,
  normaliseCode,
  type AssignmentMode,
} from '@atp/approval-routing';
import type { Finding } from './findings';
import type { ImportContext, MasterRow, MasterRowSet } from './master-rows';
import { RowReader } from './row-reader';
import { locateSheets } from './sheet-presence';
import { SheetLayouts } from './sheet-layouts';
import type { Sheet } from './sheet';

/** An SLA longer than a year is a typing error, not a plan (#12); the PATCH of a draft stage uses the same bound. */
export const MAX_SLA_HOURS = 8760;

/** Role SLA defaults of domain §5.3: HEAD_NOC and RTH decide in 24 h, everyone else in 48 h. */
export function defaultSlaHours(roleCode: string): number {
  return roleCode === 'HEAD_NOC' || roleCode === 'RTH' ? 24 : 48;
}

function parseAssignRule(reader: RowReader, mode: AssignmentMode | null): object | null {
  const raw = reader.raw('auto_assign_rule');
  const needsRule = mode === 'STATIC_USER' || mode === 'RULE';
  if (raw === '') {
    if (needsRule)
      reader.error('auto_assign_rule', 'REQUIRED', `auto_assign_rule is required for assignment_mode ${mode}`);
    return null;
  }
  if (!needsRule) {
    reader.error(
      'auto_assign_rule',
      'UNEXPECTED_RULE',
      `auto_assign_rule must be empty for assignment_mode ${mode ?? 'CLUSTER'}`,
    );
    return null;
  }
  let rule: unknown;
  try {
    rule = JSON.parse(raw);
  } catch {
    reader.error('auto_assign_rule', 'INVALID_JSON', 'auto_assign_rule is not valid JSON');
    return null;
  }
  const candidate = rule as { userId?: unknown; strategy?: unknown; pool?: unknown };
  if (mode === 'STATIC_USER' && typeof candidate.userId === 'string' && candidate.userId)
    return { userId: candidate.userId };
  if (
    mode === 'RULE' &&
    (candidate.strategy === 'ROUND_ROBIN' || candidate.strategy === 'LEAST_LOADED') &&
    Array.isArray(candidate.pool) &&
    candidate.pool.length > 0 &&
    candidate.pool.every((u) => typeof u === 'string')
  ) {
    return { strategy: candidate.strategy, pool: candidate.pool };
  }
  reader.error(
    'auto_assign_rule',
    'INVALID_RULE',
    mode === 'STATIC_USER'
      ? 'STATIC_USER needs {"userId": "..."}'
      : 'RULE needs {"strategy": "ROUND_ROBIN"|"LEAST_LOADED", "pool": [...]}',
  );
  return null;
}

/**
 * APPROVAL_MATRIX = roles, policies, stages (domain §1.3 items 4–6). Scopes and vendors are matched by code
 * in the ACTIVE SCOPE_CONFIG version. Every bad cell yields one finding; a row that refers to a row which is
 * itself invalid is not reported again, so one mistake is one finding.
 */
export function validateApprovalMatrix(sheets: Sheet[], context: ImportContext, findings: Finding[]): MasterRowSet {
  const located = locateSheets(sheets, SheetLayouts.APPROVAL_MATRIX, findings);
  const { workspaceId, configVersionId, newId } = context;
  const roles: MasterRow[] = [];
  const roleIds = new Map<string, string>();
  const rolesSeen = new Set<string>();
  for (const row of located.get('roles')?.rows ?? []) {
    const r = new RowReader('roles', row, findings);
    const rawCode = r.requiredText('role_code', 50);
    const roleCode = rawCode ? canonicalRoleCode(rawCode) : '';
    if (rawCode && roleCode !== normaliseCode(rawCode))
      r.warning('role_code', 'LEGACY_ALIAS', `role code ${rawCode} stored as ${roleCode}`);
    if (roleCode && rolesSeen.has(roleCode)) r.error('role_code', 'DUPLICATE', `role ${roleCode} appears twice`);
    if (roleCode) rolesSeen.add(roleCode);
    const record: MasterRow = {
      id: newId(),
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      role_code: roleCode,
      role_name: r.requiredText('role_name', 150),
      hierarchy_order: r.requiredInt('hierarchy_order', 1),
      stage_group: r.oneOf('stage_group', STAGE_GROUPS, { required: false, fallback: null }),
      is_final_approver: r.bool('is_final_approver', false),
      can_approve_parallel: r.bool('can_approve_parallel', false),
      role_description: r.text('role_description', 1000),
    };
    if (!r.hasErrors) {
      roles.push(record);
      roleIds.set(roleCode, record.id as string);
    }
  }

  // policy_key → ids of the policies it became (BOTH makes two); invalid keys stay known so stages do not cascade.
  const policyIdsByKey = new Map<string, Array<{ id: string }>>();
  const policies: MasterRow[] = [];
  const parentKeys: Array<{ policy: MasterRow; parentKey: string; reader: RowReader }> = [];
  const policyIdentity = new Set<string>();
  const policySource = new Map<string, { key: string; rowNumber: number }>();
  for (const row of located.get('policies')?.rows ?? []) {
    const r = new RowReader('policies', row, findings);
    const key = r.requiredText('policy_key', 100);
    if (key && policyIdsByKey.has(key)) r.error('policy_key', 'DUPLICATE', `policy_key ${key} appears twice`);
    const scopeCode = normaliseCode(r.requiredText('scope_code', 50));
    const scopeId = scopeCode ? context.scopeIdsByCode.get(scopeCode) : undefined;
    if (scopeCode && !scopeId)
      r.error('scope_code', 'UNKNOWN_SCOPE', `scope ${scopeCode} is not in the ACTIVE SCOPE_CONFIG`);
    const vendorRaw = r.text('vendor_code', 50);
    const vendorCode = vendorRaw && normaliseCode(vendorRaw) !== 'ALL' ? normaliseCode(vendorRaw) : null;
    const vendorId = vendorCode ? context.vendorIdsByCode.get(vendorCode) : null;
    if (vendorCode && !vendorId)
      r.error('vendor_code', 'UNKNOWN_VENDOR', `vendor ${vendorCode} is not in the ACTIVE SCOPE_CONFIG`);
    const rawCategory = r.requiredText('atp_category', 30);
    // Legacy spellings (HARDWARE, SW, BOTH → two policies …) map through the routing library's one implementation.
    const categories = rawCategory ? expandLegacyCategory(rawCategory) : [];
    if (rawCategory && categories.length === 0)
      r.error('atp_category', 'INVALID_VALUE', `atp_category "${rawCategory}" is not a known category`);
    else if (rawCategory && (categories.length > 1 || categories[0] !== normaliseCode(rawCategory))) {
      r.warning('atp_category', 'LEGACY_ALIAS', `atp_category ${rawCategory} stored as ${categories.join(' + ')}`);
    }
    const base = {
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      scope_id: scopeId ?? null,
      vendor_id: vendorId ?? null,
      fallback_priority: r.int('fallback_priority', { min: 0, fallback: vendorCode ? 0 : 1 }),
      policy_version: r.text('policy_version', 20) ?? 'v1.0',
      policy_name: r.text('policy_name', 200),
      effective_date: r.date('effective_date'),
      expiry_date: r.date('expiry_date'),
      parent_policy_id: null,
    };
    for (const category of categories) {
      const identity = `${scopeCode}|${vendorCode ?? '*'}|${category}`;
      if (policyIdentity.has(identity))
        r.error(
          'atp_category',
          'DUPLICATE_POLICY',
          `a policy for scope ${scopeCode}, vendor ${vendorCode ?? 'any'}, category ${category} already exists`,
        );
      policyIdentity.add(identity);
    }
    const made = categories.map((category) => ({ ...base, id: newId(), atp_category: category }));
    for (const policy of made) policySource.set(policy.id, { key, rowNumber: row.rowNumber });
    if (key && !policyIdsByKey.has(key)) policyIdsByKey.set(key, r.hasErrors ? [] : made);
    if (!r.hasErrors) {
      policies.push(...made);
      const parentKey = r.text('parent_policy_key', 100);
      if (parentKey) for (const policy of made) parentKeys.push({ policy, parentKey, reader: r });
    }
  }
  for (const { policy, parentKey, reader } of parentKeys) {
    const parent = policyIdsByKey.get(parentKey);
    if (!parent)
      reader.error(
        'parent_policy_key',
        'UNKNOWN_POLICY',
        `parent_policy_key ${parentKey} is not a policy_key of this file`,
      );
    else policy.parent_policy_id = parent[0]?.id ?? null;
  }

  const stages: MasterRow[] = [];
  const stageIdentity = new Set<string>();
  const policiesWithStages = new Set<string>();
  // Keys named by a stage row, valid or not: a policy whose stage rows failed already has its findings.
  const keysWithStageRows = new Set<string>();
  for (const row of located.get('stages')?.rows ?? []) {
    const r = new RowReader('stages', row, findings);
    const key = r.requiredText('policy_key', 100);
    keysWithStageRows.add(key);
    const owners = key ? policyIdsByKey.get(key) : undefined;
    if (key && !owners) r.error('policy_key', 'UNKNOWN_POLICY', `policy_key ${key} is not in the policies sheet`);
    const rawRole = r.requiredText('role_code', 50);
    const roleCode = rawRole ? canonicalRoleCode(rawRole) : '';
    const roleId = roleIds.get(roleCode);
    if (roleCode && !roleId && !rolesSeen.has(roleCode))
      r.error('role_code', 'UNKNOWN_ROLE', `role ${roleCode} is not in the roles sheet`);
    const stageNumber = r.requiredInt('stage_number', 1);
    const mode = r.oneOf('assignment_mode', ASSIGNMENT_MODES, { required: false, fallback: 'CLUSTER' });
    const isParallel = r.bool('is_parallel', false);
    const parallelGroup = r.text('parallel_group', 10)?.toUpperCase() ?? null;
    if (parallelGroup && !/^[A-Z]$/.test(parallelGroup))
      r.error('parallel_group', 'INVALID_VALUE', 'parallel_group must be one letter A–Z');
    const identity = `${key}|${stageNumber}|${roleCode}|${parallelGroup ?? ''}`;
    if (stageIdentity.has(identity))
      r.error('stage_number', 'DUPLICATE', `stage ${stageNumber} with role ${roleCode} appears twice in policy ${key}`);
    stageIdentity.add(identity);
    const record: MasterRow = {
      workspace_id: workspaceId,
      config_version_id: configVersionId,
      stage_number: stageNumber,
      stage_name: r.requiredText('stage_name', 100),
      stage_group: r.oneOf('stage_group', STAGE_GROUPS, { required: false, fallback: null }),
      approval_role_id: roleId ?? null,
      is_required: r.bool('is_required', true),
      is_parallel: isParallel,
      parallel_group: parallelGroup,
      sla_hours: r.int('sla_hours', { min: 1, max: MAX_SLA_HOURS, fallback: defaultSlaHours(roleCode) }),
      assignment_mode: mode,
      auto_assign_rule: parseAssignRule(r, mode),
      sequence_order: r.requiredInt('sequence_order', 1),
    };
    if (!r.hasErrors && owners) {
      for (const owner of owners) {
        stages.push({
          ...record,
          id: newId(),
          policy_id: owner.id,
          sla_days: Math.ceil((record.sla_hours as number) / 24),
        });
        policiesWithStages.add(owner.id);
      }
    }
  }
  for (const policy of policies.filter((p) => !policiesWithStages.has(p.id as string))) {
    const source = policySource.get(policy.id as string);
    if (!source || keysWithStageRows.has(source.key)) continue;
    findings.push({
      sheet: 'policies',
      row: source.rowNumber,
      column: 'policy_key',
      code: 'POLICY_WITHOUT_STAGES',
      severity: 'WARNING',
      message: `policy ${source.key} (${policy.atp_category}) has no stages and is never chosen`,
    });
  }
  return { approval_role_master: roles, approval_policy_master: policies, approval_policy_stages: stages };
}

import { ATP_CATEGORIES, CATEGORY_CHAINS, DEMO_APPROVAL_ROLES, type AtpCategory } from '@atp/approval-routing';

/**
 * The master data a journey workspace is provisioned with through the API: the same shape as the demo
 * seed (scripts/seed.mjs), the chains and roles taken from the routing library (one definition).
 * Users are global: the seed creates the staff and approver users once, each workspace adds them as members.
 */
export const REGIONS = [
  { code: 'JABO', name: 'Jabodetabek', clusters: ['JKT-C1', 'JKT-C2'] },
  { code: 'WJ', name: 'West Java', clusters: ['BDG-C1'] },
  { code: 'EJ', name: 'East Java', clusters: ['SBY-C1'] },
] as const;

export const SITES = [
  { siteCode: 'JKT-0001', siteName: 'Jakarta Kuningan Tower', region: 'JABO', city: 'Jakarta', clusterCode: 'JKT-C1' },
  { siteCode: 'JKT-0002', siteName: 'Jakarta Kemang Rooftop', region: 'JABO', city: 'Jakarta', clusterCode: 'JKT-C1' },
  { siteCode: 'BKS-0001', siteName: 'Bekasi Timur', region: 'JABO', city: 'Bekasi', clusterCode: 'JKT-C2' },
  { siteCode: 'BDG-0001', siteName: 'Bandung Dago', region: 'WJ', city: 'Bandung', clusterCode: 'BDG-C1' },
  { siteCode: 'SBY-0001', siteName: 'Surabaya Darmo', region: 'EJ', city: 'Surabaya', clusterCode: 'SBY-C1' },
  { siteCode: 'SBY-0002', siteName: 'Surabaya Rungkut', region: 'EJ', city: 'Surabaya', clusterCode: 'SBY-C1' },
] as const;

export const VENDORS = [
  ['AVIAT', 'Aviat Networks', 'PLATFORM_OWNER'],
  ['ZTE', 'ZTE Corporation', 'OEM'],
  ['HUAWEI', 'Huawei', 'OEM'],
] as const;

export const SCOPES = [
  {
    scope_code: 'MW_NEW',
    scope_name: 'MW New Link',
    scope_group: 'MICROWAVE',
    category_code: 'NEW',
    atp_type: 'HARDWARE',
    default_template_code: 'ATP_HARDWARE',
  },
  {
    scope_code: 'PLN_UPGRADE',
    scope_name: 'PLN / Power Upgrade',
    scope_group: 'PLN',
    category_code: 'UPGRADE',
    atp_type: 'HARDWARE',
    default_template_code: 'ATP_HARDWARE',
  },
  {
    scope_code: 'DISMANTLE',
    scope_name: 'Dismantle',
    scope_group: 'CME',
    category_code: 'DISMANTLE',
    atp_type: 'HARDWARE',
    default_template_code: 'ATP_HARDWARE',
  },
  {
    scope_code: 'SW_LICENSE',
    scope_name: 'Software Licence',
    scope_group: 'MICROWAVE',
    category_code: 'UPGRADE',
    atp_type: 'SOFTWARE',
    default_template_code: 'ATP_SOFTWARE',
  },
];

/** The scope a journey of each category uses (the policy of the matrix below). */
export const SCOPE_OF: Record<AtpCategory, string> = {
  RAN_MW: 'MW_NEW',
  PLN_UPGRADE: 'PLN_UPGRADE',
  DISMANTLE_DROP: 'DISMANTLE',
  DISMANTLE_KEEP: 'DISMANTLE',
  SOFTWARE_LICENSE: 'SW_LICENSE',
};

export const CATEGORIES: readonly AtpCategory[] = ATP_CATEGORIES;

export const USERS = {
  /** Holds the platform role PLATFORM_ADMIN (creates workspaces and users); a member of no seeded workspace. */
  platformAdmin: 'u-platform-admin',
  admin: 'u-admin',
  docControl: 'u-doc-control',
  qa: 'u-qa',
  auditor: 'u-auditor',
} as const;

/** Users the suite creates once (global directory) and adds where it needs them. */
export const E2E_USERS = {
  secondAdmin: { id: 'u-e2e-admin-2', role: 'WORKSPACE_ADMIN' },
  outsider: { id: 'u-e2e-approver-x', role: 'APPROVER' },
  otherWorkspaceAdmin: { id: 'u-e2e-other-admin', role: 'WORKSPACE_ADMIN' },
} as const;

export function approverId(role: string, region: string, backup: boolean): string {
  return `u-${role.toLowerCase().replace(/_/g, '-')}-${region.toLowerCase()}${backup ? '-backup' : ''}`;
}

type Cell = string | number | boolean | null | undefined;

/** The sectioned CSV the config importer reads: `[sheet]`, a header, rows. */
export function csvOf(sheets: Record<string, ReadonlyArray<Record<string, Cell>>>): string {
  const quote = (value: Cell) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines: string[] = [];
  for (const [sheet, rows] of Object.entries(sheets)) {
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    lines.push(`[${sheet}]`, columns.join(','), ...rows.map((row) => columns.map((c) => quote(row[c])).join(',')));
  }
  return `${lines.join('\n')}\n`;
}

export function scopeConfigCsv(): string {
  return csvOf({
    scopes: SCOPES,
    vendors: VENDORS.map(([vendor_code, vendor_name, vendor_type]) => ({ vendor_code, vendor_name, vendor_type })),
  });
}

/** One any-vendor policy per category; `slaHours` overrides every stage's SLA (a newer version differs by it). */
export function approvalMatrixCsv(options: { slaHours?: number } = {}): string {
  const policies = CATEGORIES.map((category, i) => ({ key: `P${i + 1}`, category, scope: SCOPE_OF[category] }));
  return csvOf({
    roles: DEMO_APPROVAL_ROLES.map(([role_code, role_name, hierarchy_order, stage_group, is_final_approver]) => ({
      role_code,
      role_name,
      hierarchy_order,
      stage_group,
      is_final_approver,
    })),
    policies: policies.map((p) => ({
      policy_key: p.key,
      scope_code: p.scope,
      vendor_code: '',
      atp_category: p.category,
      fallback_priority: 1,
      policy_name: `${p.scope} any vendor ${p.category}`,
    })),
    stages: policies.flatMap((p) =>
      CATEGORY_CHAINS[p.category].map(({ roleCode, stageName, slaHours }, s) => ({
        policy_key: p.key,
        stage_number: s + 1,
        stage_name: stageName,
        role_code: roleCode,
        sequence_order: s + 1,
        sla_hours: options.slaHours ?? slaHours,
      })),
    ),
  });
}

export function clusterMappingCsv(): string {
  return csvOf({
    clusters: REGIONS.flatMap((region) =>
      region.clusters.map((cluster, i) => ({
        cluster_code: cluster,
        scope_code: 'MW_NEW',
        region_name: region.name,
        region_code: region.code,
        m_sequence: `M${i + 1}`,
      })),
    ),
    cluster_approvers: REGIONS.flatMap((region) =>
      region.clusters.flatMap((cluster) =>
        DEMO_APPROVAL_ROLES.map(([role]) => ({
          cluster_code: cluster,
          role_code: role,
          primary_user: approverId(role, region.code, false),
          backup_user: approverId(role, region.code, true),
        })),
      ),
    ),
  });
}

export function allApprovers(): string[] {
  return REGIONS.flatMap((region) =>
    DEMO_APPROVAL_ROLES.flatMap(([role]) => [
      approverId(role, region.code, false),
      approverId(role, region.code, true),
    ]),
  );
}

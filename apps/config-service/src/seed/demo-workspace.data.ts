import { CATEGORY_CHAINS, DEMO_APPROVAL_ROLES } from '@atp/approval-routing';

/**
 * The demo workspace of `npm start` (issue 3 §7): the five category chains of domain §5.3, three regions with
 * primary and backup approvers per role, vendors, scopes, sites and a user for every RBAC role. Everything is
 * deterministic, so the generated files have the same checksum on every run (idempotent seeding).
 */
export const DEMO_WORKSPACE = {
  code: 'XLSMART-AVIAT',
  name: 'XLSmart × Aviat',
  customerGroupId: 'XLSMART',
  vendorOwnerId: 'AVIAT',
};

/** The chain roles and the §5.3 chains come from the routing library, so seed, tests and resolution agree. */
export const APPROVAL_ROLES = DEMO_APPROVAL_ROLES;

export const REGIONS = [
  { code: 'JABO', name: 'Jabodetabek', clusters: ['JKT-C1', 'JKT-C2'] },
  { code: 'WJ', name: 'West Java', clusters: ['BDG-C1'] },
  { code: 'EJ', name: 'East Java', clusters: ['SBY-C1'] },
];

export const VENDORS = [
  ['ZTE', 'ZTE Corporation', 'OEM'],
  ['HTI', 'HTI', 'SUBCONTRACTOR'],
  ['AVIAT', 'Aviat Networks', 'PLATFORM_OWNER'],
  ['ALITA', 'Alita', 'SUBCONTRACTOR'],
  ['LTE', 'LTE', 'SUBCONTRACTOR'],
  ['HUAWEI', 'Huawei', 'OEM'],
  ['NOKIA', 'Nokia', 'OEM'],
  ['ERICSSON', 'Ericsson', 'OEM'],
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
    scope_code: 'MW_UPGRADE',
    scope_name: 'MW Upgrade',
    scope_group: 'MICROWAVE',
    category_code: 'UPGRADE',
    atp_type: 'BOTH',
    default_template_code: 'ATP_COMBINED',
  },
  {
    scope_code: 'RAN_NEW',
    scope_name: 'RAN New Site',
    scope_group: 'RAN',
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
    scope_name: 'Software Licence / BW Upgrade',
    scope_group: 'MICROWAVE',
    category_code: 'UPGRADE',
    atp_type: 'SOFTWARE',
    default_template_code: 'ATP_SOFTWARE',
  },
];

/** The chains of domain §5.3. */
export const CHAINS = CATEGORY_CHAINS;

/** [scope, vendor (null = any), category] — one any-vendor policy per applicable pair plus one exact-vendor example. */
export const POLICIES: Array<[string, string | null, keyof typeof CHAINS]> = [
  ['MW_NEW', null, 'RAN_MW'],
  ['MW_NEW', 'AVIAT', 'RAN_MW'],
  ['MW_UPGRADE', null, 'RAN_MW'],
  ['RAN_NEW', null, 'RAN_MW'],
  ['PLN_UPGRADE', null, 'PLN_UPGRADE'],
  ['DISMANTLE', null, 'DISMANTLE_DROP'],
  ['DISMANTLE', null, 'DISMANTLE_KEEP'],
  ['SW_LICENSE', null, 'SOFTWARE_LICENSE'],
  ['MW_UPGRADE', null, 'SOFTWARE_LICENSE'],
];

export const SITES = [
  ['JKT-0001', 'Jakarta Kuningan Tower', 'JABO', 'Jakarta', 'JKT-C1'],
  ['JKT-0002', 'Jakarta Kemang Rooftop', 'JABO', 'Jakarta', 'JKT-C1'],
  ['BKS-0001', 'Bekasi Timur', 'JABO', 'Bekasi', 'JKT-C2'],
  ['BDG-0001', 'Bandung Dago', 'WJ', 'Bandung', 'BDG-C1'],
  ['SBY-0001', 'Surabaya Darmo', 'EJ', 'Surabaya', 'SBY-C1'],
  ['SBY-0002', 'Surabaya Rungkut', 'EJ', 'Surabaya', 'SBY-C1'],
] as const;

export const STAFF = [
  ['u-admin', 'admin@xlsmart.example', 'Workspace Admin', 'CUSTOMER', 'WORKSPACE_ADMIN'],
  ['u-doc-control', 'doc.control@aviat.example', 'Aviat Document Control', 'VENDOR', 'DOC_CONTROL'],
  ['u-qa', 'qa@xlsmart.example', 'QA Engineer', 'CUSTOMER', 'QA_ENGINEER'],
  ['u-auditor', 'auditor@xlsmart.example', 'Auditor', 'INTERNAL', 'AUDITOR'],
] as const;

/** Holds PLATFORM_ADMIN (creates workspaces and users); a member of no workspace. */
export const PLATFORM_ADMIN_USER = [
  'u-platform-admin',
  'platform.admin@atp.example',
  'Platform Administrator',
  'INTERNAL',
] as const;

/**
 * A second, smaller workspace, so tenant isolation can be tried by hand: its own admin, document control and
 * QA, two sites and a scope configuration. `u-auditor` audits both workspaces (the one user in both).
 */
export const SECOND_WORKSPACE = {
  code: 'IOH-ZTE',
  name: 'Indosat × ZTE',
  customerGroupId: 'IOH',
  vendorOwnerId: 'ZTE',
};

export const SECOND_STAFF = [
  ['u-ioh-admin', 'admin@ioh.example', 'Indosat Workspace Admin', 'CUSTOMER', 'WORKSPACE_ADMIN'],
  ['u-zte-doc-control', 'doc.control@zte.example', 'ZTE Document Control', 'VENDOR', 'DOC_CONTROL'],
  ['u-ioh-qa', 'qa@ioh.example', 'Indosat QA Engineer', 'CUSTOMER', 'QA_ENGINEER'],
  ['u-auditor', 'auditor@xlsmart.example', 'Auditor', 'INTERNAL', 'AUDITOR'],
] as const;

export const SECOND_SITES = [
  ['MDN-0001', 'Medan Polonia', 'SUMUT', 'Medan', null],
  ['MDN-0002', 'Medan Helvetia', 'SUMUT', 'Medan', null],
] as const;

export function approverId(role: string, region: string, backup: boolean): string {
  return `u-${role.toLowerCase().replace(/_/g, '-')}-${region.toLowerCase()}${backup ? '-backup' : ''}`;
}

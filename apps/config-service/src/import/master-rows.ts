/**
 * Rows ready for insertion, keyed by table and written in this order (parents before children). Column
 * names are the database's; the import validators produce them and the repository inserts them as is.
 */
export const MASTER_TABLES_IN_INSERT_ORDER = [
  'atp_scope_master',
  'vendor_master',
  'approval_role_master',
  'approval_policy_master',
  'approval_policy_stages',
  'cluster_master',
  'cluster_approver_master',
] as const;

export type MasterTable = (typeof MASTER_TABLES_IN_INSERT_ORDER)[number];

export type MasterRow = Record<string, string | number | boolean | null | object>;

export type MasterRowSet = Partial<Record<MasterTable, MasterRow[]>>;

export interface ImportContext {
  workspaceId: string;
  configVersionId: string;
  newId: () => string;
  /** Scope and vendor codes of the ACTIVE SCOPE_CONFIG version → row id. */
  scopeIdsByCode: ReadonlyMap<string, string>;
  vendorIdsByCode: ReadonlyMap<string, string>;
  /** Role codes of the ACTIVE APPROVAL_MATRIX version → row id (cluster approvers reference them). */
  roleIdsByCode: ReadonlyMap<string, string>;
  /** User ids and lower-case e-mails → user id. */
  userIdsByKey: ReadonlyMap<string, string>;
  /** Roles the ACTIVE APPROVAL_MATRIX assigns by cluster: every cluster needs an approver for each (#24). */
  clusterRolesOfActiveMatrix?: ReadonlySet<string>;
  /** Scope and vendor codes the ACTIVE APPROVAL_MATRIX and CLUSTER_MAPPING refer to → those source types (#8). */
  scopeCodesInUse?: ReadonlyMap<string, readonly string[]>;
  vendorCodesInUse?: ReadonlyMap<string, readonly string[]>;
}

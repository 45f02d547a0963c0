/**
 * Every reference between tables of different services (architecture §5.6, domain §1.5, §7.1): who holds the
 * id, who owns the row, which replica of the holder checks it at write time and in the orphan audit, which of
 * the owner's validators checks the published claim, and which compensation the holder applies when the owner
 * rejects it. Plus the audit checks themselves, including the intra-service foreign keys §7.1 names (a
 * backstop: the database enforces them, the audit proves it).
 *
 * Tests enumerate this file against the migrated databases (`assertRegistryCoversSchema` of @atp/testing):
 * an id column of a service table that is neither an intra-service foreign key, nor an entry here, nor listed
 * in `NON_REFERENCE_COLUMNS` with a reason, fails.
 */
import { IntegrityServices, type IntegrityService } from './integrity-services';
import { type CompensationName, type ValidatorName } from './reference-handlers';

export { IntegrityServices, type IntegrityService };

/**
 * Where the holder looks an id up, in its own database. `column` is compared with the holder's column;
 * `match` adds equalities `replica column = holder column` (same workspace, same config version); `jsonArray`
 * names a JSONB array of objects in `column`'s row whose `id` must equal the holder's column instead
 * (the whole config snapshot is replicated as one document).
 */
export interface ReplicaLookup {
  table: string;
  column: string;
  match?: Readonly<Record<string, string>>;
  jsonArray?: string;
  /** SQL predicate over the replica row `p` (for example `p.source_type = 'APPROVAL_MATRIX'`). */
  where?: string;
}

export interface CrossServiceReference {
  /** `<service>:<table>.<column>` */
  id: string;
  holder: { service: IntegrityService; table: string; column: string };
  owner: { service: IntegrityService; table: string };
  /** The holder's copy of the owner's rows; null when the holder keeps none (see `AUDITS_PENDING`). */
  replica: ReplicaLookup | null;
  /** The owner's check of a published claim (compensating validation consumer). */
  validator: ValidatorName;
  /** What the holder does when the owner answers `reference.rejected`. */
  compensation: CompensationName;
  /** Id of the audit check (in `AUDIT_CHECKS`), or null while listed in `AUDITS_PENDING`. */
  audit: string | null;
}

export type AuditSeverity = 'CRITICAL' | 'WARNING';

/**
 * One orphan check, run set-wise in the holder's database:
 * `SELECT count(*) FROM <table> h WHERE h.<column> IS NOT NULL AND NOT EXISTS (<parent lookup>)`.
 */
export interface AuditCheck {
  /** Stable id: the gauge label, the log's `counts` key. */
  id: string;
  service: IntegrityService;
  table: string;
  column: string;
  parent: ReplicaLookup;
  severity: AuditSeverity;
  /** Number of the check in domain §7.1, when it is one of the eight. */
  domainCheck?: number;
  /** `reference` = a cross-service reference of this registry; `foreign-key` = an intra-service FK backstop. */
  kind: 'reference' | 'foreign-key';
}

const ref = (
  service: IntegrityService,
  table: string,
  column: string,
  owner: { service: IntegrityService; table: string },
  replica: ReplicaLookup | null,
  validator: ValidatorName,
  compensation: CompensationName,
  audit: string | null = replica ? `${service}.${table}.${column}` : null,
): CrossServiceReference => ({
  id: `${service}:${table}.${column}`,
  holder: { service, table, column },
  owner,
  replica,
  validator,
  compensation,
  audit,
});

const config = (table: string) => ({ service: IntegrityServices.config, table });
const workflowOwner = (table: string) => ({ service: IntegrityServices.workflow, table });
const submissionOwner = (table: string) => ({ service: IntegrityServices.submission, table });
const punchlistOwner = (table: string) => ({ service: IntegrityServices.punchlist, table });

const WF = IntegrityServices.workflow;
const SUB = IntegrityServices.submission;
const PL = IntegrityServices.punchlist;

const workspaceReplica: ReplicaLookup = { table: 'workspace_replica', column: 'workspace_id' };
/** Workflow-service keeps whole snapshots; an id of a master row is looked up inside its version's document. */
const snapshotRow = (jsonArray: string, match: Record<string, string>): ReplicaLookup => ({
  table: 'config_snapshot_replica',
  column: 'snapshot',
  jsonArray,
  match,
});
const wfMember: ReplicaLookup = { table: 'member_replica', column: 'user_id', match: { workspace_id: 'workspace_id' } };

export const CROSS_SERVICE_REFERENCES: readonly CrossServiceReference[] = [
  // workflow-service: the frozen routing of a workflow (domain §1.3 tables 9-11)
  ref(
    WF,
    'workflow_instances',
    'workspace_id',
    config('workspaces'),
    workspaceReplica,
    'config.workspace',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_instances',
    'config_version_id',
    config('config_versions'),
    { table: 'config_snapshot_replica', column: 'config_version_id', match: { workspace_id: 'workspace_id' } },
    'config.configVersion',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_instances',
    'approval_policy_id',
    config('approval_policy_master'),
    snapshotRow('policies', { config_version_id: 'config_version_id' }),
    'config.approvalPolicy',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_instances',
    'scope_id',
    config('atp_scope_master'),
    snapshotRow('scopes', { workspace_id: 'workspace_id' }),
    'config.scope',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_instances',
    'vendor_id',
    config('vendor_master'),
    snapshotRow('vendors', { workspace_id: 'workspace_id' }),
    'config.vendor',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_instances',
    'site_id',
    config('sites'),
    { table: 'site_replica', column: 'site_id', match: { workspace_id: 'workspace_id' } },
    'config.site',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_instances',
    'submission_id',
    submissionOwner('atp_submissions'),
    null,
    'submission.submission',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_stages',
    'config_version_id',
    config('config_versions'),
    { table: 'config_snapshot_replica', column: 'config_version_id', match: { workspace_id: 'workspace_id' } },
    'config.configVersion',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_stages',
    'approval_role_id',
    config('approval_role_master'),
    snapshotRow('roles', { config_version_id: 'config_version_id' }),
    'config.approvalRole',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_stages',
    'policy_stage_id',
    config('approval_policy_stages'),
    snapshotRow('policyStages', { config_version_id: 'config_version_id' }),
    'config.policyStage',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_stages',
    'approver_user_id',
    config('workspace_members'),
    wfMember,
    'config.member',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'workflow_stages',
    'backup_user_id',
    config('workspace_members'),
    wfMember,
    'config.member',
    'workflow.holdInvalidReference',
  ),
  ref(
    WF,
    'approver_overrides',
    'workspace_id',
    config('workspaces'),
    workspaceReplica,
    'config.workspace',
    'workflow.expireOverride',
  ),
  ref(
    WF,
    'approver_overrides',
    'submission_id',
    submissionOwner('atp_submissions'),
    null,
    'submission.submission',
    'workflow.expireOverride',
  ),
  ref(
    WF,
    'approver_overrides',
    'approval_role_id',
    config('approval_role_master'),
    snapshotRow('roles', { workspace_id: 'workspace_id' }),
    'config.approvalRole',
    'workflow.expireOverride',
  ),
  ref(
    WF,
    'approver_overrides',
    'from_user_id',
    config('workspace_members'),
    wfMember,
    'config.member',
    'workflow.expireOverride',
  ),
  ref(
    WF,
    'approver_overrides',
    'to_user_id',
    config('workspace_members'),
    wfMember,
    'config.member',
    'workflow.expireOverride',
  ),

  // submission-service (domain §1.3 tables 12-13)
  ref(
    SUB,
    'atp_submissions',
    'workspace_id',
    config('workspaces'),
    workspaceReplica,
    'config.workspace',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_submissions',
    'site_id',
    config('sites'),
    { table: 'site_replica', column: 'site_id', match: { workspace_id: 'workspace_id' } },
    'config.site',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_submissions',
    'scope_id',
    config('atp_scope_master'),
    { table: 'scope_replica', column: 'scope_id', match: { workspace_id: 'workspace_id' } },
    'config.scope',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_submissions',
    'vendor_id',
    config('vendor_master'),
    { table: 'vendor_replica', column: 'vendor_id', match: { workspace_id: 'workspace_id' } },
    'config.vendor',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_submissions',
    'config_version_id',
    config('config_versions'),
    { table: 'config_version_replica', column: 'config_version_id', match: { workspace_id: 'workspace_id' } },
    'config.configVersion',
    'submission.markInvalidReference',
  ),
  // The attempts are where submission-service records each workflow workflow-service announced for it.
  ref(
    SUB,
    'atp_submissions',
    'workflow_instance_id',
    workflowOwner('workflow_instances'),
    { table: 'atp_submission_attempts', column: 'workflow_instance_id', match: { submission_id: 'id' } },
    'workflow.workflowInstance',
    'submission.markInvalidReference',
  ),
  ...(['pinned_approval_matrix', 'pinned_cluster_mapping', 'pinned_scope_config'] as const).map((column) =>
    ref(
      SUB,
      'atp_submission_attempts',
      column,
      config('config_versions'),
      { table: 'config_version_replica', column: 'config_version_id', match: { workspace_id: 'workspace_id' } },
      'config.configVersion',
      'submission.markInvalidReference',
    ),
  ),
  ref(
    SUB,
    'atp_submission_attempts',
    'workflow_instance_id',
    workflowOwner('workflow_instances'),
    null,
    'workflow.workflowInstance',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_punchlist_gates',
    'workflow_instance_id',
    workflowOwner('workflow_instances'),
    { table: 'atp_submission_attempts', column: 'workflow_instance_id', match: { submission_id: 'submission_id' } },
    'workflow.workflowInstance',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_punchlist_gates',
    'workflow_stage_id',
    workflowOwner('workflow_stages'),
    null,
    'workflow.workflowStage',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'atp_punchlist_gates',
    'punchlist_id',
    punchlistOwner('punchlists'),
    null,
    'punchlist.punchlist',
    'submission.markInvalidReference',
  ),
  ref(
    SUB,
    'bulk_jobs',
    'workspace_id',
    config('workspaces'),
    workspaceReplica,
    'config.workspace',
    'submission.failBulkJob',
  ),

  // punchlist-service (domain §1.3 tables 14-15); `workflow_facts` is its replica of workflows
  ref(
    PL,
    'punchlists',
    'workspace_id',
    config('workspaces'),
    { table: 'workflow_facts', column: 'workspace_id', match: { workflow_instance_id: 'workflow_instance_id' } },
    'config.workspace',
    'punchlist.flagInvalidReference',
  ),
  ref(
    PL,
    'punchlists',
    'submission_id',
    submissionOwner('atp_submissions'),
    { table: 'workflow_facts', column: 'submission_id', match: { workflow_instance_id: 'workflow_instance_id' } },
    'submission.submission',
    'punchlist.flagInvalidReference',
  ),
  ref(
    PL,
    'punchlists',
    'workflow_stage_id',
    workflowOwner('workflow_stages'),
    null,
    'workflow.workflowStage',
    'punchlist.flagInvalidReference',
  ),
];

/**
 * References whose holder keeps no replica of the owner's rows, so no set-wise audit can run in the holder's
 * database; the owner's validator (compensating consumer) is their only check until an owner-confirmed audit
 * exists (architecture §5.5 "for confirmation, with the owner's answer"). A test keeps this list exact.
 */
export const AUDITS_PENDING: ReadonlySet<string> = new Set([
  'workflow:workflow_instances.submission_id',
  'workflow:approver_overrides.submission_id',
  'submission:atp_submission_attempts.workflow_instance_id',
  'submission:atp_punchlist_gates.workflow_stage_id',
  'submission:atp_punchlist_gates.punchlist_id',
  'punchlist:punchlists.workflow_stage_id',
]);

const fromReference = (r: CrossServiceReference, severity: AuditSeverity, domainCheck?: number): AuditCheck => ({
  id: r.audit as string,
  service: r.holder.service,
  table: r.holder.table,
  column: r.holder.column,
  parent: r.replica as ReplicaLookup,
  severity,
  kind: 'reference',
  ...(domainCheck === undefined ? {} : { domainCheck }),
});

/** Domain §7.1 numbers and severities of the cross-service checks that are one of the eight. */
const DOMAIN_CHECKS: Readonly<Record<string, { domainCheck: number; severity: AuditSeverity }>> = {
  'workflow.workflow_instances.config_version_id': { domainCheck: 1, severity: 'CRITICAL' },
  'workflow.workflow_instances.workspace_id': { domainCheck: 2, severity: 'CRITICAL' },
  'submission.atp_submissions.workflow_instance_id': { domainCheck: 4, severity: 'CRITICAL' },
};

const fk = (
  service: IntegrityService,
  table: string,
  column: string,
  parentTable: string,
  domainCheck: number,
  parentColumn = 'id',
): AuditCheck => ({
  id: `${service}.${table}.${column}`,
  service,
  table,
  column,
  parent: { table: parentTable, column: parentColumn },
  severity: 'WARNING',
  domainCheck,
  kind: 'foreign-key',
});

export const AUDIT_CHECKS: readonly AuditCheck[] = [
  ...CROSS_SERVICE_REFERENCES.filter((r) => r.audit !== null).map((r) => {
    const known = DOMAIN_CHECKS[r.audit as string];
    return fromReference(r, known?.severity ?? 'WARNING', known?.domainCheck);
  }),
  // §7.1 checks the database itself enforces inside one service (the audit is their backstop)
  fk(WF, 'workflow_stages', 'workflow_instance_id', 'workflow_instances', 3),
  fk(IntegrityServices.config, 'atp_scope_master', 'workspace_id', 'workspaces', 5),
  fk(IntegrityServices.config, 'config_versions', 'workspace_id', 'workspaces', 6),
  fk(PL, 'punchlists', 'workflow_instance_id', 'workflow_facts', 7, 'workflow_instance_id'),
  fk(IntegrityServices.config, 'approval_policy_master', 'workspace_id', 'workspaces', 8),
];

export function auditChecksOf(service: IntegrityService): AuditCheck[] {
  return AUDIT_CHECKS.filter((c) => c.service === service);
}

export function referencesHeldBy(service: IntegrityService): CrossServiceReference[] {
  return CROSS_SERVICE_REFERENCES.filter((r) => r.holder.service === service);
}

/**
 * Id-shaped columns (`*_id`, `*_ids`, `pinned_*`) that are not references to another service's rows, with the
 * reason. Keyed `<service>:<table>.<column>`; `*:` applies to every service.
 */
export const NON_REFERENCE_COLUMNS: Readonly<Record<string, string>> = {
  'config:workspaces.customer_group_id': 'business identifier of the customer group (domain §1.2), no table',
  'config:workspaces.vendor_owner_id': 'business identifier of the vendor owner (domain §1.2), no table',
  'config:atp_scope_master.sla_policy_id': 'no SLA policy table exists (domain §1.5: no FK at all)',
  'workflow:workflow_stage_actions.actor_user_id':
    'audit actor, authenticated by the token at write time (domain §1.5: audit user columns have no FK)',
  'workflow:approver_overrides.requestor_user_id': 'audit actor, authenticated by the token (domain §1.5)',
  'workflow:workflow_start_refusals.submission_id':
    'the record of a refused claim: the refusal is itself the answer to a bad reference, nothing to compensate',
  'workflow:workflow_start_refusals.event_id': 'the refused event id (dedup), not a row of any table',
  'submission:atp_submission_documents.document_id':
    'blob-store object id (domain §1.5: no FK), checked by the blob sweeper',
  'submission:atp_submission_documents.source_batch_id':
    'tag of the bulk upload that brought the row (domain §1.3), no FK',
  'submission:atp_punchlist_gates.submission_id': 'intra-service: the gate is created with its own submission',
  'punchlist:punchlist_item_history.actor_user_id':
    'audit actor, authenticated by the token at write time (domain §1.5)',
  'punchlist:punchlists.source_event_id': 'the workflow event the punchlist came from (dedup), not a row',
};

/**
 * Tenant columns of child rows: the same workspace as the aggregate root they belong to (row-level security
 * enforces the match); the root's `workspace_id` is the audited reference.
 */
export const TENANT_CHILD_TABLES: Readonly<Record<IntegrityService, readonly string[]>> = {
  config: [],
  workflow: ['workflow_stages', 'workflow_stage_actions', 'workflow_start_refusals'],
  submission: [
    'atp_submission_documents',
    'atp_submission_attempts',
    'atp_category_overrides',
    'atp_punchlist_gates',
    'blob_upload_intents',
  ],
  punchlist: ['punchlist_items', 'punchlist_evidence', 'punchlist_item_history'],
};

/**
 * Tables a service keeps as copies of other services' rows (architecture §5.2) or for its own plumbing: their
 * ids are the owner's keys, not claims. `workflow_facts` is punchlist-service's replica of workflows; the pin
 * feeds (`workflow_pins`, `submission_pins`) are config-service's replicas of running workflows and open
 * submissions (§5.4); `reference_rejections` records the refusals owners published about this service's rows.
 */
export const NON_DOMAIN_TABLES: readonly string[] = [
  'outbox',
  'outbox_aggregate_versions',
  'outbox_relay_wake',
  'inbox',
  'schema_migrations',
  'idempotency_keys',
  'data_integrity_audit_log',
  'workflow_pins',
  'submission_pins',
  'reference_rejections',
  'workspace_replica',
  'member_replica',
  'site_replica',
  'config_version_replica',
  'config_snapshot_replica',
  'scope_replica',
  'vendor_replica',
  'workflow_facts',
];

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ReferenceRejectionReasonV1, ValidatorName } from '@atp/contracts';

/** What a claim says about one of this service's rows. */
export interface Claim {
  /** Path of the field in the claim's payload. */
  field: string;
  entity: ClaimedEntity;
  id: string;
  /** config_versions: the source type the field must name. */
  sourceType?: 'APPROVAL_MATRIX' | 'CLUSTER_MAPPING' | 'SCOPE_CONFIG';
  /** Master rows: the config version the row must belong to. */
  configVersionId?: string;
}

export type ClaimedEntity =
  | 'config_versions'
  | 'approval_policy_master'
  | 'atp_scope_master'
  | 'vendor_master'
  | 'approval_role_master'
  | 'approval_policy_stages'
  | 'sites'
  | 'workspace_members'
  | 'workspaces';

/** The registry's validator names (libs/contracts integrity/reference-handlers.ts) this checker implements. */
export const VALIDATOR_OF: Readonly<Record<ClaimedEntity, ValidatorName>> = {
  workspaces: 'config.workspace',
  config_versions: 'config.configVersion',
  approval_policy_master: 'config.approvalPolicy',
  atp_scope_master: 'config.scope',
  vendor_master: 'config.vendor',
  approval_role_master: 'config.approvalRole',
  approval_policy_stages: 'config.policyStage',
  sites: 'config.site',
  workspace_members: 'config.member',
};

export interface ClaimVerdict {
  claim: Claim;
  reasonCode: ReferenceRejectionReasonV1;
}

interface OwnedRow {
  id: string;
  workspace_id: string | null;
  usable: boolean;
  source_type: string | null;
  config_version_id: string | null;
}

/**
 * One lookup per entity for all claimed ids (indexed primary keys), so a claim with many stages costs a handful of
 * round trips. "Usable" is what a running workflow may still name: a version that was ACTIVE (SUPERSEDED keeps its
 * running workflows, architecture §2.4) and never a DRAFT or ARCHIVED one; an active site, master row or member.
 * Approvers are claimed as users and checked as ACTIVE members of the claim's workspace (routing's rule, §6 Q6).
 * The lookups run in the claim's workspace scope (row-level security): a row of another workspace is invisible and
 * reads UNKNOWN, as its id would through the API; OTHER_WORKSPACE remains for a known user who is no member here.
 */
const LOOKUPS: Record<ClaimedEntity, string> = {
  workspaces: `SELECT id::text AS id, id::text AS workspace_id, is_active AS usable, NULL::text AS source_type, NULL::text AS config_version_id
               FROM workspaces WHERE id::text = ANY($1::text[])`,
  config_versions: `SELECT id, workspace_id::text, status IN ('ACTIVE','SUPERSEDED') AS usable, source_type, NULL::text AS config_version_id
                    FROM config_versions WHERE id = ANY($1::text[])`,
  approval_policy_master: `SELECT id, workspace_id::text, is_active AS usable, NULL::text AS source_type, config_version_id
                           FROM approval_policy_master WHERE id = ANY($1::text[])`,
  atp_scope_master: `SELECT id, workspace_id::text, is_active AS usable, NULL::text AS source_type, config_version_id
                     FROM atp_scope_master WHERE id = ANY($1::text[])`,
  vendor_master: `SELECT id, workspace_id::text, is_active AS usable, NULL::text AS source_type, config_version_id
                  FROM vendor_master WHERE id = ANY($1::text[])`,
  approval_role_master: `SELECT id, coalesce(workspace_id::text, $2::text) AS workspace_id, is_active AS usable,
                           NULL::text AS source_type, config_version_id
                         FROM approval_role_master WHERE id = ANY($1::text[])`,
  approval_policy_stages: `SELECT id, workspace_id::text, is_active AS usable, NULL::text AS source_type, config_version_id
                           FROM approval_policy_stages WHERE id = ANY($1::text[])`,
  sites: `SELECT id, workspace_id::text, is_active AS usable, NULL::text AS source_type, NULL::text AS config_version_id
          FROM sites WHERE id = ANY($1::text[])`,
  // A user is "known" when the users row exists; the member row of the claim's workspace decides the rest.
  workspace_members: `SELECT u.id, CASE WHEN bool_or(m.workspace_id = $2::uuid) THEN $2::text ELSE min(m.workspace_id::text) END AS workspace_id,
                        coalesce(bool_or(m.workspace_id = $2::uuid AND m.status = 'ACTIVE'), false) AND u.is_active AS usable,
                        NULL::text AS source_type, NULL::text AS config_version_id
                      FROM users u LEFT JOIN workspace_members m ON m.user_id = u.id
                      WHERE u.id = ANY($1::text[]) GROUP BY u.id, u.is_active`,
};

@Injectable()
export class ClaimChecker {
  /** The refused claims (empty when every claim holds), in the order given. */
  async check(manager: EntityManager, workspaceId: string, claims: Claim[]): Promise<ClaimVerdict[]> {
    const byEntity = new Map<ClaimedEntity, Set<string>>();
    for (const c of claims) byEntity.set(c.entity, (byEntity.get(c.entity) ?? new Set()).add(c.id));
    const rows = new Map<string, OwnedRow>();
    for (const [entity, ids] of byEntity) {
      const sql = LOOKUPS[entity];
      const found = (await manager.query(sql, sql.includes('$2') ? [[...ids], workspaceId] : [[...ids]])) as OwnedRow[];
      for (const row of found) rows.set(`${entity}:${row.id}`, row);
    }
    const verdicts: ClaimVerdict[] = [];
    for (const claim of claims) {
      const reasonCode = judge(claim, rows.get(`${claim.entity}:${claim.id}`), workspaceId);
      if (reasonCode) verdicts.push({ claim, reasonCode });
    }
    // An unknown or deactivated workspace makes every other id foreign: one rejection says it all.
    const workspace = verdicts.find((v) => v.claim.entity === 'workspaces');
    return workspace ? [workspace] : verdicts;
  }
}

export function judge(claim: Claim, row: OwnedRow | undefined, workspaceId: string): ReferenceRejectionReasonV1 | null {
  if (!row) return 'UNKNOWN';
  if (row.workspace_id !== workspaceId) return 'OTHER_WORKSPACE';
  if (claim.sourceType && row.source_type !== claim.sourceType) return 'MISMATCH';
  if (claim.configVersionId && row.config_version_id !== claim.configVersionId) return 'MISMATCH';
  if (!row.usable) return 'INACTIVE';
  return null;
}

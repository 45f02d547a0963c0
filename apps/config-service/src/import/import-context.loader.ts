import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ImportContext } from './master-rows';

/** Reads what an import may reference: codes of the ACTIVE SCOPE_CONFIG and APPROVAL_MATRIX, and the users. */
@Injectable()
export class ImportContextLoader {
  async load(
    manager: EntityManager,
    workspaceId: string,
    configVersionId: string,
    newId: () => string,
  ): Promise<ImportContext> {
    const activeRows = async (sql: string, sourceType: string): Promise<Map<string, string>> => {
      const rows = (await manager.query(sql, [workspaceId, sourceType])) as Array<{ code: string; id: string }>;
      return new Map(rows.map((r) => [r.code, r.id]));
    };
    // The ACTIVE version of the source type passed as parameter $n (source types are parameters, never SQL text).
    const activeOf = (n: number) =>
      `(SELECT id FROM config_versions WHERE workspace_id = $1 AND source_type = $${n} AND status = 'ACTIVE')`;
    const activeVersion = activeOf(2);
    const users = (await manager.query(`SELECT id, lower(email) AS email FROM users`)) as Array<{
      id: string;
      email: string;
    }>;
    const userIdsByKey = new Map<string, string>();
    for (const user of users) {
      userIdsByKey.set(user.id, user.id);
      userIdsByKey.set(user.email, user.id);
    }
    const inUse = async (sql: string, sourceTypes: string[]): Promise<Map<string, string[]>> => {
      const rows = (await manager.query(sql, [workspaceId, ...sourceTypes])) as Array<{ code: string; source: string }>;
      const map = new Map<string, string[]>();
      for (const row of rows) map.set(row.code, [...(map.get(row.code) ?? []), row.source]);
      return map;
    };
    const clusterRoles = (await manager.query(
      `SELECT DISTINCT r.role_code AS code FROM approval_policy_stages st
         JOIN approval_policy_master p ON p.id = st.policy_id JOIN approval_role_master r ON r.id = st.approval_role_id
       WHERE st.config_version_id = ${activeOf(2)} AND st.is_active AND p.is_active AND st.assignment_mode = 'CLUSTER'`,
      [workspaceId, 'APPROVAL_MATRIX'],
    )) as Array<{ code: string }>;
    return {
      clusterRolesOfActiveMatrix: new Set(clusterRoles.map((r) => r.code)),
      scopeCodesInUse: await inUse(
        `SELECT DISTINCT s.scope_code AS code, 'APPROVAL_MATRIX' AS source FROM approval_policy_master p JOIN atp_scope_master s ON s.id = p.scope_id
           WHERE p.config_version_id = ${activeOf(2)}
         UNION SELECT DISTINCT s.scope_code, 'CLUSTER_MAPPING' FROM cluster_master c JOIN atp_scope_master s ON s.id = c.scope_id
           WHERE c.config_version_id = ${activeOf(3)} ORDER BY 2`,
        ['APPROVAL_MATRIX', 'CLUSTER_MAPPING'],
      ),
      vendorCodesInUse: await inUse(
        `SELECT DISTINCT v.vendor_code AS code, 'APPROVAL_MATRIX' AS source FROM approval_policy_master p JOIN vendor_master v ON v.id = p.vendor_id
           WHERE p.config_version_id = ${activeOf(2)}`,
        ['APPROVAL_MATRIX'],
      ),
      workspaceId,
      configVersionId,
      newId,
      scopeIdsByCode: await activeRows(
        `SELECT scope_code AS code, id FROM atp_scope_master WHERE config_version_id = ${activeVersion}`,
        'SCOPE_CONFIG',
      ),
      vendorIdsByCode: await activeRows(
        `SELECT vendor_code AS code, id FROM vendor_master WHERE config_version_id = ${activeVersion}`,
        'SCOPE_CONFIG',
      ),
      roleIdsByCode: await activeRows(
        `SELECT role_code AS code, id FROM approval_role_master WHERE config_version_id = ${activeVersion}`,
        'APPROVAL_MATRIX',
      ),
      userIdsByKey,
    };
  }
}

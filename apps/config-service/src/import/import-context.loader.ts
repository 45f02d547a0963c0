import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ImportContext } from './master-rows';

/** Reads what an import may reference: codes of the ACTIVE SCOPE_CONFIG and APPROVAL_MATRIX, and the users. */
@Injectable()
export class ImportContextLoader {
  async load(manager: EntityManager, workspaceId: string, configVersionId: string, newId: () => string): Promise<ImportContext> {
    const activeRows = async (sql: string, sourceType: string): Promise<Map<string, string>> => {
      const rows = (await manager.query(sql, [workspaceId, sourceType])) as Array<{ code: string; id: string }>;
      return new Map(rows.map((r) => [r.code, r.id]));
    };
    // The ACTIVE version of the source type passed as $2.
    const activeVersion = `(SELECT id FROM config_versions WHERE workspace_id = $1 AND source_type = $2 AND status = 'ACTIVE')`;
    const users = (await manager.query(`SELECT id, lower(email) AS email FROM users`)) as Array<{ id: string; email: string }>;
    const userIdsByKey = new Map<string, string>();
    for (const user of users) {
      userIdsByKey.set(user.id, user.id);
      userIdsByKey.set(user.email, user.id);
    }
    return {
      workspaceId,
      configVersionId,
      newId,
      scopeIdsByCode: await activeRows(`SELECT scope_code AS code, id FROM atp_scope_master WHERE config_version_id = ${activeVersion}`, 'SCOPE_CONFIG'),
      vendorIdsByCode: await activeRows(`SELECT vendor_code AS code, id FROM vendor_master WHERE config_version_id = ${activeVersion}`, 'SCOPE_CONFIG'),
      roleIdsByCode: await activeRows(`SELECT role_code AS code, id FROM approval_role_master WHERE config_version_id = ${activeVersion}`, 'APPROVAL_MATRIX'),
      userIdsByKey,
    };
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * `submission_pins`: the site and config versions each open submission pins (migration 1764100000020). Runs in
 * the inbox transaction of the consumer; every write is idempotent by state.
 */
@Injectable()
export class SubmissionPinsRepository {
  /** FOR SHARE on the site: a concurrent deactivation (which updates the row) is serialised with the pin. */
  async pinSite(manager: EntityManager, submissionId: string, workspaceId: string, siteId: string): Promise<void> {
    await manager.query(`SELECT id FROM sites WHERE id = $1 AND workspace_id = $2::uuid FOR SHARE`, [
      siteId,
      workspaceId,
    ]);
    await manager.query(
      `INSERT INTO submission_pins (submission_id, workspace_id, site_id) VALUES ($1, $2, $3)
       ON CONFLICT (submission_id) DO UPDATE SET site_id = EXCLUDED.site_id, updated_at = now()`,
      [submissionId, workspaceId, siteId],
    );
  }

  /** The versions of the latest attempt replace the previous ones; only versions of this workspace are counted. */
  async pinVersions(
    manager: EntityManager,
    submissionId: string,
    workspaceId: string,
    versionIds: string[],
  ): Promise<void> {
    const known = (await manager.query(
      `SELECT id FROM config_versions WHERE id = ANY($1::text[]) AND workspace_id = $2::uuid ORDER BY id FOR KEY SHARE`,
      [[...new Set(versionIds)], workspaceId],
    )) as Array<{ id: string }>;
    await manager.query(
      `INSERT INTO submission_pins (submission_id, workspace_id, config_version_ids) VALUES ($1, $2, $3::text[])
       ON CONFLICT (submission_id) DO UPDATE SET config_version_ids = EXCLUDED.config_version_ids, closed_at = NULL, updated_at = now()`,
      [submissionId, workspaceId, known.map((k) => k.id)],
    );
  }

  async close(manager: EntityManager, submissionId: string): Promise<void> {
    await manager.query(
      `UPDATE submission_pins SET closed_at = now(), updated_at = now() WHERE submission_id = $1 AND closed_at IS NULL`,
      [submissionId],
    );
  }

  /** Open submissions on a site (partial index idx_submission_pins_open_site). */
  async openOnSite(manager: EntityManager, siteId: string): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM submission_pins WHERE site_id = $1 AND closed_at IS NULL`,
      [siteId],
    )) as Array<{ n: number }>;
    return row.n;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SitePayloadV1 } from '@atp/contracts';
import { inTransaction } from '@atp/platform-database';
import {
  ConflictError,
  decodeCursor,
  DomainError,
  encodeCursor,
  NotFoundError,
  IdempotencyStore,
  type IdempotentRequest,
  type Page,
} from '@atp/platform-http';
import { assertWorkspaceExists, lockWorkspace } from '../common/workspace-access';
import { buildReport, type Finding, type ValidationReport } from '../import/findings';
import { ImportLimits } from '../import/import-limits';
import { readSpreadsheet, type UploadedSpreadsheet } from '../import/spreadsheet-file';
import { RoutingContextCache } from '../routing/routing-context.cache';
import { DirectoryEvents } from './directory-events';
import { validateSites, type SiteInput } from './site-import.validator';

const COLUMNS = `id AS "siteId", workspace_id AS "workspaceId", site_code AS "siteCode", site_name AS "siteName", region, city,
  cluster_code AS "clusterCode", is_active AS "isActive"`;

export class SiteImportInvalidError extends DomainError {
  constructor(report: ValidationReport) {
    super(422, 'IMPORT_INVALID', `The file has ${report.errors.length} error(s); no site was written`, { report });
  }
}

/** Sites of a workspace (architecture §6 Q5): the cluster code routes a submission to its approvers. */
@Injectable()
export class SitesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DirectoryEvents,
    private readonly routingContexts: RoutingContextCache,
    private readonly idempotency: IdempotencyStore,
  ) {}

  upsert(workspaceId: string, site: SiteInput, actorId: string | null): Promise<SitePayloadV1 | null> {
    return inTransaction(this.dataSource, async (manager) => {
      await lockWorkspace(manager, workspaceId);
      return this.upsertLocked(manager, workspaceId, site, actorId);
    }).finally(() => this.routingContexts.invalidate(workspaceId));
  }

  /** Writes only when something changed, so re-importing the same list publishes nothing (seed idempotency). */
  private async upsertLocked(
    manager: EntityManager,
    workspaceId: string,
    site: SiteInput,
    actorId: string | null,
  ): Promise<SitePayloadV1 | null> {
    if (!site.isActive) await this.refuseDeactivationWhenPinned(manager, workspaceId, site.siteCode);
    const rows = (await manager.query(
      `INSERT INTO sites (workspace_id, site_code, site_name, region, city, cluster_code, is_active) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (workspace_id, site_code) DO UPDATE SET site_name = EXCLUDED.site_name, region = EXCLUDED.region, city = EXCLUDED.city,
         cluster_code = EXCLUDED.cluster_code, is_active = EXCLUDED.is_active, updated_at = now()
       WHERE (sites.site_name, sites.region, sites.city, sites.cluster_code, sites.is_active)
         IS DISTINCT FROM (EXCLUDED.site_name, EXCLUDED.region, EXCLUDED.city, EXCLUDED.cluster_code, EXCLUDED.is_active)
       RETURNING ${COLUMNS}, (xmax = 0) AS "created"`,
      [workspaceId, site.siteCode, site.siteName, site.region, site.city, site.clusterCode, site.isActive],
    )) as Array<SitePayloadV1 & { created: boolean }>;
    if (rows.length === 0) return null;
    const { created, ...payload } = rows[0];
    await this.events.site(manager, created, payload, actorId);
    return payload;
  }

  /**
   * Cross-service RESTRICT (architecture §5.4): open submissions pin their site (`submission_pins`, fed by
   * submission events), so an active site they name is not deactivated. The row lock serialises with the pin
   * consumer, which takes FOR SHARE on the site before it records a pin.
   */
  private async refuseDeactivationWhenPinned(
    manager: EntityManager,
    workspaceId: string,
    siteCode: string,
  ): Promise<void> {
    const rows = (await manager.query(
      `SELECT s.id, (SELECT count(*)::int FROM submission_pins p WHERE p.site_id = s.id AND p.closed_at IS NULL) AS pinned
       FROM sites s WHERE s.workspace_id = $1 AND s.site_code = $2 AND s.is_active FOR UPDATE OF s`,
      [workspaceId, siteCode],
    )) as Array<{ id: string; pinned: number }>;
    const pinned = rows[0]?.pinned ?? 0;
    if (pinned > 0) {
      throw new ConflictError(
        'SITE_PINNED',
        `site ${siteCode} is named by ${pinned} open submission(s) and cannot be deactivated`,
        {
          siteId: rows[0].id,
          pinnedCount: pinned,
        },
      );
    }
  }

  async bulkImport(
    workspaceId: string,
    file: UploadedSpreadsheet,
    actorId: string | null,
    idempotency: IdempotentRequest | null = null,
  ): Promise<{ report: ValidationReport; written: number }> {
    const sheets = await readSpreadsheet(file, ImportLimits, 'sites');
    const findings: Finding[] = [];
    const sites = validateSites(sheets, findings);
    const report = buildReport(
      findings,
      sheets.reduce((n, s) => n + s.rows.length, 0),
    );
    if (report.status === 'INVALID') throw new SiteImportInvalidError(report);
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.once(manager, idempotency, async () => {
        await lockWorkspace(manager, workspaceId);
        let written = 0;
        for (const site of sites) if (await this.upsertLocked(manager, workspaceId, site, actorId)) written++;
        return { report, written };
      }),
    ).finally(() => this.routingContexts.invalidate(workspaceId));
  }

  /** By site code (unique in a workspace), keyset-paginated on it. */
  async list(workspaceId: string, f: { limit: number; cursor?: string }): Promise<Page<SitePayloadV1>> {
    await assertWorkspaceExists(this.dataSource.manager, workspaceId);
    const after = decodeCursor<{ code: string }>(f.cursor, ['code']);
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM sites WHERE workspace_id = $1 AND ($2::text IS NULL OR site_code > $2) ORDER BY site_code LIMIT $3`,
      [workspaceId, after?.code ?? null, f.limit + 1],
    )) as SitePayloadV1[];
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > f.limit && last ? encodeCursor({ code: last.siteCode }) : null };
  }

  async get(workspaceId: string, siteId: string): Promise<SitePayloadV1> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM sites WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      siteId,
    ])) as SitePayloadV1[];
    if (rows.length === 0) throw new NotFoundError('site', siteId);
    return rows[0];
  }
}

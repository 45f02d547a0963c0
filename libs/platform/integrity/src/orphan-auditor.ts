import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  auditChecksOf,
  IntegrityOrphansDetectedV1,
  type AuditCheck,
  type IntegrityService,
  type OrphanCheckFindingV1,
} from '@atp/contracts';
import { inTransaction, runAcrossWorkspaces, runInWorkspace } from '@atp/platform-database';
import type { OutboxWriter } from '@atp/platform-messaging';
import { orphanCountSql, rowKeySql } from './audit-sql';
import type { IntegrityMetrics } from './integrity-metrics';

export type AuditTrigger = 'SCHEDULE' | 'REQUEST';
export const HEALTHY = 'HEALTHY';
export const ISSUES_DETECTED = 'DATA INTEGRITY ISSUES DETECTED';
const SAMPLE_SIZE = 10;

export interface CheckResult {
  checkId: string;
  table: string;
  column: string;
  parentTable: string;
  kind: AuditCheck['kind'];
  severity: AuditCheck['severity'];
  domainCheck: number | null;
  count: number;
  sampleIds: string[];
}

/** One run as the log stores it; `workspaceId` null = every workspace. */
export interface AuditRun {
  auditId: string;
  service: IntegrityService;
  workspaceId: string | null;
  trigger: AuditTrigger;
  checkedAt: string;
  totalOrphans: number;
  healthStatus: typeof HEALTHY | typeof ISSUES_DETECTED;
  counts: Record<string, number>;
  checks: CheckResult[];
  durationMs: number;
}

interface CountRow {
  workspaceId: string | null;
  count: number;
  sampleIds: string[];
}

/** Per workspace, per check: what a workspace's own view of a run over every workspace shows. */
export type ByWorkspace = Record<string, Record<string, { count: number; sampleIds: string[] }>>;

/**
 * The orphan audit of one service (architecture §5.5, domain §7.1): every check of the registry held by this
 * service, each one anti-join over the whole table in one REPEATABLE READ snapshot, then one log row and one
 * `integrity.orphans.detected` per workspace with findings, in the same transaction (outbox).
 */
export class OrphanAuditor {
  private readonly checks: AuditCheck[];
  private readonly rowKeys = new Map<string, string>();

  constructor(
    private readonly service: IntegrityService,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly metrics: IntegrityMetrics,
    checks: AuditCheck[] = auditChecksOf(service),
  ) {
    this.checks = checks;
  }

  /** `workspaceId` audits one workspace; without it every workspace (and the gauges are set). */
  async run(options: { workspaceId?: string; trigger: AuditTrigger; requestedBy?: string | null }): Promise<AuditRun> {
    return (await this.runUnlessBusy(options, false)) as AuditRun;
  }

  /** The schedule's run over every workspace; null when another instance of the service is running one. */
  runScheduled(): Promise<AuditRun | null> {
    return this.runUnlessBusy({ trigger: 'SCHEDULE' }, true);
  }

  private async runUnlessBusy(
    options: { workspaceId?: string; trigger: AuditTrigger; requestedBy?: string | null },
    skipWhenBusy: boolean,
  ): Promise<AuditRun | null> {
    const work = () =>
      inTransaction(
        this.dataSource,
        async (manager) => {
          if (skipWhenBusy) {
            const [{ locked }] = (await manager.query(
              `SELECT pg_try_advisory_xact_lock(hashtext('atp.integrity-audit')) AS locked`,
            )) as Array<{ locked: boolean }>;
            if (!locked) return null;
          }
          return this.runIn(manager, options);
        },
        'REPEATABLE READ',
      );
    const run = await (options.workspaceId
      ? runInWorkspace(options.workspaceId, work)
      : runAcrossWorkspaces(`${this.service} orphan audit`, work));
    if (run && !options.workspaceId)
      for (const check of run.checks) this.metrics.orphans.set({ check: check.checkId }, check.count);
    return run;
  }

  /** The last run that covered `workspaceId`, as that workspace sees it (a run over every workspace narrowed to it). */
  async latest(workspaceId: string): Promise<AuditRun | null> {
    const rows = (await runInWorkspace(workspaceId, () =>
      this.dataSource.query(
        `SELECT id::text AS id, workspace_id AS "workspaceId", trigger, checked_at AS "checkedAt", details, duration_ms AS "durationMs"
         FROM data_integrity_audit_log
        WHERE service = $1 AND (workspace_id = $2 OR workspace_id IS NULL)
        ORDER BY checked_at DESC, id DESC LIMIT 1`,
        [this.service, workspaceId],
      ),
    )) as Array<{
      id: string;
      workspaceId: string | null;
      trigger: AuditTrigger;
      checkedAt: Date;
      details: { checks: CheckResult[]; byWorkspace: ByWorkspace };
      durationMs: number;
    }>;
    if (rows.length === 0) return null;
    const [row] = rows;
    const own = row.details.byWorkspace[workspaceId] ?? {};
    const checks = row.details.checks.map((c) => ({
      ...c,
      count: own[c.checkId]?.count ?? 0,
      sampleIds: own[c.checkId]?.sampleIds ?? [],
    }));
    const totalOrphans = checks.reduce((sum, c) => sum + c.count, 0);
    return {
      auditId: row.id,
      service: this.service,
      workspaceId: row.workspaceId,
      trigger: row.trigger,
      checkedAt: row.checkedAt.toISOString(),
      totalOrphans,
      healthStatus: totalOrphans === 0 ? HEALTHY : ISSUES_DETECTED,
      counts: Object.fromEntries(checks.map((c) => [c.checkId, c.count])),
      checks,
      durationMs: row.durationMs,
    };
  }

  private async runIn(
    manager: EntityManager,
    options: { workspaceId?: string; trigger: AuditTrigger; requestedBy?: string | null },
  ) {
    const started = Date.now();
    const workspaceId = options.workspaceId ?? null;
    const byWorkspace: ByWorkspace = {};
    const checks: CheckResult[] = [];
    for (const check of this.checks) {
      const rows = (await manager.query(orphanCountSql(check, await this.rowKey(manager, check.table), SAMPLE_SIZE), [
        workspaceId,
      ])) as CountRow[];
      let count = 0;
      const sampleIds: string[] = [];
      for (const row of rows) {
        count += row.count;
        if (sampleIds.length < SAMPLE_SIZE) sampleIds.push(...row.sampleIds.slice(0, SAMPLE_SIZE - sampleIds.length));
        const ws = row.workspaceId ?? 'none';
        (byWorkspace[ws] ??= {})[check.id] = { count: row.count, sampleIds: row.sampleIds };
      }
      checks.push({
        checkId: check.id,
        table: check.table,
        column: check.column,
        parentTable: check.parent.table,
        kind: check.kind,
        severity: check.severity,
        domainCheck: check.domainCheck ?? null,
        count,
        sampleIds,
      });
    }
    const counts = Object.fromEntries(checks.map((c) => [c.checkId, c.count]));
    const totalOrphans = checks.reduce((sum, c) => sum + c.count, 0);
    const healthStatus = totalOrphans === 0 ? HEALTHY : ISSUES_DETECTED;
    const durationMs = Date.now() - started;
    const [logged] = (await manager.query(
      `INSERT INTO data_integrity_audit_log
         (service, workspace_id, trigger, requested_by, counts, total_orphans, health_status, details, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::text AS id, checked_at AS "checkedAt"`,
      [
        this.service,
        workspaceId,
        options.trigger,
        options.requestedBy ?? null,
        JSON.stringify(counts),
        totalOrphans,
        healthStatus,
        JSON.stringify({ checks, byWorkspace }),
        durationMs,
      ],
    )) as Array<{ id: string; checkedAt: Date }>;
    const run: AuditRun = {
      auditId: logged.id,
      service: this.service,
      workspaceId,
      trigger: options.trigger,
      checkedAt: logged.checkedAt.toISOString(),
      totalOrphans,
      healthStatus,
      counts,
      checks,
      durationMs,
    };
    await this.publishFindings(manager, run, byWorkspace);
    return run;
  }

  private async publishFindings(manager: EntityManager, run: AuditRun, byWorkspace: ByWorkspace): Promise<void> {
    const correlationId = randomUUID();
    for (const [ws, found] of Object.entries(byWorkspace)) {
      const findings: OrphanCheckFindingV1[] = run.checks
        .filter((c) => found[c.checkId]?.count)
        .map((c) => ({
          checkId: c.checkId,
          table: c.table,
          column: c.column,
          severity: c.severity,
          domainCheck: c.domainCheck,
          count: found[c.checkId].count,
          sampleIds: found[c.checkId].sampleIds,
        }));
      if (findings.length === 0) continue;
      const counts = Object.fromEntries(run.checks.map((c) => [c.checkId, found[c.checkId]?.count ?? 0]));
      await this.outbox.append(manager, {
        definition: IntegrityOrphansDetectedV1,
        workspaceId: ws === 'none' ? null : ws,
        aggregateId: `${this.service}.${ws}`,
        payload: {
          auditId: run.auditId,
          service: this.service,
          checkedAt: run.checkedAt,
          totalOrphans: findings.reduce((sum, f) => sum + f.count, 0),
          counts,
          findings,
        },
        correlationId,
        occurredAt: new Date(run.checkedAt),
      });
    }
  }

  /** The holder's primary key from the catalog, so samples name rows whatever the table's key looks like. */
  private async rowKey(manager: EntityManager, table: string): Promise<string> {
    const known = this.rowKeys.get(table);
    if (known) return known;
    const columns = (await manager.query(
      `SELECT a.attname AS name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
       WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [table],
    )) as Array<{ name: string }>;
    const key = rowKeySql(columns.map((c) => c.name));
    this.rowKeys.set(table, key);
    return key;
  }
}

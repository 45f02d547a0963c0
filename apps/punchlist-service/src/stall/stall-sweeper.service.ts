import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { PunchlistReminderV1, PunchlistStalledV1 } from '@atp/contracts';
import { inTransaction, runAcrossWorkspaces, runInWorkspace } from '@atp/platform-database';
import { PeriodicTask, ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { Clock } from '../clock/clock';
import type { AppEnv } from '../config/env';
import { PunchlistEventsPublisher } from '../punchlists/punchlist-events.publisher';
import { DAY_MS, idleDays, stallStep } from './stall-rules';

export interface StallSweepResult {
  reminded: string[];
  stalled: string[];
}

interface IdleRow {
  id: string;
  workspaceId: string;
  workflowInstanceId: string;
  submissionId: string;
  issuedBy: string;
  lastProgressAt: Date;
  remindedAt: Date | null;
  stalledAt: Date | null;
  openItems: number;
}

/**
 * Reminds about and flags OPEN punchlists nobody moved for a while. Rows are claimed with SKIP
 * LOCKED so replicas of the service can sweep together, and the stamps make each step happen once
 * per idle period (an item move clears them).
 */
@Injectable()
export class StallSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: PunchlistEventsPublisher,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.schedule = new PeriodicTask('stall sweep', () => this.sweepOnce(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.env.PUNCHLIST_STALL_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** One pass; `workspaceId` limits it (tests share a database across files). */
  async sweepOnce(options: { workspaceId?: string; batchSize?: number } = {}): Promise<StallSweepResult> {
    const result: StallSweepResult = { reminded: [], stalled: [] };
    const batchSize = options.batchSize ?? 200;
    for (;;) {
      const sweep = () =>
        inTransaction(this.dataSource, (manager) => this.sweepBatch(manager, options.workspaceId ?? null, batchSize));
      // The sweep looks at every workspace's punchlists (one named bypass of row-level security), or at one.
      const batch = await (options.workspaceId
        ? runInWorkspace(options.workspaceId, sweep)
        : runAcrossWorkspaces('punchlist stall sweep', sweep));
      result.reminded.push(...batch.result.reminded);
      result.stalled.push(...batch.result.stalled);
      if (batch.claimed < batchSize) return result;
    }
  }

  private async sweepBatch(manager: EntityManager, workspaceId: string | null, batchSize: number) {
    const now = this.clock.now();
    const reminderDays = this.env.PUNCHLIST_REMINDER_AFTER_DAYS;
    const stalledDays = this.env.PUNCHLIST_STALLED_AFTER_DAYS;
    const remindBefore = new Date(now.getTime() - reminderDays * DAY_MS);
    const stallBefore = new Date(now.getTime() - stalledDays * DAY_MS);
    const due = (await manager.query(
      `SELECT p.id, p.workspace_id AS "workspaceId", p.workflow_instance_id AS "workflowInstanceId", p.submission_id AS "submissionId",
         p.issued_by AS "issuedBy", p.last_progress_at AS "lastProgressAt", p.reminded_at AS "remindedAt", p.stalled_at AS "stalledAt",
         (SELECT count(*)::int FROM punchlist_items i WHERE i.punchlist_id = p.id AND i.status <> 'CLOSED') AS "openItems"
       FROM punchlists p
       WHERE p.status = 'OPEN' AND p.stalled_at IS NULL AND ($1::uuid IS NULL OR p.workspace_id = $1)
         AND ((p.reminded_at IS NULL AND p.last_progress_at <= $2) OR p.last_progress_at <= $3)
       ORDER BY p.last_progress_at LIMIT $4 FOR UPDATE OF p SKIP LOCKED`,
      [workspaceId, remindBefore, stallBefore, batchSize],
    )) as IdleRow[];
    const result: StallSweepResult = { reminded: [], stalled: [] };
    for (const row of due) {
      const step = stallStep(row, now, reminderDays, stalledDays);
      if (!step) continue;
      const payload = {
        punchlistId: row.id,
        workflowInstanceId: row.workflowInstanceId,
        submissionId: row.submissionId,
        issuedBy: row.issuedBy,
        lastProgressAt: row.lastProgressAt.toISOString(),
        idleDays: idleDays(row.lastProgressAt, now),
        openItems: row.openItems,
        detectedAt: now.toISOString(),
      };
      const context = { workspaceId: row.workspaceId, actorId: null, occurredAt: now };
      if (step === 'STALL') {
        await manager.query(
          `UPDATE punchlists SET stalled_at = $2, reminded_at = COALESCE(reminded_at, $2), updated_at = now() WHERE id = $1`,
          [row.id, now],
        );
        await this.events.publish(manager, PunchlistStalledV1, row.id, payload, context);
        result.stalled.push(row.id);
      } else {
        await manager.query(`UPDATE punchlists SET reminded_at = $2, updated_at = now() WHERE id = $1`, [row.id, now]);
        await this.events.publish(manager, PunchlistReminderV1, row.id, payload, context);
        result.reminded.push(row.id);
      }
    }
    return { result, claimed: due.length };
  }
}

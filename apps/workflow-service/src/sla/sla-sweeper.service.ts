import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { StageEscalatedV1, StageSlaBreachedV1 } from '@atp/contracts';
import { inTransaction } from '@atp/platform-database';
import { METRICS_REGISTRY, ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { Clock } from '../clock/clock';
import { WorkflowRepository } from '../workflow/workflow.repository';
import { WorkflowEventsPublisher } from '../workflow/workflow-events.publisher';
import { INSTANCE_COLUMNS, STAGE_COLUMNS, stageRef, type InstanceRow, type StageRow } from '../workflow/workflow-rows';
import type { AppEnv } from '../config/env';

export const SLA_BREACHES_TOTAL = 'atp_workflow_sla_breaches_total';

export interface SweepResult {
  breached: string[];
  escalated: string[];
}

/**
 * Marks SLA breaches once (architecture §6 Q10) and escalates to the frozen backup approver. Rows are
 * claimed with SKIP LOCKED so several replicas of the service can sweep at once without double work,
 * and the `sla_breached_at IS NULL` condition makes a breach a one-time fact.
 */
@Injectable()
export class SlaSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly breaches: Counter;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly workflows: WorkflowRepository,
    private readonly events: WorkflowEventsPublisher,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.breaches = (registry.getSingleMetric(SLA_BREACHES_TOTAL) as Counter | undefined) ?? new Counter({
      name: SLA_BREACHES_TOTAL,
      help: 'Stage SLA breaches recorded by the sweeper (each stage at most once), counted after commit',
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    const interval = this.env.SLA_SWEEP_INTERVAL_MS;
    if (interval === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, 'SLA sweep failed; the next tick retries'))
        .finally(() => (this.running = null));
    }, interval);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass; `workspaceId` limits it (tests share a database across files). */
  async sweepOnce(options: { workspaceId?: string; batchSize?: number } = {}): Promise<SweepResult> {
    const result: SweepResult = { breached: [], escalated: [] };
    for (;;) {
      const batch = await inTransaction(this.dataSource, (manager) => this.sweepBatch(manager, options.workspaceId ?? null, options.batchSize ?? 200));
      this.breaches.inc(batch.breached.length);
      result.breached.push(...batch.breached);
      result.escalated.push(...batch.escalated);
      if (batch.breached.length < (options.batchSize ?? 200)) return result;
    }
  }

  private async sweepBatch(manager: import('typeorm').EntityManager, workspaceId: string | null, batchSize: number): Promise<SweepResult> {
    const now = this.clock.now();
    const due = (await manager.query(
      `SELECT ${STAGE_COLUMNS} FROM workflow_stages
       WHERE status = 'PENDING' AND sla_breached_at IS NULL AND sla_due_at < $1 AND ($2::uuid IS NULL OR workspace_id = $2)
       ORDER BY sla_due_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [now, workspaceId, batchSize],
    )) as StageRow[];
    const result: SweepResult = { breached: [], escalated: [] };
    for (const stage of due) {
      const [instance] = (await manager.query(`SELECT ${INSTANCE_COLUMNS} FROM workflow_instances WHERE id = $1`, [stage.workflowInstanceId])) as InstanceRow[];
      // A held workflow's clock does not run (Q3: the SLA runs only while actionable).
      if (instance.status !== 'IN_PROGRESS') continue;
      await manager.query(`UPDATE workflow_stages SET sla_breached_at = $2, updated_at = now() WHERE id = $1`, [stage.id, now]);
      const context = { workspaceId: stage.workspaceId, actorId: null, occurredAt: now };
      await this.workflows.appendActions(manager, [{
        workspaceId: stage.workspaceId, workflowInstanceId: instance.id, workflowStageId: stage.id, actionType: 'SLA_BREACHED', actorUserId: null,
        actionAt: now, payload: { slaDueAt: stage.slaDueAt?.toISOString(), approverUserId: stage.approverUserId },
      }]);
      await this.events.publish(manager, StageSlaBreachedV1, instance.id, {
        ...stageRef(instance, stage), slaDueAt: (stage.slaDueAt ?? now).toISOString(), breachedAt: now.toISOString(),
      }, context);
      result.breached.push(stage.id);
      if (stage.backupUserId && stage.backupUserId !== stage.approverUserId) {
        await this.workflows.setStageApprover(manager, stage.id, stage.backupUserId, now);
        await this.workflows.appendActions(manager, [{
          workspaceId: stage.workspaceId, workflowInstanceId: instance.id, workflowStageId: stage.id, actionType: 'ESCALATED', actorUserId: null,
          actionAt: now, payload: { fromUserId: stage.approverUserId, toUserId: stage.backupUserId, reason: 'SLA_BREACHED' },
        }]);
        await this.events.publish(manager, StageEscalatedV1, instance.id, {
          ...stageRef(instance, { ...stage, approverUserId: stage.backupUserId }), fromUserId: stage.approverUserId, toUserId: stage.backupUserId,
          reason: 'SLA_BREACHED', overrideId: null, changedAt: now.toISOString(),
        }, context);
        result.escalated.push(stage.id);
      }
    }
    return result;
  }
}

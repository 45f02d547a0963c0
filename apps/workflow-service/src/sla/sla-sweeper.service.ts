import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { StageEscalatedV1, StageSlaBreachedV1 } from '@atp/contracts';
import { inTransaction, runAcrossWorkspaces, runInWorkspace } from '@atp/platform-database';
import { METRICS_REGISTRY, PeriodicTask, ROOT_LOGGER, SERVICE_ENV } from '@atp/platform-runtime';
import { Clock } from '../clock/clock';
import { WorkflowRepository, type ActionDraft } from '../workflow/workflow.repository';
import { WorkflowEventsPublisher } from '../workflow/workflow-events.publisher';
import { INSTANCE_COLUMNS, STAGE_COLUMNS, stageRef, type InstanceRow, type StageRow } from '../workflow/workflow-rows';
import type { AppEnv } from '../config/env';

export const SLA_BREACHES_TOTAL = 'atp_workflow_sla_breaches_total';

export interface SweepResult {
  breached: string[];
  escalated: string[];
}

/** Workflows per sweep transaction: the stage locks of a batch are held only for a few dozen rows. */
const DEFAULT_BATCH_SIZE = 25;

/**
 * Marks SLA breaches once (architecture §6 Q10) and escalates to the frozen backup approver.
 *
 * Lock order (the same for every writer of a workflow: decisions, admin actions, override approval,
 * this sweeper): workflow instance → its stages → the outbox aggregate version. A batch first locks a
 * few overdue IN_PROGRESS workflows with SKIP LOCKED (a workflow being decided right now is left for
 * the next tick, never waited for), then re-reads their due stages under that lock, so a decision,
 * a reassignment or a hold that committed first is seen and nothing is escalated away from under it.
 * Only IN_PROGRESS workflows are selected: a held workflow's clock does not run (Q3), and its overdue
 * stages must not fill the batch and hide real breaches. `sla_breached_at IS NULL` makes a breach a
 * one-time fact.
 */
@Injectable()
export class SlaSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: PeriodicTask;
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
    this.breaches =
      (registry.getSingleMetric(SLA_BREACHES_TOTAL) as Counter | undefined) ??
      new Counter({
        name: SLA_BREACHES_TOTAL,
        help: 'Stage SLA breaches recorded by the sweeper (each stage at most once), counted after commit',
        registers: [registry],
      });
    this.schedule = new PeriodicTask('SLA sweep', () => this.sweepOnce(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.env.SLA_SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /**
   * One pass over every overdue workflow that is not locked right now; `workspaceId` limits it (tests
   * share a database across files). Workflows skipped because another transaction held them are
   * picked up by the next pass.
   */
  async sweepOnce(options: { workspaceId?: string; batchSize?: number } = {}): Promise<SweepResult> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    const { workspaceId } = options;
    const pass = async (): Promise<SweepResult> => {
      const result: SweepResult = { breached: [], escalated: [] };
      for (;;) {
        const batch = await inTransaction(this.dataSource, (manager) =>
          this.sweepBatch(manager, workspaceId ?? null, batchSize),
        );
        this.breaches.inc(batch.breached.length);
        result.breached.push(...batch.breached);
        result.escalated.push(...batch.escalated);
        if (batch.workflows < batchSize) return result;
      }
    };
    // Row-level security: the sweep is the one job of this service that sees every workspace (named, and logged).
    return workspaceId ? runInWorkspace(workspaceId, pass) : runAcrossWorkspaces('workflow-service SLA sweep', pass);
  }

  private async sweepBatch(
    manager: EntityManager,
    workspaceId: string | null,
    batchSize: number,
  ): Promise<SweepResult & { workflows: number }> {
    const now = this.clock.now();
    const instances = await this.lockOverdueWorkflows(manager, now, workspaceId, batchSize);
    if (instances.length === 0) return { breached: [], escalated: [], workflows: 0 };
    const due = (await manager.query(
      `SELECT ${STAGE_COLUMNS} FROM workflow_stages
       WHERE workflow_instance_id = ANY($1::text[]) AND status = 'PENDING' AND sla_breached_at IS NULL AND sla_due_at < $2
       ORDER BY workflow_instance_id, stage_number, parallel_group NULLS FIRST, id
       FOR UPDATE`,
      [instances.map((i) => i.id), now],
    )) as StageRow[];
    const escalations = due.filter((s) => s.backupUserId !== null && s.backupUserId !== s.approverUserId);
    const escalated = new Set(escalations.map((s) => s.id));
    await manager.query(
      `UPDATE workflow_stages SET sla_breached_at = $2, updated_at = now() WHERE id = ANY($1::text[])`,
      [due.map((s) => s.id), now],
    );
    await manager.query(
      `UPDATE workflow_stages SET approver_user_id = backup_user_id, escalated_at = $2, updated_at = now() WHERE id = ANY($1::text[])`,
      [escalations.map((s) => s.id), now],
    );

    const byId = new Map(instances.map((i) => [i.id, i]));
    const actions: ActionDraft[] = [];
    for (const stage of due) {
      const base = {
        workspaceId: stage.workspaceId,
        workflowInstanceId: stage.workflowInstanceId,
        workflowStageId: stage.id,
        actorUserId: null,
        actionAt: now,
      };
      actions.push({
        ...base,
        actionType: 'SLA_BREACHED',
        payload: { slaDueAt: stage.slaDueAt?.toISOString(), approverUserId: stage.approverUserId },
      });
      if (escalated.has(stage.id)) {
        actions.push({
          ...base,
          actionType: 'ESCALATED',
          payload: { fromUserId: stage.approverUserId, toUserId: stage.backupUserId, reason: 'SLA_BREACHED' },
        });
      }
    }
    await this.workflows.appendActions(manager, actions);

    for (const stage of due) {
      const instance = byId.get(stage.workflowInstanceId) as InstanceRow;
      const context = { workspaceId: stage.workspaceId, actorId: null, occurredAt: now };
      await this.events.publish(
        manager,
        StageSlaBreachedV1,
        instance.id,
        {
          ...stageRef(instance, stage),
          slaDueAt: (stage.slaDueAt ?? now).toISOString(),
          breachedAt: now.toISOString(),
        },
        context,
      );
      if (!escalated.has(stage.id)) continue;
      await this.events.publish(
        manager,
        StageEscalatedV1,
        instance.id,
        {
          ...stageRef(instance, { ...stage, approverUserId: stage.backupUserId }),
          fromUserId: stage.approverUserId,
          toUserId: stage.backupUserId as string,
          reason: 'SLA_BREACHED',
          overrideId: null,
          changedAt: now.toISOString(),
        },
        context,
      );
    }
    return { breached: due.map((s) => s.id), escalated: escalations.map((s) => s.id), workflows: instances.length };
  }

  /**
   * The oldest-overdue IN_PROGRESS workflows, locked. Instances are the first lock every writer of a
   * workflow takes; SKIP LOCKED leaves one that is being decided, held or swept elsewhere for later.
   */
  private async lockOverdueWorkflows(
    manager: EntityManager,
    now: Date,
    workspaceId: string | null,
    limit: number,
  ): Promise<InstanceRow[]> {
    return (await manager.query(
      `SELECT ${INSTANCE_COLUMNS} FROM workflow_instances
       JOIN (SELECT workflow_instance_id, min(sla_due_at) AS first_due FROM workflow_stages
             WHERE status = 'PENDING' AND sla_breached_at IS NULL AND sla_due_at < $1 AND ($2::uuid IS NULL OR workspace_id = $2)
             GROUP BY workflow_instance_id) overdue ON overdue.workflow_instance_id = workflow_instances.id
       WHERE status = 'IN_PROGRESS'
       ORDER BY overdue.first_due, id LIMIT $3
       FOR UPDATE OF workflow_instances SKIP LOCKED`,
      [now, workspaceId, limit],
    )) as InstanceRow[];
  }
}

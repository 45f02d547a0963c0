import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  WorkflowCancelledV1,
  WorkflowOnHoldV1,
  WorkflowResumedV1,
  type EventDefinition,
  type WorkflowAdminActionPayloadV1,
} from '@atp/contracts';
import { inTransaction } from '@atp/platform-database';
import { ConflictError, DomainError, UnknownReferenceError } from '@atp/platform-http';
import { Clock } from '../clock/clock';
import { IdempotencyStore, type StoredResponse } from '@atp/platform-http';
import { MemberDirectory } from '../replica/member-directory';
import { assertStageTransition, assertWorkflowTransition, OPEN_STAGE_STATUSES } from '../workflow/state-machine';
import { WorkflowEventsPublisher, type PublishContext } from '../workflow/workflow-events.publisher';
import { WorkflowProgress } from '../workflow/workflow-progress.service';
import { WorkflowRepository } from '../workflow/workflow.repository';
import type { InstanceRow } from '../workflow/workflow-rows';
import type { AdminReasonDto, ReassignStageDto } from './dto/admin-action.dto';

interface AdminCommand {
  workspaceId: string;
  workflowInstanceId: string;
  actorId: string;
  idempotencyKey: string | null;
}

/**
 * Workspace-admin actions on a running workflow (domain §3.3 "reassign reviewers", §4.1 hold/resume,
 * architecture §6 Q3). Each is one transaction under the workflow row lock: the transition tables
 * decide what is legal (an illegal move is a 409), every change writes action rows and an outbox event.
 */
@Injectable()
export class AdminActionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly members: MemberDirectory,
    private readonly workflows: WorkflowRepository,
    private readonly progress: WorkflowProgress,
    private readonly events: WorkflowEventsPublisher,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** Reassign (or delegate) an open stage — WAITING or PENDING — of a running or held workflow. */
  async reassign(command: AdminCommand & { stageId: string }, body: ReassignStageDto): Promise<StoredResponse> {
    return this.run(command, `reassign:${command.stageId}`, body, async (manager, instance, context) => {
      if (instance.status !== 'IN_PROGRESS' && instance.status !== 'ON_HOLD') {
        throw new ConflictError('WORKFLOW_CLOSED', `workflow ${instance.id} is ${instance.status}`, {
          workflowStatus: instance.status,
        });
      }
      const stage = await this.workflows.stageOf(manager, instance.id, command.stageId);
      if (!OPEN_STAGE_STATUSES.includes(stage.status)) {
        throw new ConflictError(
          'STAGE_CLOSED',
          `stage ${stage.id} is ${stage.status}: only an open stage can be reassigned`,
          { stageStatus: stage.status },
        );
      }
      if (body.toUserId === instance.submittedBy) {
        throw new DomainError(422, 'SUBMITTER_CANNOT_DECIDE', 'The submitter never approves their own submission', {}, [
          { field: 'toUserId', message: 'is the submitter', value: body.toUserId },
        ]);
      }
      if (body.toUserId === stage.approverUserId) {
        throw new ConflictError('ALREADY_ASSIGNED', `stage ${stage.id} is already assigned to ${body.toUserId}`);
      }
      if (!(await this.members.activeMemberIds(manager, command.workspaceId)).has(body.toUserId)) {
        throw new UnknownReferenceError('toUserId', body.toUserId, 'active workspace member');
      }
      const updated = await this.progress.reassign(
        manager,
        instance,
        stage,
        { toUserId: body.toUserId, reason: body.reason.trim(), overrideId: null, mode: body.mode ?? 'REASSIGN' },
        context,
      );
      return {
        workflowInstanceId: instance.id,
        workflowStatus: instance.status,
        stage: {
          id: updated.id,
          status: updated.status,
          approverUserId: updated.approverUserId,
          previousApproverUserId: stage.approverUserId,
        },
      };
    });
  }

  /** IN_PROGRESS → ON_HOLD: nothing is actionable and the SLA clock stops (the sweeper skips held workflows). */
  async hold(command: AdminCommand, body: AdminReasonDto): Promise<StoredResponse> {
    return this.run(command, 'hold', body, async (manager, instance, context) => {
      assertWorkflowTransition(instance.status, 'ON_HOLD');
      await this.workflows.setInstanceStatus(manager, instance.id, 'ON_HOLD', {
        holdReason: body.reason.trim(),
        heldAt: context.occurredAt,
      });
      await this.auditOnPending(
        manager,
        instance,
        'HELD',
        context,
        { oldStatus: 'IN_PROGRESS', newStatus: 'ON_HOLD' },
        body.reason,
      );
      await this.publish(manager, WorkflowOnHoldV1, instance, body.reason, context);
      return { workflowInstanceId: instance.id, workflowStatus: 'ON_HOLD', heldAt: context.occurredAt.toISOString() };
    });
  }

  /**
   * ON_HOLD → IN_PROGRESS. The SLA clock does not run while a workflow is on hold (architecture §6 Q3:
   * it runs only while a stage is actionable), so every PENDING stage's `sla_due_at` moves later by the
   * held duration (now − held_at); a breach already stamped before the hold stays stamped.
   */
  async resume(command: AdminCommand, body: AdminReasonDto): Promise<StoredResponse> {
    return this.run(command, 'resume', body, async (manager, instance, context) => {
      assertWorkflowTransition(instance.status, 'IN_PROGRESS');
      const heldMs = instance.heldAt
        ? Math.max(0, context.occurredAt.getTime() - new Date(instance.heldAt).getTime())
        : 0;
      const shifted = await this.workflows.shiftPendingSla(manager, instance.id, heldMs);
      await this.workflows.setInstanceStatus(manager, instance.id, 'IN_PROGRESS', { holdReason: null, heldAt: null });
      const byStage = new Map(shifted.map((s) => [s.stage.id, s]));
      await this.auditOnPending(
        manager,
        instance,
        'RESUMED',
        context,
        { oldStatus: 'ON_HOLD', newStatus: 'IN_PROGRESS', heldMs },
        body.reason,
        (stageId) => {
          const s = byStage.get(stageId);
          return s
            ? { oldSlaDueAt: s.oldDueAt.toISOString(), newSlaDueAt: s.stage.slaDueAt?.toISOString() ?? null }
            : {};
        },
      );
      // Consumers hold the due times of stage.activated: the resumed event carries the new ones (#19).
      await this.publish(manager, WorkflowResumedV1, instance, body.reason, context, {
        pendingStages: shifted.map((s) => ({
          stageId: s.stage.id,
          slaDueAt: s.stage.slaDueAt?.toISOString() ?? s.oldDueAt.toISOString(),
        })),
      });
      return {
        workflowInstanceId: instance.id,
        workflowStatus: 'IN_PROGRESS',
        heldMs,
        stages: shifted.map((s) => ({
          id: s.stage.id,
          slaDueAt: s.stage.slaDueAt?.toISOString() ?? null,
          previousSlaDueAt: s.oldDueAt.toISOString(),
        })),
      };
    });
  }

  /** IN_PROGRESS or ON_HOLD → CANCELLED; every WAITING/PENDING stage → CANCELLED with an action row each. */
  async cancel(command: AdminCommand, body: AdminReasonDto): Promise<StoredResponse> {
    return this.run(command, 'cancel', body, async (manager, instance, context) => {
      assertWorkflowTransition(instance.status, 'CANCELLED');
      const stages = await this.workflows.stagesOf(manager, instance.id);
      for (const stage of stages)
        if (OPEN_STAGE_STATUSES.includes(stage.status)) assertStageTransition(stage.status, 'CANCELLED');
      const cancelled = await this.progress.cancelOpenStages(
        manager,
        instance,
        command.actorId,
        context.occurredAt,
        body.reason.trim(),
      );
      await this.workflows.setInstanceStatus(manager, instance.id, 'CANCELLED', {
        completedAt: context.occurredAt,
        currentStageNumber: null,
        heldAt: null,
      });
      await this.publish(manager, WorkflowCancelledV1, instance, body.reason, context, {
        cancelledStageIds: cancelled.map((s) => s.id),
      });
      return {
        workflowInstanceId: instance.id,
        workflowStatus: 'CANCELLED',
        cancelledStageIds: cancelled.map((s) => s.id),
      };
    });
  }

  private run(
    command: AdminCommand,
    action: string,
    body: unknown,
    work: (
      manager: EntityManager,
      instance: InstanceRow,
      context: PublishContext & { actorId: string },
    ) => Promise<unknown>,
  ): Promise<StoredResponse> {
    const { workspaceId, actorId } = command;
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key: command.idempotencyKey },
        `admin:${action}:${command.workflowInstanceId}`,
        body,
        async () => {
          await this.members.requireWorkspaceAdmin(manager, workspaceId, actorId);
          const instance = await this.workflows.lockInstance(manager, workspaceId, command.workflowInstanceId);
          const result = await work(manager, instance, { workspaceId, actorId, occurredAt: this.clock.now() });
          return { status: 200, body: result };
        },
      ),
    );
  }

  /** Hold/resume concern the workflow; the trail is per stage, so each PENDING stage gets the row. */
  private async auditOnPending(
    manager: EntityManager,
    instance: InstanceRow,
    actionType: 'HELD' | 'RESUMED',
    context: PublishContext & { actorId: string },
    payload: Record<string, unknown>,
    reason: string,
    extra: (stageId: string) => Record<string, unknown> = () => ({}),
  ): Promise<void> {
    const pending = (await this.workflows.stagesOf(manager, instance.id)).filter((s) => s.status === 'PENDING');
    await this.workflows.appendActions(
      manager,
      pending.map((stage) => ({
        workspaceId: instance.workspaceId,
        workflowInstanceId: instance.id,
        workflowStageId: stage.id,
        actionType,
        actorUserId: context.actorId,
        actionAt: context.occurredAt,
        payload: { ...payload, ...extra(stage.id) },
        notes: reason.trim(),
      })),
    );
  }

  private async publish(
    manager: EntityManager,
    definition: EventDefinition<WorkflowAdminActionPayloadV1>,
    instance: InstanceRow,
    reason: string,
    context: PublishContext & { actorId: string },
    extra: Pick<WorkflowAdminActionPayloadV1, 'pendingStages' | 'cancelledStageIds'> = {},
  ): Promise<void> {
    await this.events.publish(
      manager,
      definition,
      instance.id,
      {
        workflowInstanceId: instance.id,
        submissionId: instance.submissionId,
        reason: reason.trim(),
        actorUserId: context.actorId,
        ...extra,
      },
      context,
    );
  }
}

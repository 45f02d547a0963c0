import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError } from '@atp/platform-http';
import { StageActivatedV1, StageReassignedV1, StageSkippedV1, WorkflowCompletedV1 } from '@atp/contracts';
import { nextStepAfterApproval, stagesToCancel, type ProgressStep } from './progression';
import { WorkflowRepository } from './workflow.repository';
import { WorkflowEventsPublisher, type PublishContext } from './workflow-events.publisher';
import { stageRef, type InstanceRow, type StageRow } from './workflow-rows';

/**
 * Moves a workflow on after a stage changed, inside the caller's transaction: opens the next stage
 * number, completes the workflow, or cancels what is left. Shared by decisions and admin actions.
 */
@Injectable()
export class WorkflowProgress {
  constructor(
    private readonly workflows: WorkflowRepository,
    private readonly events: WorkflowEventsPublisher,
  ) {}

  async advanceAfterApproval(
    manager: EntityManager,
    instance: InstanceRow,
    context: PublishContext & { actorId: string },
  ): Promise<{ step: ProgressStep; activated: StageRow[] }> {
    const stages = await this.workflows.stagesOf(manager, instance.id);
    const step = nextStepAfterApproval(stages);
    if (step.kind === 'WAIT_FOR_SIBLINGS') return { step, activated: [] };
    await this.skip(manager, instance, step.skippedStageIds, context);
    if (step.kind === 'COMPLETE') {
      await this.workflows.setInstanceStatus(manager, instance.id, 'COMPLETED', {
        currentStageNumber: null,
        completedAt: context.occurredAt,
      });
      await this.events.publish(
        manager,
        WorkflowCompletedV1,
        instance.id,
        {
          workflowInstanceId: instance.id,
          submissionId: instance.submissionId,
          withPunchlist: stages.some((s) => s.decision === 'APPROVE_WITH_PUNCHLIST'),
          completedAt: context.occurredAt.toISOString(),
        },
        context,
      );
      return { step, activated: [] };
    }
    const activated = await this.workflows.activateStages(manager, step.stageIds, context.occurredAt);
    await this.workflows.setInstanceStatus(manager, instance.id, 'IN_PROGRESS', {
      currentStageNumber: step.stageNumber,
    });
    await this.workflows.appendActions(
      manager,
      activated.map((stage) => ({
        workspaceId: instance.workspaceId,
        workflowInstanceId: instance.id,
        workflowStageId: stage.id,
        actionType: 'ACTIVATED' as const,
        actorUserId: null,
        actionAt: context.occurredAt,
        payload: {
          oldStatus: 'WAITING',
          newStatus: 'PENDING',
          slaDueAt: stage.slaDueAt?.toISOString() ?? null,
          causedBy: context.actorId,
        },
      })),
    );
    for (const stage of activated) {
      await this.events.publish(
        manager,
        StageActivatedV1,
        instance.id,
        {
          ...stageRef(instance, stage),
          slaHours: stage.slaHours,
          slaDueAt: (stage.slaDueAt ?? context.occurredAt).toISOString(),
        },
        context,
      );
    }
    return { step, activated };
  }

  /** Non-required stages whose number opened (domain §4.2): SKIPPED, audited and published. */
  async skip(
    manager: EntityManager,
    instance: InstanceRow,
    stageIds: readonly string[],
    context: PublishContext,
  ): Promise<StageRow[]> {
    const skipped = await this.workflows.skipStages(manager, stageIds);
    await this.workflows.appendActions(
      manager,
      skipped.map((stage) => ({
        workspaceId: instance.workspaceId,
        workflowInstanceId: instance.id,
        workflowStageId: stage.id,
        actionType: 'SKIPPED' as const,
        actorUserId: null,
        actionAt: context.occurredAt,
        payload: { oldStatus: 'WAITING', newStatus: 'SKIPPED', reason: 'NOT_REQUIRED' },
      })),
    );
    for (const stage of skipped) {
      await this.events.publish(
        manager,
        StageSkippedV1,
        instance.id,
        { ...stageRef(instance, stage), reason: 'NOT_REQUIRED', skippedAt: context.occurredAt.toISOString() },
        context,
      );
    }
    return skipped;
  }

  /**
   * Gives an open stage to another approver (admin reassign/delegate, or an approved STAGE override):
   * approver updated, a REASSIGNED action row with old and new approver, `workflow.stage.reassigned`.
   */
  async reassign(
    manager: EntityManager,
    instance: InstanceRow,
    stage: StageRow,
    change: { toUserId: string; reason: string; overrideId: string | null; mode: 'REASSIGN' | 'DELEGATE' | 'OVERRIDE' },
    context: PublishContext,
  ): Promise<StageRow> {
    if (!(await this.workflows.setStageApprover(manager, stage.id, stage.approverUserId, change.toUserId))) {
      throw new ConflictError(
        'STAGE_APPROVER_CHANGED',
        `stage ${stage.id} is no longer assigned to ${stage.approverUserId ?? 'nobody'}`,
      );
    }
    await this.workflows.appendActions(manager, [
      {
        workspaceId: instance.workspaceId,
        workflowInstanceId: instance.id,
        workflowStageId: stage.id,
        actionType: 'REASSIGNED',
        actorUserId: context.actorId,
        actionAt: context.occurredAt,
        payload: {
          fromUserId: stage.approverUserId,
          toUserId: change.toUserId,
          mode: change.mode,
          overrideId: change.overrideId,
          stageStatus: stage.status,
        },
        notes: change.reason,
      },
    ]);
    const reassigned: StageRow = { ...stage, approverUserId: change.toUserId };
    await this.events.publish(
      manager,
      StageReassignedV1,
      instance.id,
      {
        ...stageRef(instance, reassigned),
        fromUserId: stage.approverUserId,
        toUserId: change.toUserId,
        reason: change.reason,
        overrideId: change.overrideId,
        changedAt: context.occurredAt.toISOString(),
      },
      context,
    );
    return reassigned;
  }

  /** Closes every open stage with an audit row each (rejection elsewhere, cancellation). */
  async cancelOpenStages(
    manager: EntityManager,
    instance: InstanceRow,
    actorId: string | null,
    at: Date,
    reason: string,
  ): Promise<StageRow[]> {
    const stages = await this.workflows.stagesOf(manager, instance.id);
    // UPDATE … RETURNING has no order: keep the stages' order so the trail reads stage by stage.
    const position = new Map(stages.map((s, i) => [s.id, i]));
    const cancelled = (await this.workflows.cancelStages(manager, stagesToCancel(stages))).sort(
      (x, y) => (position.get(x.id) ?? 0) - (position.get(y.id) ?? 0),
    );
    const before = new Map(stages.map((s) => [s.id, s.status]));
    await this.workflows.appendActions(
      manager,
      cancelled.map((stage) => ({
        workspaceId: instance.workspaceId,
        workflowInstanceId: instance.id,
        workflowStageId: stage.id,
        actionType: 'CANCELLED' as const,
        actorUserId: actorId,
        actionAt: at,
        payload: { oldStatus: before.get(stage.id), newStatus: 'CANCELLED', reason },
      })),
    );
    return cancelled;
  }
}

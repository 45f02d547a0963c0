import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  StageApprovedV1, StageApprovedWithPunchlistV1, StageRejectedV1, WorkflowRejectedV1, type PunchItemV1,
} from '@atp/contracts';
import { ConflictError, DomainError, ValidationFailedError } from '@atp/platform-http';
import { inTransaction } from '@atp/platform-database';
import { Clock } from '../clock/clock';
import { MemberDirectory } from '../replica/member-directory';
import { WorkflowRepository } from '../workflow/workflow.repository';
import { WorkflowProgress } from '../workflow/workflow-progress.service';
import { WorkflowEventsPublisher, type PublishContext } from '../workflow/workflow-events.publisher';
import { assertStageTransition } from '../workflow/state-machine';
import { stageRef } from '../workflow/workflow-rows';
import { itemErrors, resultingStageStatus } from './decision-rules';
import type { DecisionDto } from './dto/decision.dto';
import { IdempotencyStore, type StoredResponse } from '@atp/platform-http';
import { StageAuthority } from './stage-authority';

export interface DecisionCommand {
  workspaceId: string;
  workflowInstanceId: string;
  stageId: string;
  actorId: string;
  idempotencyKey: string | null;
  body: DecisionDto;
}

export interface DecisionResult {
  workflowInstanceId: string;
  workflowStatus: string;
  currentStageNumber: number | null;
  stage: { id: string; stageNumber: number; status: string; decision: string; decidedBy: string; decidedAt: string; authority: string };
  activatedStageIds: string[];
}

/**
 * One decision = one transaction (domain §4.3): idempotency claim, workflow row lock (decisions of one
 * workflow serialise, which is what makes "all parallel groups approved" exact), guards, stage update,
 * audit row, progress, outbox events, stored answer.
 */
@Injectable()
export class StageDecisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly members: MemberDirectory,
    private readonly workflows: WorkflowRepository,
    private readonly progress: WorkflowProgress,
    private readonly authority: StageAuthority,
    private readonly events: WorkflowEventsPublisher,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async decide(command: DecisionCommand): Promise<StoredResponse> {
    const errors = itemErrors(command.body.decision, command.body.items ?? []);
    if (errors.length > 0) throw new ValidationFailedError(errors);
    return inTransaction(this.dataSource, async (manager) => {
      const key = command.idempotencyKey;
      if (key) {
        const fingerprint = this.idempotency.fingerprint(`decide:${command.workflowInstanceId}:${command.stageId}:${command.actorId}`, command.body);
        const replay = await this.idempotency.claim(manager, command.workspaceId, key, fingerprint);
        if (replay) return replay;
      }
      const response: StoredResponse = { status: 200, body: await this.apply(manager, command) };
      if (key) await this.idempotency.complete(manager, command.workspaceId, key, response);
      return response;
    });
  }

  private async apply(manager: EntityManager, command: DecisionCommand): Promise<DecisionResult> {
    const { workspaceId, actorId, body } = command;
    const now = this.clock.now();
    await this.members.requireMember(manager, workspaceId, actorId);
    const instance = await this.workflows.lockInstance(manager, workspaceId, command.workflowInstanceId);
    const stage = await this.workflows.stageOf(manager, instance.id, command.stageId);
    if (instance.status === 'ON_HOLD') throw new DomainError(423, 'WORKFLOW_ON_HOLD', `workflow ${instance.id} is on hold`);
    if (instance.status !== 'IN_PROGRESS') throw new ConflictError('WORKFLOW_CLOSED', `workflow ${instance.id} is ${instance.status}`, { workflowStatus: instance.status });
    if (stage.status !== 'PENDING') {
      throw new ConflictError('STAGE_NOT_PENDING', `stage ${stage.id} is ${stage.status}: it was already decided or is not open yet`, { stageStatus: stage.status });
    }
    const authority = await this.authority.requireMayDecide(manager, instance, stage, actorId, now);
    const newStatus = resultingStageStatus[body.decision];
    assertStageTransition(stage.status, newStatus);

    // The status and approver conditions are the optimistic check of domain §4.3 (authority was
    // checked against this approver); with the instance lock held they cannot miss.
    const updated = (await manager.query(
      `UPDATE workflow_stages SET status = $2, decision = $3, decided_by = $4, decided_at = $5, decision_comments = $6, updated_at = now()
       WHERE id = $1 AND status = 'PENDING' AND approver_user_id IS NOT DISTINCT FROM $7`,
      [stage.id, newStatus, body.decision, actorId, now, body.comment, stage.approverUserId],
    )) as [unknown[], number];
    if (updated[1] !== 1) throw new ConflictError('STAGE_NOT_PENDING', `stage ${stage.id} was decided concurrently`);

    const items: PunchItemV1[] = (body.items ?? []).map((i) => ({ itemCode: i.itemCode ?? null, description: i.description, severity: i.severity }));
    await this.workflows.appendActions(manager, [{
      workspaceId, workflowInstanceId: instance.id, workflowStageId: stage.id, actionType: body.decision, actorUserId: actorId, actionAt: now,
      payload: { oldStatus: 'PENDING', newStatus, authority, items }, notes: body.comment,
    }]);
    const context: PublishContext & { actorId: string } = { workspaceId, actorId, occurredAt: now };
    const decided = { ...stageRef(instance, stage), decidedBy: actorId, decidedAt: now.toISOString(), comment: body.comment };

    let activatedStageIds: string[] = [];
    let workflowStatus: string = instance.status;
    let currentStageNumber = instance.currentStageNumber;
    if (body.decision === 'REJECT') {
      await this.events.publish(manager, StageRejectedV1, instance.id, { ...decided, findings: items }, context);
      await this.progress.cancelOpenStages(manager, instance, actorId, now, `stage ${stage.id} rejected`);
      await this.workflows.setInstanceStatus(manager, instance.id, 'REJECTED', { completedAt: now });
      await this.events.publish(manager, WorkflowRejectedV1, instance.id, {
        workflowInstanceId: instance.id, submissionId: instance.submissionId, rejectedStage: stageRef(instance, stage),
        rejectedBy: actorId, comment: body.comment, rejectedAt: now.toISOString(),
      }, context);
      workflowStatus = 'REJECTED';
    } else {
      if (body.decision === 'APPROVE_WITH_PUNCHLIST') {
        await this.events.publish(manager, StageApprovedWithPunchlistV1, instance.id, { ...decided, items }, context);
      } else {
        await this.events.publish(manager, StageApprovedV1, instance.id, decided, context);
      }
      const { step, activated } = await this.progress.advanceAfterApproval(manager, instance, context);
      activatedStageIds = activated.map((s) => s.id);
      if (step.kind === 'COMPLETE') {
        workflowStatus = 'COMPLETED';
        currentStageNumber = null;
      } else if (step.kind === 'ACTIVATE') {
        currentStageNumber = step.stageNumber;
      }
    }
    return {
      workflowInstanceId: instance.id,
      workflowStatus,
      currentStageNumber,
      stage: { id: stage.id, stageNumber: stage.stageNumber, status: newStatus, decision: body.decision, decidedBy: actorId, decidedAt: now.toISOString(), authority },
      activatedStageIds,
    };
  }
}

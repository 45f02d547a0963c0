import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  StageActivatedV1,
  StageApprovedV1,
  StageApprovedWithPunchlistV1,
  StageRejectedV1,
  Topics,
  WorkflowCancelledV1,
  WorkflowCompletedV1,
  WorkflowRejectedV1,
  WorkflowStartedV1,
  WorkflowStartRefusedV1,
  type StageActivatedPayloadV1,
  type StageApprovedWithPunchlistPayloadV1,
  type StageDecisionPayloadV1,
  type WorkflowAdminActionPayloadV1,
  type WorkflowCompletedPayloadV1,
  type WorkflowRejectedPayloadV1,
  type WorkflowStartedPayloadV1,
  type WorkflowStartRefusedPayloadV1,
} from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { ProjectionService } from './projection.service';

export const WORKFLOW_PROJECTION: InboxConsumerSpec = {
  name: 'submission-service.workflow-projection',
  topics: [Topics.workflowEvents],
};

/** Workflow events → the submission attempt's status, workflow id, current stage and timestamps. */
@Controller()
export class WorkflowEventsConsumer {
  constructor(private readonly projection: ProjectionService) {}

  @EventPattern(WorkflowStartedV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onStarted(
    @Payload() event: ConsumedEvent<WorkflowStartedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projection.started(inbox.manager, event.envelope, event.envelope.payload);
  }

  @EventPattern(WorkflowStartRefusedV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onStartRefused(
    @Payload() event: ConsumedEvent<WorkflowStartRefusedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projection.startRefused(inbox.manager, event.envelope, event.envelope.payload);
  }

  @EventPattern(StageActivatedV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onStageActivated(
    @Payload() event: ConsumedEvent<StageActivatedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    await this.projection.workflowEvent(inbox.manager, event.envelope, p.workflowInstanceId, {
      currentStage: { number: p.stageNumber, name: p.stageName },
    });
  }

  @EventPattern([StageApprovedV1.eventType, StageRejectedV1.eventType], { consumer: WORKFLOW_PROJECTION })
  async onStageDecided(
    @Payload() event: ConsumedEvent<StageDecisionPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projection.workflowEvent(inbox.manager, event.envelope, event.envelope.payload.workflowInstanceId, {});
  }

  @EventPattern(StageApprovedWithPunchlistV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onStageWithPunchlist(
    @Payload() event: ConsumedEvent<StageApprovedWithPunchlistPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    await this.projection.stageWithPunchlist(inbox.manager, event.envelope, p);
    await this.projection.workflowEvent(inbox.manager, event.envelope, p.workflowInstanceId, {});
  }

  @EventPattern(WorkflowCompletedV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onCompleted(
    @Payload() event: ConsumedEvent<WorkflowCompletedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    await this.projection.workflowEvent(inbox.manager, event.envelope, p.workflowInstanceId, {
      outcome: 'COMPLETED',
      currentStage: null,
      approvedAt: p.completedAt,
    });
  }

  @EventPattern(WorkflowRejectedV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onRejected(
    @Payload() event: ConsumedEvent<WorkflowRejectedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    await this.projection.workflowEvent(inbox.manager, event.envelope, p.workflowInstanceId, {
      outcome: 'REJECTED',
      rejectedAt: p.rejectedAt,
      rejectionComment: p.comment,
      currentStage: { number: p.rejectedStage.stageNumber, name: p.rejectedStage.stageName },
    });
  }

  /** A cancelled workflow ends the attempt like a rejection: the document controller may resubmit. */
  @EventPattern(WorkflowCancelledV1.eventType, { consumer: WORKFLOW_PROJECTION })
  async onCancelled(
    @Payload() event: ConsumedEvent<WorkflowAdminActionPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    await this.projection.workflowEvent(inbox.manager, envelope, envelope.payload.workflowInstanceId, {
      outcome: 'REJECTED',
      rejectedAt: envelope.occurredAt,
      rejectionComment: `cancelled: ${envelope.payload.reason}`,
    });
  }
}

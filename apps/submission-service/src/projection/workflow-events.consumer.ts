import { Injectable } from '@nestjs/common';
import {
  StageActivatedV1, StageApprovedV1, StageApprovedWithPunchlistV1, StageRejectedV1, Topics, WorkflowCancelledV1, WorkflowCompletedV1,
  WorkflowRejectedV1, WorkflowStartedV1, WorkflowStartRefusedV1, type StageActivatedPayloadV1, type StageApprovedWithPunchlistPayloadV1,
  type StageDecisionPayloadV1, type WorkflowAdminActionPayloadV1, type WorkflowCompletedPayloadV1, type WorkflowRejectedPayloadV1,
  type WorkflowStartedPayloadV1, type WorkflowStartRefusedPayloadV1,
} from '@atp/contracts';
import type { EventHandler } from '@atp/platform-messaging';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import { ProjectionService } from './projection.service';

/** Workflow events → the submission attempt's status, workflow id, current stage and timestamps. */
@Injectable()
@KafkaConsumer()
export class WorkflowEventsConsumer implements EventConsumer {
  readonly consumerName = 'submission-service.workflow-projection';
  readonly topics = [Topics.workflowEvents];

  constructor(private readonly projection: ProjectionService) {}

  handlers(): Record<string, EventHandler> {
    return {
      [WorkflowStartedV1.eventType]: ({ envelope }, manager) =>
        this.projection.started(manager, envelope, envelope.payload as WorkflowStartedPayloadV1),
      [WorkflowStartRefusedV1.eventType]: ({ envelope }, manager) =>
        this.projection.startRefused(manager, envelope, envelope.payload as WorkflowStartRefusedPayloadV1),
      [StageActivatedV1.eventType]: ({ envelope }, manager) => {
        const p = envelope.payload as StageActivatedPayloadV1;
        return this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {
          currentStage: { number: p.stageNumber, name: p.stageName },
        });
      },
      [StageApprovedV1.eventType]: ({ envelope }, manager) => {
        const p = envelope.payload as StageDecisionPayloadV1;
        return this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {});
      },
      [StageApprovedWithPunchlistV1.eventType]: async ({ envelope }, manager) => {
        const p = envelope.payload as StageApprovedWithPunchlistPayloadV1;
        await this.projection.stageWithPunchlist(manager, envelope, p);
        await this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {});
      },
      [StageRejectedV1.eventType]: ({ envelope }, manager) => {
        const p = envelope.payload as StageDecisionPayloadV1;
        return this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {});
      },
      [WorkflowCompletedV1.eventType]: ({ envelope }, manager) => {
        const p = envelope.payload as WorkflowCompletedPayloadV1;
        return this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {
          outcome: 'COMPLETED', currentStage: null, approvedAt: p.completedAt,
        });
      },
      [WorkflowRejectedV1.eventType]: ({ envelope }, manager) => {
        const p = envelope.payload as WorkflowRejectedPayloadV1;
        return this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {
          outcome: 'REJECTED', rejectedAt: p.rejectedAt, rejectionComment: p.comment,
          currentStage: { number: p.rejectedStage.stageNumber, name: p.rejectedStage.stageName },
        });
      },
      [WorkflowCancelledV1.eventType]: ({ envelope }, manager) => {
        const p = envelope.payload as WorkflowAdminActionPayloadV1;
        // A cancelled workflow ends the attempt like a rejection: the document controller may resubmit.
        return this.projection.workflowEvent(manager, envelope, p.workflowInstanceId, {
          outcome: 'REJECTED', rejectedAt: envelope.occurredAt, rejectionComment: `cancelled: ${p.reason}`,
        });
      },
    };
  }
}

import { Injectable } from '@nestjs/common';
import {
  Topics, WorkflowCancelledV1, WorkflowCompletedV1, WorkflowRejectedV1, WorkflowStartedV1, type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import type { EventHandler } from '@atp/platform-messaging';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import { PinsRepository, type WorkflowEndEventType } from './pins.repository';

/**
 * Cross-service RESTRICT feed (architecture §5.4): counts the running workflows that pin each config version, from
 * workflow events, so that archiving or deleting a pinned version is refused with the count. `workflow.started`
 * pins the APPROVAL_MATRIX version (`configVersionId`) and the three versions of `pinnedConfigVersions`; the
 * workflow's end (completed, rejected, cancelled) releases them. Duplicates are absorbed by the inbox (same event
 * id) and by `workflow_pins` (same instance).
 */
@Injectable()
@KafkaConsumer()
export class PinsConsumer implements EventConsumer {
  readonly consumerName = 'config-service.workflow-pins';
  readonly topics = [Topics.workflowEvents];
  /** A new group rebuilds the counts from the start of the topic. */
  readonly fromBeginning = true;

  constructor(private readonly pins: PinsRepository) {}

  handlers(): Record<string, EventHandler> {
    const started: EventHandler = async (event, manager) => {
      const payload = event.envelope.payload as WorkflowStartedPayloadV1;
      const { approvalMatrix, clusterMapping, scopeConfig } = payload.pinnedConfigVersions;
      await this.pins.started(manager, payload.workflowInstanceId, event.envelope.workspaceId, [payload.configVersionId, approvalMatrix, clusterMapping, scopeConfig]);
    };
    const ended = (eventType: WorkflowEndEventType): EventHandler => async (event, manager) => {
      const { workflowInstanceId } = event.envelope.payload as { workflowInstanceId: string };
      await this.pins.ended(manager, workflowInstanceId, event.envelope.workspaceId, eventType);
    };
    return {
      [WorkflowStartedV1.eventType]: started,
      [WorkflowCompletedV1.eventType]: ended('workflow.completed'),
      [WorkflowRejectedV1.eventType]: ended('workflow.rejected'),
      [WorkflowCancelledV1.eventType]: ended('workflow.cancelled'),
    };
  }
}

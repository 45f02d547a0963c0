import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  Topics,
  WorkflowCancelledV1,
  WorkflowCompletedV1,
  WorkflowPinsAssertedV1,
  WorkflowRejectedV1,
  WorkflowStartedV1,
  type WorkflowPinsAssertedPayloadV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { PinsRepository, type WorkflowEndEventType } from './pins.repository';

/** A new group reads the workflow topic from its start (as far as its retention reaches). */
export const PINS_CONSUMER: InboxConsumerSpec = {
  name: 'config-service.workflow-pins',
  topics: [Topics.workflowEvents],
  fromBeginning: true,
};

/**
 * Cross-service RESTRICT feed (architecture §5.4): records which config versions each running workflow pins, from
 * workflow events, so that archiving or deleting a pinned version is refused with the count. `workflow.started`
 * pins the APPROVAL_MATRIX version (`configVersionId`) and the three versions of `pinnedConfigVersions`; the
 * workflow's end (completed, rejected, cancelled) releases them. `workflow.pins-asserted` (workflow-service re-reading
 * its running workflows) records a start this feed lost, e.g. after the topic's retention; it never reopens an ended
 * workflow, so it may arrive before or after the end. Duplicates are absorbed by the inbox (same event
 * id) and by `workflow_pins` (same instance). An event without a workspace pins nothing: every config version belongs
 * to a workspace, and row-level security would refuse a pin row of no workspace.
 */
@Controller()
export class PinsConsumer {
  constructor(private readonly pins: PinsRepository) {}

  @EventPattern(WorkflowStartedV1.eventType, { consumer: PINS_CONSUMER })
  async onStarted(
    @Payload() event: ConsumedEvent<WorkflowStartedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    if (!event.envelope.workspaceId) return;
    const payload = event.envelope.payload;
    const { approvalMatrix, clusterMapping, scopeConfig } = payload.pinnedConfigVersions;
    await this.pins.started(inbox.manager, payload.workflowInstanceId, event.envelope.workspaceId, [
      payload.configVersionId,
      approvalMatrix,
      clusterMapping,
      scopeConfig,
    ]);
  }

  @EventPattern(WorkflowPinsAssertedV1.eventType, { consumer: PINS_CONSUMER })
  async onAsserted(
    @Payload() event: ConsumedEvent<WorkflowPinsAssertedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    if (!event.envelope.workspaceId) return;
    const { workflowInstanceId, pinnedConfigVersions } = event.envelope.payload;
    const { approvalMatrix, clusterMapping, scopeConfig } = pinnedConfigVersions;
    await this.pins.started(inbox.manager, workflowInstanceId, event.envelope.workspaceId, [
      approvalMatrix,
      clusterMapping,
      scopeConfig,
    ]);
  }

  @EventPattern([WorkflowCompletedV1.eventType, WorkflowRejectedV1.eventType, WorkflowCancelledV1.eventType], {
    consumer: PINS_CONSUMER,
  })
  async onEnded(
    @Payload() event: ConsumedEvent<{ workflowInstanceId: string }>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    if (!event.envelope.workspaceId) return;
    const eventType = event.envelope.eventType as WorkflowEndEventType;
    await this.pins.ended(
      inbox.manager,
      event.envelope.payload.workflowInstanceId,
      event.envelope.workspaceId,
      eventType,
    );
  }
}

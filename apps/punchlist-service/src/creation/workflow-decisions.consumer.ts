import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  StageApprovedWithPunchlistV1,
  StageRejectedV1,
  Topics,
  WorkflowStartedV1,
  type EventEnvelope,
  type StageApprovedWithPunchlistPayloadV1,
  type StageRejectedPayloadV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import { PermanentMessageError, type ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { WorkflowFacts } from '../replica/workflow-facts';
import { PunchlistCreator } from './punchlist-creator.service';

function workspaceOf(envelope: EventEnvelope): string {
  if (!envelope.workspaceId)
    throw new PermanentMessageError(`${envelope.eventType} ${envelope.eventId} carries no workspaceId`);
  return envelope.workspaceId;
}

export const WORKFLOW_DECISIONS_CONSUMER: InboxConsumerSpec = {
  name: 'punchlist-service.workflow-decisions',
  topics: [Topics.workflowEvents],
};

/**
 * The workflow events this service acts on, in one consumer so that `workflow.started` (site, vendor)
 * is applied before the decisions of the same workflow (same partition key, read in order).
 */
@Controller()
export class WorkflowDecisionsConsumer {
  constructor(
    private readonly facts: WorkflowFacts,
    private readonly creator: PunchlistCreator,
  ) {}

  @EventPattern(WorkflowStartedV1.eventType, { consumer: WORKFLOW_DECISIONS_CONSUMER })
  async onStarted(
    @Payload() { envelope }: ConsumedEvent<WorkflowStartedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.facts.recordStarted(inbox.manager, workspaceOf(envelope), envelope.payload, envelope.occurredAt);
  }

  @EventPattern(StageApprovedWithPunchlistV1.eventType, { consumer: WORKFLOW_DECISIONS_CONSUMER })
  async onApprovedWithPunchlist(
    @Payload() { envelope }: ConsumedEvent<StageApprovedWithPunchlistPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const payload = envelope.payload;
    await this.creator.createFromDecision(inbox.manager, {
      workspaceId: workspaceOf(envelope),
      origin: 'APPROVED_WITH_PUNCHLIST',
      decision: payload,
      items: payload.items,
      eventId: envelope.eventId,
      correlationId: envelope.correlationId,
    });
  }

  @EventPattern(StageRejectedV1.eventType, { consumer: WORKFLOW_DECISIONS_CONSUMER })
  async onRejected(
    @Payload() { envelope }: ConsumedEvent<StageRejectedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const payload = envelope.payload;
    if (payload.findings.length === 0) return; // a plain rejection opens no punchlist
    await this.creator.createFromDecision(inbox.manager, {
      workspaceId: workspaceOf(envelope),
      origin: 'REJECTED',
      decision: payload,
      items: payload.findings,
      eventId: envelope.eventId,
      correlationId: envelope.correlationId,
    });
  }
}

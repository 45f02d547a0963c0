import { Injectable } from '@nestjs/common';
import {
  StageApprovedWithPunchlistV1, StageRejectedV1, Topics, WorkflowStartedV1, type EventEnvelope, type StageApprovedWithPunchlistPayloadV1,
  type StageRejectedPayloadV1, type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import { PermanentMessageError, type EventHandler } from '@atp/platform-messaging';
import { WorkflowFacts } from '../replica/workflow-facts';
import { PunchlistCreator } from './punchlist-creator.service';

function workspaceOf(envelope: EventEnvelope): string {
  if (!envelope.workspaceId) throw new PermanentMessageError(`${envelope.eventType} ${envelope.eventId} carries no workspaceId`);
  return envelope.workspaceId;
}

/**
 * The workflow events this service acts on, in one consumer so that `workflow.started` (site, vendor)
 * is applied before the decisions of the same workflow (same partition key, read in order).
 */
@Injectable()
@KafkaConsumer()
export class WorkflowDecisionsConsumer implements EventConsumer {
  readonly consumerName = 'punchlist-service.workflow-decisions';
  readonly topics = [Topics.workflowEvents];

  constructor(
    private readonly facts: WorkflowFacts,
    private readonly creator: PunchlistCreator,
  ) {}

  handlers(): Record<string, EventHandler> {
    return {
      [WorkflowStartedV1.eventType]: async ({ envelope }, manager) => {
        await this.facts.recordStarted(manager, workspaceOf(envelope), envelope.payload as WorkflowStartedPayloadV1, envelope.occurredAt);
      },
      [StageApprovedWithPunchlistV1.eventType]: async ({ envelope }, manager) => {
        const payload = envelope.payload as StageApprovedWithPunchlistPayloadV1;
        await this.creator.createFromDecision(manager, {
          workspaceId: workspaceOf(envelope), origin: 'APPROVED_WITH_PUNCHLIST', decision: payload, items: payload.items,
          eventId: envelope.eventId, correlationId: envelope.correlationId,
        });
      },
      [StageRejectedV1.eventType]: async ({ envelope }, manager) => {
        const payload = envelope.payload as StageRejectedPayloadV1;
        if (payload.findings.length === 0) return; // a plain rejection opens no punchlist
        await this.creator.createFromDecision(manager, {
          workspaceId: workspaceOf(envelope), origin: 'REJECTED', decision: payload, items: payload.findings,
          eventId: envelope.eventId, correlationId: envelope.correlationId,
        });
      },
    };
  }
}

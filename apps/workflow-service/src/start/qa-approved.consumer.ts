import { Injectable } from '@nestjs/common';
import { SubmissionQaApprovedV1, Topics, type SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { KafkaConsumer, type EventConsumer } from '@atp/platform-runtime';
import type { EventHandler } from '@atp/platform-messaging';
import { toStartRequest } from './start-request';
import { WorkflowStarter } from './workflow-starter.service';

/** `submission.qa-approved` → a new workflow (or a recorded refusal). */
@Injectable()
@KafkaConsumer()
export class QaApprovedConsumer implements EventConsumer {
  readonly consumerName = 'workflow-service.workflow-start';
  readonly topics = [Topics.submissionEvents];

  constructor(private readonly starter: WorkflowStarter) {}

  handlers(): Record<string, EventHandler> {
    return {
      [SubmissionQaApprovedV1.eventType]: async (event, manager) => {
        const { envelope } = event;
        await this.starter.start(manager, toStartRequest(envelope.payload as SubmissionQaApprovedPayloadV1, envelope.eventId, envelope.correlationId));
      },
    };
  }
}

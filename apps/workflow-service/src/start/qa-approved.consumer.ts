import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SubmissionQaApprovedV1, Topics, type SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { toStartRequest } from './start-request';
import { WorkflowStarter } from './workflow-starter.service';

export const WORKFLOW_START_CONSUMER: InboxConsumerSpec = {
  name: 'workflow-service.workflow-start',
  topics: [Topics.submissionEvents],
};

/** `submission.qa-approved` → a new workflow (or a recorded refusal). */
@Controller()
export class QaApprovedConsumer {
  constructor(private readonly starter: WorkflowStarter) {}

  @EventPattern(SubmissionQaApprovedV1.eventType, { consumer: WORKFLOW_START_CONSUMER })
  async onQaApproved(
    @Payload() event: ConsumedEvent<SubmissionQaApprovedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    await this.starter.start(inbox.manager, toStartRequest(envelope.payload, envelope.eventId, envelope.correlationId));
  }
}

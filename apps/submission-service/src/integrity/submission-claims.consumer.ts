import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ApproverOverrideRequestedV1,
  PunchlistCreatedV1,
  Topics,
  WorkflowStartedV1,
  type ApproverOverridePayloadV1,
  type ClaimantAggregateTypeV1,
  type EventEnvelope,
  type PunchlistCreatedPayloadV1,
  type ValidatorName,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import {
  OutboxWriter,
  publishReferenceRejections,
  type ConsumedEvent,
  type RefusedReference,
} from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import type { EntityManager } from 'typeorm';

export const SUBMISSION_CLAIMS_CONSUMER: InboxConsumerSpec = {
  name: 'submission-service.submission-claims',
  topics: [Topics.workflowEvents, Topics.punchlistEvents],
};

/** The registry's validators (libs/contracts integrity/reference-handlers.ts) this consumer implements. */
export const SUBMISSION_CLAIM_VALIDATORS: readonly ValidatorName[] = ['submission.submission'];

/**
 * The submission (and, for a workflow, the attempt) a claim names, in the claim's workspace: no such submission is
 * UNKNOWN; a workflow started for an attempt the submission never made is a MISMATCH.
 */
export async function judgeSubmissionClaim(
  manager: EntityManager,
  workspaceId: string,
  submissionId: string,
  attemptNumber?: number,
): Promise<RefusedReference[]> {
  const [row] = (await manager.query(
    `SELECT s.id, EXISTS (SELECT 1 FROM atp_submission_attempts a WHERE a.submission_id = s.id AND a.attempt_number = $3) AS "hasAttempt"
       FROM atp_submissions s WHERE s.workspace_id = $1 AND s.id = $2`,
    [workspaceId, submissionId, attemptNumber ?? 0],
  )) as Array<{ id: string; hasAttempt: boolean }>;
  const refused = (reasonCode: RefusedReference['reasonCode'], field = 'submissionId', referencedId = submissionId) => [
    {
      field,
      entity: field === 'submissionId' ? 'atp_submissions' : 'atp_submission_attempts',
      referencedId,
      reasonCode,
    },
  ];
  if (!row) return refused('UNKNOWN');
  if (attemptNumber !== undefined && !row.hasAttempt)
    return refused('MISMATCH', 'attemptNumber', `${submissionId}#${attemptNumber}`);
  return [];
}

/**
 * Compensating validation (architecture §5.3), owner side: the submission a workflow, an approver override or a
 * punchlist names. A refused reference publishes `reference.rejected`; the claimant holds its workflow or expires its
 * override (workflow-service), or flags its punchlist (punchlist-service).
 */
@Controller()
export class SubmissionClaimsConsumer {
  constructor(private readonly outbox: OutboxWriter) {}

  @EventPattern(WorkflowStartedV1.eventType, { consumer: SUBMISSION_CLAIMS_CONSUMER })
  async onWorkflowStarted(
    @Payload() event: ConsumedEvent<WorkflowStartedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    await this.verify(
      inbox,
      event.envelope,
      'workflow-service',
      'workflow',
      p.workflowInstanceId,
      p.submissionId,
      p.attemptNumber,
    );
  }

  @EventPattern(PunchlistCreatedV1.eventType, { consumer: SUBMISSION_CLAIMS_CONSUMER })
  async onPunchlistCreated(
    @Payload() event: ConsumedEvent<PunchlistCreatedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    await this.verify(inbox, event.envelope, 'punchlist-service', 'punchlist', p.punchlistId, p.submissionId);
  }

  /** A SUBMISSION override names the submission whose stages it moves. */
  @EventPattern(ApproverOverrideRequestedV1.eventType, { consumer: SUBMISSION_CLAIMS_CONSUMER })
  async onOverrideRequested(
    @Payload() event: ConsumedEvent<ApproverOverridePayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const p = event.envelope.payload;
    if (!p.submissionId) return;
    await this.verify(inbox, event.envelope, 'workflow-service', 'workflow-override', p.overrideId, p.submissionId);
  }

  private async verify(
    inbox: InboxContext,
    claim: EventEnvelope,
    claimantService: string,
    aggregateType: ClaimantAggregateTypeV1,
    aggregateId: string,
    submissionId: string,
    attemptNumber?: number,
  ): Promise<void> {
    if (!claim.workspaceId) return;
    const refused = await judgeSubmissionClaim(inbox.manager, claim.workspaceId, submissionId, attemptNumber);
    const source = { claimantService, ownerService: 'submission-service', aggregateType, aggregateId, claim };
    await publishReferenceRejections(this.outbox, inbox.manager, source, refused);
  }
}

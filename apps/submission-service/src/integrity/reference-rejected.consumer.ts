import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferenceRejectedV1, Topics, type CompensationName, type ReferenceRejectedPayloadV1 } from '@atp/contracts';
import { ReferenceRejectionLog, type ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { SubmissionEvents } from '../submissions/submission-events';
import { failBulkJobsOf } from './bulk-job-failure';
import { canTransition, type SubmissionStatus } from '../submissions/submission-status';

export const REFERENCE_REJECTIONS_CONSUMER: InboxConsumerSpec = {
  name: 'submission-service.reference-rejections',
  topics: [Topics.integrityEvents],
};

/** The registry's compensations (libs/contracts integrity/reference-handlers.ts) this consumer applies. */
export const SUBMISSION_COMPENSATIONS: readonly CompensationName[] = [
  'submission.markInvalidReference',
  'submission.failBulkJob',
];

/**
 * Compensation of `reference.rejected` about a submission (architecture §5.3): the submission and its current attempt
 * become INVALID_REFERENCE (a safe state: QA and workflow projection no longer move it; the document controller
 * repairs it and resubmits), `submission.status-changed` is published and the rejection is recorded in
 * `reference_rejections`, which GET submission shows. Already INVALID_REFERENCE or COMPLETED: only recorded.
 */
@Controller()
export class ReferenceRejectedConsumer {
  constructor(private readonly events: SubmissionEvents) {}

  @EventPattern(ReferenceRejectedV1.eventType, { consumer: REFERENCE_REJECTIONS_CONSUMER })
  async onRejected(
    @Payload() event: ConsumedEvent<ReferenceRejectedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    const p = envelope.payload;
    if (p.aggregateType !== 'submission') return; // another claimant's rejection
    const manager = inbox.manager;
    const [row] = (await manager.query(
      `SELECT status, attempt_number AS "attemptNumber", workflow_instance_id AS "workflowInstanceId", current_stage_number AS "currentStageNumber"
       FROM atp_submissions WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [p.workspaceId, p.aggregateId],
    )) as Array<{
      status: SubmissionStatus;
      attemptNumber: number;
      workflowInstanceId: string | null;
      currentStageNumber: number | null;
    }>;
    if (!row) return ReferenceRejectionLog.record(manager, envelope, 'UNKNOWN_AGGREGATE');
    await failBulkJobsOf(manager, p); // a refused workspace stops the bulk job that created the submission
    if (row.status === 'INVALID_REFERENCE') return ReferenceRejectionLog.record(manager, envelope, 'ALREADY_SAFE');
    if (!canTransition(row.status, 'INVALID_REFERENCE'))
      return ReferenceRejectionLog.record(manager, envelope, 'CLOSED');
    await manager.query(
      `UPDATE atp_submissions SET status = 'INVALID_REFERENCE', last_action_at = now(), updated_at = now() WHERE id = $1`,
      [p.aggregateId],
    );
    await manager.query(
      `UPDATE atp_submission_attempts SET status = 'INVALID_REFERENCE', updated_at = now() WHERE submission_id = $1 AND attempt_number = $2`,
      [p.aggregateId, row.attemptNumber],
    );
    await this.events.statusChanged(manager, {
      workspaceId: p.workspaceId,
      submissionId: p.aggregateId,
      attemptNumber: row.attemptNumber,
      from: row.status,
      to: 'INVALID_REFERENCE',
      workflowInstanceId: row.workflowInstanceId,
      currentStageNumber: row.currentStageNumber,
      actorId: null,
      causationId: envelope.eventId,
    });
    await ReferenceRejectionLog.record(manager, envelope, 'COMPENSATED');
  }
}

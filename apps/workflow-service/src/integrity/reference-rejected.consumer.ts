import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ReferenceRejectedV1,
  Topics,
  WorkflowOnHoldV1,
  type CompensationName,
  type ReferenceRejectedPayloadV1,
} from '@atp/contracts';
import { invalidReferenceNote, ReferenceRejectionLog, type ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { Clock } from '../clock/clock';
import { WorkflowEventsPublisher } from '../workflow/workflow-events.publisher';
import { WorkflowRepository } from '../workflow/workflow.repository';
import { expireOverride } from './override-expiry';

export const REFERENCE_REJECTIONS_CONSUMER: InboxConsumerSpec = {
  name: 'workflow-service.reference-rejections',
  topics: [Topics.integrityEvents],
};

/** The registry's compensations (libs/contracts integrity/reference-handlers.ts) this consumer applies. */
export const WORKFLOW_COMPENSATIONS: readonly CompensationName[] = [
  'workflow.holdInvalidReference',
  'workflow.expireOverride',
];

/** Who holds a workflow when an owner refused one of its references (the trail's actor). */
export const INTEGRITY_ACTOR = 'system:integrity';

/**
 * Compensation of `reference.rejected` about a workflow (architecture §5.3): a running workflow goes ON_HOLD with
 * reason INVALID_REFERENCE, nothing is actionable and its SLA clock stops, a HELD row per PENDING stage goes into the
 * decision trail and `workflow.on-hold` is published. Every rejection is recorded in `reference_rejections` (shown by
 * GET workflow). A workflow already held or closed is left as it is, the rejection still recorded: idempotent by
 * state as well as by the inbox. An admin resumes it once the reference is repaired.
 */
@Controller()
export class ReferenceRejectedConsumer {
  constructor(
    private readonly clock: Clock,
    private readonly workflows: WorkflowRepository,
    private readonly events: WorkflowEventsPublisher,
  ) {}

  @EventPattern(ReferenceRejectedV1.eventType, { consumer: REFERENCE_REJECTIONS_CONSUMER })
  async onRejected(
    @Payload() event: ConsumedEvent<ReferenceRejectedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    const p = envelope.payload;
    if (p.aggregateType === 'workflow-override') return expireOverride(inbox.manager, envelope);
    if (p.aggregateType !== 'workflow') return; // another claimant's rejection
    const manager = inbox.manager;
    const found = await this.workflows.findInstance(manager, p.workspaceId, p.aggregateId);
    if (!found) return ReferenceRejectionLog.record(manager, envelope, 'UNKNOWN_AGGREGATE');
    const instance = await this.workflows.lockInstance(manager, p.workspaceId, p.aggregateId);
    if (instance.status !== 'IN_PROGRESS') {
      return ReferenceRejectionLog.record(manager, envelope, instance.status === 'ON_HOLD' ? 'ALREADY_SAFE' : 'CLOSED');
    }
    const occurredAt = this.clock.now();
    const note = invalidReferenceNote(p);
    await this.workflows.setInstanceStatus(manager, instance.id, 'ON_HOLD', { holdReason: note, heldAt: occurredAt });
    const pending = (await this.workflows.stagesOf(manager, instance.id)).filter((s) => s.status === 'PENDING');
    await this.workflows.appendActions(
      manager,
      pending.map((stage) => ({
        workspaceId: instance.workspaceId,
        workflowInstanceId: instance.id,
        workflowStageId: stage.id,
        actionType: 'HELD' as const,
        actorUserId: INTEGRITY_ACTOR,
        actionAt: occurredAt,
        notes: note,
        payload: {
          oldStatus: 'IN_PROGRESS',
          newStatus: 'ON_HOLD',
          reasonCode: 'INVALID_REFERENCE',
          field: p.field,
          entity: p.entity,
          referencedId: p.referencedId,
          rejectionReason: p.reasonCode,
          rejectionEventId: envelope.eventId,
        },
      })),
    );
    await this.events.publish(
      manager,
      WorkflowOnHoldV1,
      instance.id,
      {
        workflowInstanceId: instance.id,
        submissionId: instance.submissionId,
        reason: note,
        actorUserId: INTEGRITY_ACTOR,
      },
      {
        workspaceId: instance.workspaceId,
        actorId: INTEGRITY_ACTOR,
        causationId: envelope.eventId,
        correlationId: envelope.correlationId,
        occurredAt,
      },
    );
    await ReferenceRejectionLog.record(manager, envelope, 'COMPENSATED');
  }
}

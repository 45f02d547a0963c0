import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  PunchlistClearedV1,
  PunchlistCreatedV1,
  Topics,
  type PunchlistClearedPayloadV1,
  type PunchlistCreatedPayloadV1,
  type ValidatorName,
} from '@atp/contracts';
import {
  OutboxWriter,
  publishReferenceRejections,
  type ConsumedEvent,
  type RefusedReference,
} from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import type { EntityManager } from 'typeorm';

export const PUNCHLIST_CLAIMS_CONSUMER: InboxConsumerSpec = {
  name: 'workflow-service.punchlist-claims',
  topics: [Topics.punchlistEvents],
};

/** The registry's validators (libs/contracts integrity/reference-handlers.ts) this consumer implements. */
export const PUNCHLIST_CLAIM_VALIDATORS: readonly ValidatorName[] = [
  'workflow.workflowInstance',
  'workflow.workflowStage',
];

type PunchlistClaim = Pick<PunchlistCreatedPayloadV1, 'punchlistId' | 'workflowInstanceId' | 'workflowStageId'>;

/**
 * The workflow and stage a punchlist names, checked against this service's own tables (row-level security scopes
 * the lookups to the claim's workspace: another workspace's workflow is as unknown as a fabricated one). An unknown
 * workflow is one rejection; its stage is then not looked at. A stage of another workflow is a MISMATCH.
 */
export async function judgePunchlistClaim(manager: EntityManager, p: PunchlistClaim): Promise<RefusedReference[]> {
  const [instance] = (await manager.query(`SELECT id FROM workflow_instances WHERE id = $1`, [
    p.workflowInstanceId,
  ])) as unknown[];
  if (!instance) {
    return [
      {
        field: 'workflowInstanceId',
        entity: 'workflow_instances',
        referencedId: p.workflowInstanceId,
        reasonCode: 'UNKNOWN',
      },
    ];
  }
  const [stage] = (await manager.query(
    `SELECT workflow_instance_id AS "instanceId" FROM workflow_stages WHERE id = $1`,
    [p.workflowStageId],
  )) as Array<{ instanceId: string }>;
  if (stage && stage.instanceId === p.workflowInstanceId) return [];
  return [
    {
      field: 'workflowStageId',
      entity: 'workflow_stages',
      referencedId: p.workflowStageId,
      reasonCode: stage ? 'MISMATCH' : 'UNKNOWN',
    },
  ];
}

/**
 * Compensating validation of punchlist claims (architecture §5.3), owner side: `punchlist.created` and
 * `punchlist.cleared` name a workflow and one of its stages. A refused reference publishes `reference.rejected`;
 * punchlist-service flags the punchlist (`punchlist.flagInvalidReference`).
 */
@Controller()
export class PunchlistClaimsConsumer {
  constructor(private readonly outbox: OutboxWriter) {}

  @EventPattern([PunchlistCreatedV1.eventType, PunchlistClearedV1.eventType], { consumer: PUNCHLIST_CLAIMS_CONSUMER })
  async onPunchlist(
    @Payload() event: ConsumedEvent<PunchlistCreatedPayloadV1 | PunchlistClearedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    if (!envelope.workspaceId) return;
    const refused = await judgePunchlistClaim(inbox.manager, envelope.payload);
    const source = {
      claimantService: 'punchlist-service',
      ownerService: 'workflow-service',
      aggregateType: 'punchlist' as const,
      aggregateId: envelope.payload.punchlistId,
      claim: envelope,
    };
    await publishReferenceRejections(this.outbox, inbox.manager, source, refused);
  }
}

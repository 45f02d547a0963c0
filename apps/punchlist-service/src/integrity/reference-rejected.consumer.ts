import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ReferenceRejectedV1, Topics, type CompensationName, type ReferenceRejectedPayloadV1 } from '@atp/contracts';
import { invalidReferenceNote, ReferenceRejectionLog, type ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { Clock } from '../clock/clock';

export const REFERENCE_REJECTIONS_CONSUMER: InboxConsumerSpec = {
  name: 'punchlist-service.reference-rejections',
  topics: [Topics.integrityEvents],
};

/** The registry's compensations (libs/contracts integrity/reference-handlers.ts) this consumer applies. */
export const PUNCHLIST_COMPENSATIONS: readonly CompensationName[] = ['punchlist.flagInvalidReference'];

/**
 * Compensation of `reference.rejected` about a punchlist (architecture §5.3): an OPEN punchlist whose workflow, stage
 * or submission an owner refused is flagged (`integrity_flag` names the first refused reference, `flagged_at` when),
 * which GET punchlist and the list show for someone to review; every rejection is recorded in `reference_rejections`
 * with what was done (the compensation's audit, shown next to the punchlist). Already flagged: only recorded; a
 * CLEARED punchlist is left as it is (recorded CLOSED). Idempotent by state as well as by the inbox.
 */
@Controller()
export class ReferenceRejectedConsumer {
  constructor(private readonly clock: Clock) {}

  @EventPattern(ReferenceRejectedV1.eventType, { consumer: REFERENCE_REJECTIONS_CONSUMER })
  async onRejected(
    @Payload() event: ConsumedEvent<ReferenceRejectedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    const p = envelope.payload;
    if (p.aggregateType !== 'punchlist') return; // another claimant's rejection
    const manager = inbox.manager;
    const [row] = (await manager.query(
      `SELECT status, integrity_flag AS flag FROM punchlists WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [p.workspaceId, p.aggregateId],
    )) as Array<{ status: 'OPEN' | 'CLEARED'; flag: string | null }>;
    if (!row) return ReferenceRejectionLog.record(manager, envelope, 'UNKNOWN_AGGREGATE');
    if (row.flag !== null) return ReferenceRejectionLog.record(manager, envelope, 'ALREADY_SAFE');
    if (row.status !== 'OPEN') return ReferenceRejectionLog.record(manager, envelope, 'CLOSED');
    await manager.query(
      `UPDATE punchlists SET integrity_flag = $2, flagged_at = $3, updated_at = now() WHERE id = $1`,
      [p.aggregateId, invalidReferenceNote(p), this.clock.now()],
    );
    await ReferenceRejectionLog.record(manager, envelope, 'COMPENSATED');
  }
}

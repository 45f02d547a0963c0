import type { EntityManager } from 'typeorm';
import type { EventEnvelope, ReferenceRejectedPayloadV1 } from '@atp/contracts';

/** What a claimant's compensation did with one rejection. */
export type CompensationOutcome = 'COMPENSATED' | 'ALREADY_SAFE' | 'CLOSED' | 'UNKNOWN_AGGREGATE';

export interface ReferenceRejectionView {
  field: string;
  entity: string;
  referencedId: string;
  reasonCode: string;
  ownerService: string;
  claimEventType: string;
  outcome: CompensationOutcome;
  receivedAt: string;
}

/**
 * The `reference_rejections` table of a claimant (migration 1764000000020), shared by every service that claims
 * references: one row per rejection event, written in the compensation consumer's inbox transaction.
 */
export const ReferenceRejectionLog = {
  async record(
    manager: EntityManager,
    event: EventEnvelope<ReferenceRejectedPayloadV1>,
    outcome: CompensationOutcome,
  ): Promise<void> {
    const p = event.payload;
    await manager.query(
      `INSERT INTO reference_rejections (rejection_event_id, workspace_id, aggregate_type, aggregate_id, owner_service, field, entity,
         referenced_id, reason_code, claim_event_id, claim_event_type, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (rejection_event_id) DO NOTHING`,
      [
        event.eventId,
        p.workspaceId,
        p.aggregateType,
        p.aggregateId,
        p.ownerService,
        p.field,
        p.entity,
        p.referencedId,
        p.reasonCode,
        p.claimEventId,
        p.claimEventType,
        outcome,
      ],
    );
  },

  /** The rejections of one aggregate, oldest first (what the API shows next to it). */
  async ofAggregate(
    manager: EntityManager,
    workspaceId: string,
    aggregateId: string,
  ): Promise<ReferenceRejectionView[]> {
    return (await manager.query(
      `SELECT field, entity, referenced_id AS "referencedId", reason_code AS "reasonCode", owner_service AS "ownerService",
              claim_event_type AS "claimEventType", outcome, received_at AS "receivedAt"
       FROM reference_rejections WHERE workspace_id = $1 AND aggregate_id = $2 ORDER BY received_at, rejection_event_id`,
      [workspaceId, aggregateId],
    )) as ReferenceRejectionView[];
  },
};

/** The hold reason / status note a compensation writes: short, and names the first refused reference. */
export function invalidReferenceNote(p: ReferenceRejectedPayloadV1): string {
  return `INVALID_REFERENCE: ${p.field} = ${p.referencedId} (${p.entity}, ${p.reasonCode}) refused by ${p.ownerService}`;
}

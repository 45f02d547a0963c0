import type { EntityManager } from 'typeorm';
import type { EventEnvelope, ReferenceRejectedPayloadV1 } from '@atp/contracts';
import { invalidReferenceNote, ReferenceRejectionLog } from '@atp/platform-messaging';

/**
 * Compensation `workflow.expireOverride` (architecture §5.3): an approver override whose users, role or submission an
 * owner refused is EXPIRED, so it never applies from now on (stages it already moved keep their approver: that was a
 * recorded decision), with the refusal in its notes; the rejection is recorded in `reference_rejections`. Already
 * EXPIRED or REJECTED: only recorded. Idempotent by state as well as by the inbox.
 */
export async function expireOverride(
  manager: EntityManager,
  envelope: EventEnvelope<ReferenceRejectedPayloadV1>,
): Promise<void> {
  const p = envelope.payload;
  const [row] = (await manager.query(
    `SELECT approval_status AS status FROM approver_overrides WHERE workspace_id = $1 AND id::text = $2 FOR UPDATE`,
    [p.workspaceId, p.aggregateId],
  )) as Array<{ status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' }>;
  if (!row) return ReferenceRejectionLog.record(manager, envelope, 'UNKNOWN_AGGREGATE');
  if (row.status === 'EXPIRED') return ReferenceRejectionLog.record(manager, envelope, 'ALREADY_SAFE');
  if (row.status === 'REJECTED') return ReferenceRejectionLog.record(manager, envelope, 'CLOSED');
  await manager.query(
    `UPDATE approver_overrides SET approval_status = 'EXPIRED', is_active = false,
       notes = concat_ws(E'\\n', notes, $2::text), updated_at = now()
     WHERE id::text = $1`,
    [p.aggregateId, invalidReferenceNote(p)],
  );
  await ReferenceRejectionLog.record(manager, envelope, 'COMPENSATED');
}

import type { SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { canonicalCategory, type AtpCategory, type RoutePlan } from '@atp/approval-routing';

/** A QA-approved submission attempt in the shape the starter works with. */
export interface StartRequest {
  payload: SubmissionQaApprovedPayloadV1;
  category: AtpCategory | null;
  eventId: string;
  correlationId: string;
}

export function toStartRequest(
  payload: SubmissionQaApprovedPayloadV1,
  eventId: string,
  correlationId: string,
): StartRequest {
  return { payload, category: canonicalCategory(payload.atpCategory), eventId, correlationId };
}

/**
 * The backup of a CLUSTER-mapped stage, frozen for SLA escalation (Q6); null when none, already acting, or the
 * submitter (who never decides their own submission).
 */
export function backupOf(
  plan: RoutePlan,
  stageKey: string,
  clusterApprovers: ReadonlyArray<{ id: string; backupUserId: string | null }>,
  submittedBy: string | null = null,
): string | null {
  const stage = plan.stages.find((s) => s.key === stageKey);
  const row = stage?.assignment.clusterApproverId
    ? clusterApprovers.find((a) => a.id === stage.assignment.clusterApproverId)
    : undefined;
  const backup = row?.backupUserId ?? null;
  return backup && backup !== stage?.approverUserId && backup !== submittedBy ? backup : null;
}

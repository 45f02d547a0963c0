import { pickOverride, type ApproverOverride } from '@atp/approval-routing';
import { DomainError } from '@atp/platform-http';
import type { InstanceRow, StageRow } from '../workflow/workflow-rows';

/** What authority is decided on, read by the decision's load statement under the workflow lock. */
export interface AuthorityFacts {
  /** APPROVED, active overrides of the stage's role (dates and targets are `pickOverride`'s to check). */
  overrides: readonly ApproverOverride[];
  /** Which of the overrides' target users are active members of the workspace. */
  activeTargets: ReadonlySet<string>;
  /** The user an override replaced on this stage (`replacedUserOf`), or null. */
  replacedUserId: string | null;
}

/**
 * Who may decide a stage (domain §4.3, architecture §7): the submitter never; otherwise the user the
 * stage's approver is replaced by, if an APPROVED, effective override applies (precedence STAGE >
 * SUBMISSION > CLUSTER > REGION, `pickOverride`), else the assigned approver.
 *
 * "to_user_id replaces from_user_id while active" (domain §3.3): when an override applies, the replaced
 * approver may no longer decide. An approved override effective today has already rewritten
 * `approver_user_id` (its approval reassigns the open stages it covers), and the user it replaced still counts
 * for matching (`replacedUserOf`), so the new approver decides with authority OVERRIDE and a later override of
 * higher precedence still wins; overrides effective only later are applied here when their day comes.
 */
export function stageAuthority(
  instance: InstanceRow,
  stage: StageRow,
  actorId: string,
  now: Date,
  facts: AuthorityFacts,
): 'ASSIGNED' | 'OVERRIDE' {
  if (actorId === instance.submittedBy) {
    throw new DomainError(403, 'SUBMITTER_CANNOT_DECIDE', 'The submitter of a submission never decides its stages');
  }
  const approver = stage.approverUserId;
  if (approver !== null) {
    const { overrides } = facts;
    const routing = instance.routingSnapshot.request;
    const pick = pickOverride(
      overrides,
      {
        approvalRoleId: stage.approvalRoleId,
        roleCode: stage.roleCode,
        // The user an override replaced still counts, so precedence holds after an approval moved the stage.
        fromUserIds: [approver, overrides.length > 0 ? facts.replacedUserId : null],
        stageId: stage.id,
        submissionId: instance.submissionId,
        clusterCode: routing.clusterCode,
        region: routing.region,
      },
      now.toISOString().slice(0, 10),
      // An override whose target left the workspace is passed over (as at start), so the next one or the approver
      // applies; never an override to the submitter: they could not decide, and the stage would be stuck (#4).
      (userId) => facts.activeTargets.has(userId) && userId !== instance.submittedBy,
    );
    if (pick) {
      if (pick.override.toUserId === actorId) return 'OVERRIDE';
      throw new DomainError(
        403,
        'NOT_STAGE_APPROVER',
        `stage ${stage.id} is decided by ${pick.override.toUserId} under override ${pick.override.id}`,
        {
          overrideId: pick.override.id,
        },
      );
    }
    if (actorId === approver) return 'ASSIGNED';
  }
  throw new DomainError(403, 'NOT_STAGE_APPROVER', `user ${actorId} is not the approver of stage ${stage.id}`);
}

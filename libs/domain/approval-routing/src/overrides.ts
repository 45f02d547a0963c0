import { canonicalRoleCode } from './canonical-codes';
import { isEffectiveOn } from './effective-dates';
import type { IsoDate } from './model';
import { compareText } from './routing-index';

/**
 * Approver overrides (domain §3.3, architecture §6 Q6). Callers pass only APPROVED overrides; the
 * dates are checked here against `asOf` because an approved override can lie in the future or lapse.
 */
export const OVERRIDE_TYPES = ['STAGE', 'SUBMISSION', 'CLUSTER', 'REGION'] as const;
export type OverrideType = (typeof OVERRIDE_TYPES)[number];

/** Most specific first: the order in which overrides win (domain §3.3 [R]). */
export const OVERRIDE_PRECEDENCE: readonly OverrideType[] = OVERRIDE_TYPES;

export interface ApproverOverride {
  id: string;
  overrideType: OverrideType;
  /** The role the override applies to: by id, by code, or both (both must then match). */
  approvalRoleId?: string | null;
  roleCode?: string | null;
  fromUserId: string;
  toUserId: string;
  /** Targets, one per type: STAGE → stageId, SUBMISSION → submissionId, CLUSTER → clusterCode, REGION → region. */
  stageId?: string | null;
  submissionId?: string | null;
  clusterCode?: string | null;
  region?: string | null;
  effectiveDate: IsoDate;
  /** Null = until ended manually. Exclusive, like every end date in routing. */
  expiryDate: IsoDate | null;
}

/** What the stage is, for matching overrides against it. */
export interface OverrideTarget {
  approvalRoleId: string | null;
  roleCode: string;
  /** The users an override may replace: the resolved approver and, for CLUSTER stages, the mapped primary. */
  fromUserIds: readonly (string | null)[];
  stageId?: string | null;
  submissionId?: string | null;
  clusterCode?: string | null;
  region?: string | null;
}

export interface OverridePick {
  override: ApproverOverride;
  source: `OVERRIDE_${OverrideType}`;
}

/**
 * The override that applies to a stage, or null. Highest precedence type first; inside one type the
 * one that became effective last wins (the newest decision), then id. An override whose `toUserId` is
 * not an active member is passed over, so a lower-precedence one may still apply. Overrides do not
 * chain (A→B and B→C do not make A→C): each is an approved decision about one named user.
 *
 * workflow-service calls this with a `stageId` to apply STAGE overrides to a running stage.
 */
export function pickOverride(
  overrides: readonly ApproverOverride[],
  target: OverrideTarget,
  asOf: IsoDate,
  isActiveMember: (userId: string) => boolean = () => true,
): OverridePick | null {
  const roleCode = canonicalRoleCode(target.roleCode);
  const fromUsers = new Set(target.fromUserIds.filter((id): id is string => id !== null));
  if (overrides.length === 0 || fromUsers.size === 0) return null;

  const applicable = overrides.filter(
    (o) =>
      fromUsers.has(o.fromUserId) &&
      appliesToRole(o, target.approvalRoleId, roleCode) &&
      hitsTarget(o, target) &&
      isEffectiveOn(asOf, o.effectiveDate, o.expiryDate) &&
      isActiveMember(o.toUserId),
  );
  for (const type of OVERRIDE_PRECEDENCE) {
    const ofType = applicable
      .filter((o) => o.overrideType === type)
      .sort((a, b) => compareText(b.effectiveDate, a.effectiveDate) || compareText(a.id, b.id));
    const winner = ofType[0];
    if (winner) return { override: winner, source: `OVERRIDE_${type}` };
  }
  return null;
}

function appliesToRole(override: ApproverOverride, approvalRoleId: string | null, roleCode: string): boolean {
  const byId = override.approvalRoleId ?? null;
  const byCode = override.roleCode ? canonicalRoleCode(override.roleCode) : null;
  if (byId === null && byCode === null) return false; // an override always names its role (domain §3.3)
  return (byId === null || byId === approvalRoleId) && (byCode === null || byCode === roleCode);
}

function hitsTarget(override: ApproverOverride, target: OverrideTarget): boolean {
  const same = (a: string | null | undefined, b: string | null | undefined) => !!a && a === b;
  switch (override.overrideType) {
    case 'STAGE':
      return same(override.stageId, target.stageId);
    case 'SUBMISSION':
      return same(override.submissionId, target.submissionId);
    case 'CLUSTER':
      return same(override.clusterCode, target.clusterCode);
    case 'REGION':
      return same(override.region, target.region);
  }
}

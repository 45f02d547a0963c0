import type { AssignmentMode, AutoAssignRule } from './model';
import type { ApproverOverride } from './overrides';
import { resolveRoute } from './route';
import type { Directory, ResolvedStage, RouteRequest } from './routing-types';
import { RoutingBuilder, directoryOf, routeRequest } from './test-support/routing-builder';

/** A RAN scope, one policy with one stage of the given mode, clusters JKT-01 (JABO) and SBY-01 (EAST). */
function world(mode: AssignmentMode, rule: AutoAssignRule | null = null, requiresCluster = true) {
  return new RoutingBuilder()
    .scope('RAN', { requiresCluster })
    .policy('p', { scopeCode: 'RAN', atpCategory: 'RAN_MW' }, [
      { roleCode: 'RTH', assignmentMode: mode, autoAssignRule: rule },
    ])
    .cluster('JKT-01', 'JABO')
    .cluster('SBY-01', 'EAST')
    .approver('JKT-01', 'RTH', 'u-jkt', 'u-jkt-backup')
    .approver('SBY-01', 'RTH_HEAD', 'u-sby', null);
}

function stageOf(
  builder: RoutingBuilder,
  directory: Directory,
  request: RouteRequest = routeRequest(),
  extra: { roundRobinCursor?: number; overrides?: ApproverOverride[] } = {},
): ResolvedStage {
  const result = resolveRoute({ snapshots: builder.build(), request, directory, ...extra });
  if (!result.ok) throw new Error(result.message);
  return result.stages[0] as ResolvedStage;
}

const everyone = directoryOf(['u-jkt', 'u-jkt-backup', 'u-sby', 'u-a', 'u-b', 'u-c', 'u-static']);

describe('CLUSTER assignment', () => {
  it('assigns the primary of the site cluster and role', () => {
    const stage = stageOf(world('CLUSTER'), everyone);
    expect(stage.approverUserId).toBe('u-jkt');
    expect(stage.assignment).toMatchObject({
      source: 'PRIMARY',
      appliedMode: 'CLUSTER',
      clusterCode: 'JKT-01',
      reason: null,
    });
    expect(stage.assignment.clusterApproverId).toMatch(/^ca-JKT-01-RTH/);
  });

  it('assigns the backup when the primary is not an active member', () => {
    const stage = stageOf(world('CLUSTER'), directoryOf(['u-jkt-backup']));
    expect(stage.approverUserId).toBe('u-jkt-backup');
    expect(stage.assignment.source).toBe('BACKUP');
  });

  it('leaves the stage unassigned when neither primary nor backup is active', () => {
    const stage = stageOf(world('CLUSTER'), directoryOf([]));
    expect(stage.approverUserId).toBeNull();
    expect(stage.assignment).toMatchObject({ source: 'UNASSIGNED', reason: 'PRIMARY_AND_BACKUP_INACTIVE' });
  });

  it('matches legacy role spellings in the mapping (RTH_HEAD = RTH)', () => {
    const stage = stageOf(world('CLUSTER'), everyone, routeRequest({ site: { clusterCode: 'SBY-01' } }));
    expect(stage.approverUserId).toBe('u-sby');
  });

  it('is unassigned without an approver row, without a cluster on the site, or with an expired row', () => {
    expect(
      stageOf(world('CLUSTER'), everyone, routeRequest({ site: { clusterCode: 'MDN-01' } })).assignment.reason,
    ).toBe('NO_CLUSTER_APPROVER');
    expect(stageOf(world('CLUSTER'), everyone, routeRequest({ site: { clusterCode: null } })).assignment.reason).toBe(
      'SITE_HAS_NO_CLUSTER',
    );
    const expired = world('CLUSTER');
    expired.approver('MDN-01', 'RTH', 'u-a', null, { effectiveTo: '2026-03-01' });
    expect(stageOf(expired, everyone, routeRequest({ site: { clusterCode: 'MDN-01' } })).assignment.reason).toBe(
      'NO_CLUSTER_APPROVER',
    );
  });

  it('takes the row that became effective last during a hand-over', () => {
    const builder = world('CLUSTER').approver('JKT-01', 'RTH', 'u-a', null, { effectiveFrom: '2026-02-01' });
    expect(stageOf(builder, everyone).approverUserId).toBe('u-a');
  });

  it('ignores rows of a deactivated cluster', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p', { scopeCode: 'RAN', atpCategory: 'RAN_MW' }, [{ roleCode: 'RTH' }])
      .cluster('JKT-01', 'JABO', { isActive: false })
      .approver('JKT-01', 'RTH', 'u-jkt', null);
    expect(stageOf(builder, everyone).assignment.reason).toBe('NO_CLUSTER_APPROVER');
  });

  it('is treated as AUTO when the scope does not require a cluster', () => {
    const stage = stageOf(world('CLUSTER', null, false), directoryOf(['u-jkt', 'u-sby'], { 'u-jkt': 3, 'u-sby': 1 }));
    expect(stage.approverUserId).toBe('u-sby');
    expect(stage.assignment).toMatchObject({ source: 'AUTO', appliedMode: 'AUTO', clusterCode: null });
    expect(stage.assignmentMode).toBe('CLUSTER');
  });
});

describe('STATIC_USER assignment', () => {
  it('assigns the user of the rule', () => {
    const stage = stageOf(world('STATIC_USER', { userId: 'u-static' }), everyone);
    expect(stage.approverUserId).toBe('u-static');
    expect(stage.assignment.source).toBe('STATIC_USER');
  });

  it('is unassigned when that user is not an active member, with no backup', () => {
    const stage = stageOf(world('STATIC_USER', { userId: 'u-gone' }), everyone);
    expect(stage.assignment).toMatchObject({ source: 'UNASSIGNED', reason: 'STATIC_USER_INACTIVE' });
  });

  it('is unassigned when the rule is missing or of the wrong shape', () => {
    expect(stageOf(world('STATIC_USER', null), everyone).assignment.reason).toBe('INVALID_AUTO_ASSIGN_RULE');
    expect(stageOf(world('STATIC_USER', { strategy: 'ROUND_ROBIN', pool: ['u-a'] }), everyone).assignment.reason).toBe(
      'INVALID_AUTO_ASSIGN_RULE',
    );
  });
});

describe('RULE assignment', () => {
  const pool = ['u-c', 'u-gone', 'u-a', 'u-b'];

  it('ROUND_ROBIN takes the cursor modulo the active pool, in pool order', () => {
    const builder = world('RULE', { strategy: 'ROUND_ROBIN', pool });
    const pick = (cursor: number) =>
      stageOf(builder, everyone, routeRequest(), { roundRobinCursor: cursor }).approverUserId;
    expect([0, 1, 2, 3, 4, -1].map(pick)).toEqual(['u-c', 'u-a', 'u-b', 'u-c', 'u-a', 'u-b']);
    expect(stageOf(builder, everyone).assignment.source).toBe('RULE');
  });

  it('LEAST_LOADED takes the active member with the fewest open stages, ties by user id', () => {
    const builder = world('RULE', { strategy: 'LEAST_LOADED', pool });
    expect(stageOf(builder, directoryOf(['u-a', 'u-b', 'u-c'], { 'u-a': 5, 'u-b': 2, 'u-c': 2 })).approverUserId).toBe(
      'u-b',
    );
    expect(
      stageOf(builder, directoryOf(['u-c', 'u-b', 'u-a'], { 'u-a': 1, 'u-b': 1, 'u-c': 1, 'u-gone': 0 }))
        .approverUserId,
    ).toBe('u-a');
  });

  it('is unassigned when no pool member is active', () => {
    const stage = stageOf(world('RULE', { strategy: 'LEAST_LOADED', pool: ['u-gone'] }), everyone);
    expect(stage.assignment).toMatchObject({ source: 'UNASSIGNED', reason: 'RULE_POOL_HAS_NO_ACTIVE_MEMBER' });
  });
});

describe('AUTO assignment', () => {
  it('takes the least-loaded active holder of the role among primaries and backups of every cluster', () => {
    const builder = world('AUTO');
    const directory = directoryOf(['u-jkt', 'u-jkt-backup', 'u-sby'], { 'u-jkt': 4, 'u-jkt-backup': 1, 'u-sby': 1 });
    const stage = stageOf(builder, directory);
    expect(stage.approverUserId).toBe('u-jkt-backup');
    expect(stage.assignment).toMatchObject({ source: 'AUTO', appliedMode: 'AUTO' });
  });

  it('is unassigned when nobody holds the role', () => {
    const stage = stageOf(world('AUTO'), directoryOf(['u-a']));
    expect(stage.assignment).toMatchObject({ source: 'UNASSIGNED', reason: 'NO_ACTIVE_ROLE_HOLDER' });
  });
});

describe('overrides at resolution', () => {
  const override = (
    fields: Partial<ApproverOverride> & Pick<ApproverOverride, 'id' | 'overrideType'>,
  ): ApproverOverride => ({
    roleCode: 'RTH',
    fromUserId: 'u-jkt',
    toUserId: 'u-a',
    effectiveDate: '2026-02-01',
    expiryDate: null,
    ...fields,
  });
  const all = [
    override({ id: 'o-region', overrideType: 'REGION', region: 'JABO', toUserId: 'u-c' }),
    override({ id: 'o-cluster', overrideType: 'CLUSTER', clusterCode: 'JKT-01', toUserId: 'u-b' }),
    override({ id: 'o-submission', overrideType: 'SUBMISSION', submissionId: 'sub-1', toUserId: 'u-a' }),
  ];

  it('applies SUBMISSION before CLUSTER before REGION and records the replaced user', () => {
    const pick = (overrides: ApproverOverride[]) => stageOf(world('CLUSTER'), everyone, routeRequest(), { overrides });
    expect(pick(all)).toMatchObject({
      approverUserId: 'u-a',
      assignment: { source: 'OVERRIDE_SUBMISSION', baseUserId: 'u-jkt', overrideId: 'o-submission' },
    });
    expect(pick(all.slice(0, 2))).toMatchObject({ approverUserId: 'u-b', assignment: { source: 'OVERRIDE_CLUSTER' } });
    expect(pick(all.slice(0, 1))).toMatchObject({ approverUserId: 'u-c', assignment: { source: 'OVERRIDE_REGION' } });
  });

  it('replaces the mapped primary even when the backup stood in, and rescues an unassigned stage', () => {
    const cutOver = [override({ id: 'o-cluster', overrideType: 'CLUSTER', clusterCode: 'JKT-01', toUserId: 'u-b' })];
    const viaBackup = stageOf(world('CLUSTER'), directoryOf(['u-jkt-backup', 'u-b']), routeRequest(), {
      overrides: cutOver,
    });
    expect(viaBackup).toMatchObject({ approverUserId: 'u-b', assignment: { baseUserId: 'u-jkt-backup' } });
    const nobody = stageOf(world('CLUSTER'), directoryOf(['u-b']), routeRequest(), { overrides: cutOver });
    expect(nobody).toMatchObject({ approverUserId: 'u-b', assignment: { source: 'OVERRIDE_CLUSTER', reason: null } });
  });

  it('ignores overrides of another role, another user, another target, out of dates, or to an inactive user', () => {
    const ignored = [
      override({ id: 'o1', overrideType: 'SUBMISSION', submissionId: 'sub-1', roleCode: 'PMO' }),
      override({ id: 'o2', overrideType: 'SUBMISSION', submissionId: 'sub-1', fromUserId: 'u-sby' }),
      override({ id: 'o3', overrideType: 'SUBMISSION', submissionId: 'sub-2' }),
      override({ id: 'o4', overrideType: 'SUBMISSION', submissionId: 'sub-1', effectiveDate: '2026-03-02' }),
      override({ id: 'o5', overrideType: 'SUBMISSION', submissionId: 'sub-1', expiryDate: '2026-03-01' }),
      override({ id: 'o6', overrideType: 'SUBMISSION', submissionId: 'sub-1', toUserId: 'u-gone' }),
      override({ id: 'o7', overrideType: 'REGION', region: 'EAST' }),
    ];
    const stage = stageOf(world('CLUSTER'), everyone, routeRequest(), { overrides: ignored });
    expect(stage).toMatchObject({ approverUserId: 'u-jkt', assignment: { source: 'PRIMARY', overrideId: null } });
  });
});

describe('#4 the submitter is never assigned a stage of their own submission', () => {
  it('the backup takes the stage when the mapped primary is the submitter', () => {
    const stage = stageOf(world('CLUSTER'), everyone, routeRequest({ submittedBy: 'u-jkt' }));
    expect(stage.approverUserId).toBe('u-jkt-backup');
    expect(stage.assignment.source).toBe('BACKUP');
  });

  it('nobody, with reason SUBMITTER_IS_APPROVER, when the submitter is the only mapped approver', () => {
    const sby = routeRequest({ submittedBy: 'u-sby', site: { siteCode: 'SBY-1', clusterCode: 'SBY-01' } });
    expect(stageOf(world('CLUSTER'), everyone, sby)).toMatchObject({
      approverUserId: null,
      assignment: { source: 'UNASSIGNED', reason: 'SUBMITTER_IS_APPROVER' },
    });
    const staticUser = stageOf(
      world('STATIC_USER', { userId: 'u-static' }),
      everyone,
      routeRequest({ submittedBy: 'u-static' }),
    );
    expect(staticUser.assignment).toMatchObject({ source: 'UNASSIGNED', reason: 'SUBMITTER_IS_APPROVER' });
  });

  it('is left out of RULE pools, AUTO holders and override targets', () => {
    const rule = stageOf(
      world('RULE', { strategy: 'ROUND_ROBIN', pool: ['u-a', 'u-b'] }),
      everyone,
      routeRequest({ submittedBy: 'u-a' }),
      {
        roundRobinCursor: 0,
      },
    );
    expect(rule.approverUserId).toBe('u-b');
    const auto = stageOf(world('AUTO'), directoryOf(['u-jkt', 'u-sby']), routeRequest({ submittedBy: 'u-jkt' }));
    expect(auto.approverUserId).toBe('u-sby');
    const override: ApproverOverride = {
      id: 'o-1',
      overrideType: 'SUBMISSION',
      roleCode: 'RTH',
      fromUserId: 'u-jkt',
      toUserId: 'u-a',
      submissionId: 'sub-1',
      effectiveDate: '2026-01-01',
      expiryDate: null,
    };
    const overridden = stageOf(world('CLUSTER'), everyone, routeRequest({ submittedBy: 'u-a' }), {
      overrides: [override],
    });
    expect(overridden.approverUserId).toBe('u-jkt');
  });
});

describe('#18 a route without a site', () => {
  it('leaves CLUSTER stages unassigned with reason NO_SITE, not SITE_HAS_NO_CLUSTER', () => {
    expect(stageOf(world('CLUSTER'), everyone, routeRequest({ site: null })).assignment.reason).toBe('NO_SITE');
    expect(stageOf(world('CLUSTER'), everyone, routeRequest({ site: { clusterCode: null } })).assignment.reason).toBe(
      'SITE_HAS_NO_CLUSTER',
    );
  });
});

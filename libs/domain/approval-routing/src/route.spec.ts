import {
  demoApprovalMatrix,
  demoClusterMapping,
  demoPolicyId,
  demoScopeConfig,
  demoUserId,
} from './demo-approval-matrix';
import { ATP_CATEGORIES } from './model';
import { compileRouting, resolveRoute } from './route';
import type { RoutePlan, RouteResolution } from './routing-types';
import { RoutingBuilder, directoryOf, routeRequest } from './test-support/routing-builder';

function plan(result: RouteResolution): RoutePlan {
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result;
}

const anyone = { isActiveMember: () => true, openStageCount: () => 0 };

describe('resolveRoute', () => {
  it('orders stages by stage number then sequence order and groups parallel stages into steps', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p', { scopeCode: 'RAN', atpCategory: 'RAN_MW' }, [])
      .stage('p', { stageNumber: 3, roleCode: 'RTH', slaHours: 24 })
      .stage('p', {
        stageNumber: 2,
        sequenceOrder: 2,
        roleCode: 'SME',
        isParallel: true,
        parallelGroup: 'B',
        slaHours: 48,
      })
      .stage('p', {
        stageNumber: 2,
        sequenceOrder: 1,
        roleCode: 'BO',
        isParallel: true,
        parallelGroup: 'A',
        slaHours: 24,
      })
      .stage('p', { stageNumber: 1, roleCode: 'FOP_RTS', slaHours: 48 })
      .stage('p', { stageNumber: 1, sequenceOrder: 9, roleCode: 'PMO', isActive: false });
    const route = plan(resolveRoute({ snapshots: builder.build(), request: routeRequest(), directory: anyone }));

    expect(route.stages.map((s) => `${s.stageNumber}.${s.sequenceOrder}:${s.roleCode}`)).toEqual([
      '1.1:FOP_RTS',
      '2.1:BO',
      '2.2:SME',
      '3.1:RTH',
    ]);
    expect(route.steps).toEqual([
      { stageNumber: 1, isParallel: false, parallelGroups: [], stageKeys: ['p-s4'], slaHours: 48 },
      { stageNumber: 2, isParallel: true, parallelGroups: ['A', 'B'], stageKeys: ['p-s3', 'p-s2'], slaHours: 48 },
      { stageNumber: 3, isParallel: false, parallelGroups: [], stageKeys: ['p-s1'], slaHours: 24 },
    ]);
    expect(route.totalStages).toBe(4);
    expect(route.totalSlaHours).toBe(120);
  });

  it('pins the three config versions and is plain JSON', () => {
    const route = plan(
      resolveRoute({
        snapshots: new RoutingBuilder().scope('RAN').build(),
        request: routeRequest(),
        directory: anyone,
      }),
    );
    expect(route.pinned).toEqual({
      approvalMatrixVersionId: 'cv-matrix',
      clusterMappingVersionId: 'cv-cluster',
      scopeConfigVersionId: 'cv-scope',
    });
    expect(JSON.parse(JSON.stringify(route))).toEqual(route);
  });

  it('builds the category chain of domain §5.3 with role ids from the matrix when no policy fits', () => {
    const builder = new RoutingBuilder().scope('RAN', { requiresCluster: false }).role('FOP_RTS').role('RTH');
    const route = plan(resolveRoute({ snapshots: builder.build(), request: routeRequest(), directory: anyone }));
    expect(route.matchedRule).toBe('CATEGORY_TEMPLATE');
    expect(route.stages.map((s) => [s.stageName, s.roleCode, s.slaHours, s.approvalRoleId])).toEqual([
      ['FOP_RTS_REVIEW', 'FOP_RTS', 48, 'role-FOP_RTS'],
      ['REGION_REVIEW', 'REGION_TEAM', 48, null],
      ['RTH_REVIEW', 'RTH', 24, 'role-RTH'],
    ]);
    expect(route.stages[0]?.key).toBe('template:RAN_MW:1');
    expect(route.stages.every((s) => s.assignment.source === 'UNASSIGNED' && s.assignment.appliedMode === 'AUTO')).toBe(
      true,
    );
  });

  it('returns the failure of policy resolution as is', () => {
    const result = resolveRoute({
      snapshots: new RoutingBuilder().build(),
      request: routeRequest(),
      directory: anyone,
    });
    expect(result).toMatchObject({ ok: false, reason: 'NO_POLICY' });
  });

  it('gives the same answer compiled and uncompiled', () => {
    const snapshots = new RoutingBuilder()
      .scope('RAN')
      .policy('p', { scopeCode: 'RAN', atpCategory: 'RAN_MW' }, [{ roleCode: 'RTH' }])
      .cluster('JKT-01', 'JABO')
      .approver('JKT-01', 'RTH', 'u-1', 'u-2')
      .build();
    const directory = directoryOf(['u-2']);
    const compiled = compileRouting(snapshots).resolveRoute(routeRequest(), { directory });
    expect(compiled).toEqual(resolveRoute({ snapshots, request: routeRequest(), directory }));
    expect(plan(compiled).stages[0]?.assignment.source).toBe('BACKUP');
  });
});

describe('demoApprovalMatrix (domain §5.3)', () => {
  const snapshots = {
    approvalMatrix: demoApprovalMatrix(),
    clusterMapping: demoClusterMapping(),
    scopeConfig: demoScopeConfig(),
  };
  const chains = {
    RAN_MW: ['FOP_RTS:48', 'REGION_TEAM:48', 'RTH:24'],
    PLN_UPGRADE: ['ROH:48', 'RTH:24'],
    DISMANTLE_DROP: ['FOP_RTS:48', 'REGION_TEAM:48', 'PMO:48'],
    DISMANTLE_KEEP: ['ROH:48', 'RTH:24'],
    SOFTWARE_LICENSE: ['BO:48', 'SME:48', 'HEAD_NOC:24'],
  };
  const totals = { RAN_MW: 120, PLN_UPGRADE: 72, DISMANTLE_DROP: 144, DISMANTLE_KEEP: 72, SOFTWARE_LICENSE: 120 };

  it.each(ATP_CATEGORIES)('routes %s through its chain to the primaries of the site cluster', (category) => {
    const route = plan(
      resolveRoute({
        snapshots,
        request: routeRequest({ workspaceId: 'ws-demo', scopeCode: 'DEMO', atpCategory: category, vendorCode: 'ZTE' }),
        directory: anyone,
      }),
    );
    expect(route.policy).toMatchObject({ source: 'MATRIX', policyId: demoPolicyId('DEMO', category) });
    expect(route.matchedRule).toBe('ANY_VENDOR');
    expect(route.stages.map((s) => `${s.roleCode}:${s.slaHours}`)).toEqual(chains[category]);
    expect(route.totalSlaHours).toBe(totals[category]);
    expect(route.stages.map((s) => s.approverUserId)).toEqual(
      route.stages.map((s) => demoUserId(s.roleCode, 'JKT-01', 'primary')),
    );
  });
});

import { pickOverride, type ApproverOverride, type OverrideTarget } from './overrides';

const override = (
  fields: Partial<ApproverOverride> & Pick<ApproverOverride, 'id' | 'overrideType'>,
): ApproverOverride => ({
  approvalRoleId: 'role-RTH',
  fromUserId: 'u-old',
  toUserId: 'u-new',
  effectiveDate: '2026-01-01',
  expiryDate: null,
  ...fields,
});

const runningStage: OverrideTarget = {
  approvalRoleId: 'role-RTH',
  roleCode: 'RTH',
  fromUserIds: ['u-old'],
  stageId: 'stage-9',
  submissionId: 'sub-1',
  clusterCode: 'JKT-01',
  region: 'JABO',
};

describe('pickOverride', () => {
  it('applies STAGE before SUBMISSION, CLUSTER and REGION (workflow-service, running stage)', () => {
    const overrides = [
      override({ id: 'r', overrideType: 'REGION', region: 'JABO', toUserId: 'u-r' }),
      override({ id: 's', overrideType: 'STAGE', stageId: 'stage-9', toUserId: 'u-s' }),
      override({ id: 'sub', overrideType: 'SUBMISSION', submissionId: 'sub-1', toUserId: 'u-sub' }),
    ];
    expect(pickOverride(overrides, runningStage, '2026-03-01')).toMatchObject({
      source: 'OVERRIDE_STAGE',
      override: { id: 's' },
    });
    expect(pickOverride(overrides, { ...runningStage, stageId: 'stage-1' }, '2026-03-01')?.source).toBe(
      'OVERRIDE_SUBMISSION',
    );
  });

  it('prefers the override that became effective last within one type', () => {
    const overrides = [
      override({ id: 'older', overrideType: 'CLUSTER', clusterCode: 'JKT-01', effectiveDate: '2026-01-01' }),
      override({ id: 'newer', overrideType: 'CLUSTER', clusterCode: 'JKT-01', effectiveDate: '2026-02-01' }),
    ];
    expect(pickOverride(overrides, runningStage, '2026-03-01')?.override.id).toBe('newer');
  });

  it('matches the role by canonical code when the override names a code', () => {
    const byCode = [
      override({ id: 'c', overrideType: 'REGION', region: 'JABO', approvalRoleId: null, roleCode: 'RTH_HEAD' }),
    ];
    expect(pickOverride(byCode, runningStage, '2026-03-01')?.override.id).toBe('c');
    const roleless = [
      override({ id: 'x', overrideType: 'REGION', region: 'JABO', approvalRoleId: null, roleCode: null }),
    ];
    expect(pickOverride(roleless, runningStage, '2026-03-01')).toBeNull();
  });

  it('returns null when nothing applies', () => {
    expect(pickOverride([], runningStage, '2026-03-01')).toBeNull();
    expect(
      pickOverride(
        [override({ id: 'a', overrideType: 'STAGE', stageId: 'stage-9' })],
        { ...runningStage, fromUserIds: [null] },
        '2026-03-01',
      ),
    ).toBeNull();
  });
});

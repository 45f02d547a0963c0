import { itemErrors, resultingStageStatus } from './decision-rules';

describe('decision item rules', () => {
  it('accepts MAJOR/MINOR only with APPROVE_WITH_PUNCHLIST and CRITICAL only with REJECT', () => {
    expect(itemErrors('APPROVE_WITH_PUNCHLIST', [{ severity: 'MAJOR' }, { severity: 'MINOR' }])).toEqual([]);
    expect(itemErrors('REJECT', [{ severity: 'CRITICAL' }])).toEqual([]);
    expect(itemErrors('REJECT', [])).toEqual([]);
    expect(itemErrors('APPROVE_WITH_PUNCHLIST', [{ severity: 'CRITICAL' }]).map((e) => e.field)).toEqual([
      'items.0.severity',
    ]);
    expect(itemErrors('REJECT', [{ severity: 'MINOR' }]).map((e) => e.field)).toEqual(['items.0.severity']);
  });

  it('requires items for a punchlist approval and refuses them on a plain approval', () => {
    expect(itemErrors('APPROVE_WITH_PUNCHLIST', [])).toHaveLength(1);
    expect(itemErrors('APPROVE', [{ severity: 'MINOR' }])).toHaveLength(1);
    expect(resultingStageStatus.REJECT).toBe('REJECTED');
  });
});

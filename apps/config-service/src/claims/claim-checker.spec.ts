import { CROSS_SERVICE_REFERENCES, HANDLERS_PENDING, VALIDATOR_NAMES } from '@atp/contracts';
import { judge, VALIDATOR_OF, type Claim } from './claim-checker';

describe('config-service claim checker', () => {
  it('implements every config validator of the registry that is not pending, and no name outside it', () => {
    const bound = new Set(Object.values(VALIDATOR_OF));
    const expected = VALIDATOR_NAMES.filter((n) => n.startsWith('config.') && !HANDLERS_PENDING.has(n));
    expect([...bound].sort()).toEqual([...expected].sort());
    const used = new Set(CROSS_SERVICE_REFERENCES.filter((r) => r.owner.service === 'config').map((r) => r.validator));
    for (const name of bound) expect(used.has(name)).toBe(true);
  });

  it('judges unknown, foreign, mismatched and inactive rows in that order', () => {
    const ws = 'w1';
    const claim: Claim = {
      field: 'configVersionId',
      entity: 'config_versions',
      id: 'v',
      sourceType: 'APPROVAL_MATRIX',
    };
    const row = { id: 'v', workspace_id: ws, usable: true, source_type: 'APPROVAL_MATRIX', config_version_id: null };
    expect(judge(claim, undefined, ws)).toBe('UNKNOWN');
    expect(judge(claim, { ...row, workspace_id: 'w2', usable: false }, ws)).toBe('OTHER_WORKSPACE');
    expect(judge(claim, { ...row, source_type: 'SCOPE_CONFIG', usable: false }, ws)).toBe('MISMATCH');
    expect(judge(claim, { ...row, usable: false }, ws)).toBe('INACTIVE');
    expect(judge(claim, row, ws)).toBeNull();
    const policy: Claim = {
      field: 'approvalPolicyId',
      entity: 'approval_policy_master',
      id: 'p',
      configVersionId: 'v1',
    };
    expect(judge(policy, { ...row, id: 'p', source_type: null, config_version_id: 'v2' }, ws)).toBe('MISMATCH');
  });
});

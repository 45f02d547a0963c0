import {
  canonicalCategory,
  canonicalRoleCode,
  expandLegacyCategory,
  isCanonicalRoleCode,
  normaliseRouteCodes,
  normaliseSiteCode,
} from './canonical-codes';

describe('canonicalCategory', () => {
  it.each([
    ['HARDWARE', 'RAN_MW'],
    ['software', 'SOFTWARE_LICENSE'],
    [' Software License ', 'SOFTWARE_LICENSE'],
    ['RAN_MW', 'RAN_MW'],
    ['pln', 'PLN_UPGRADE'],
    ['dismantle-drop', 'DISMANTLE_DROP'],
    ['Dismantle Keep', 'DISMANTLE_KEEP'],
  ])('maps %p to %p', (raw, expected) => {
    expect(canonicalCategory(raw)).toBe(expected);
  });

  it('has no single category for BOTH or unknown values', () => {
    expect(canonicalCategory('BOTH')).toBeNull();
    expect(canonicalCategory('GARDENING')).toBeNull();
  });

  it('expands BOTH into the hardware and software categories', () => {
    expect(expandLegacyCategory('both')).toEqual(['RAN_MW', 'SOFTWARE_LICENSE']);
    expect(expandLegacyCategory('HARDWARE')).toEqual(['RAN_MW']);
    expect(expandLegacyCategory('???')).toEqual([]);
  });
});

describe('canonicalRoleCode', () => {
  it.each([
    ['NOC_HEAD', 'HEAD_NOC'],
    ['noc head', 'HEAD_NOC'],
    ['RTH_HEAD', 'RTH'],
    ['RTS_FOP', 'FOP_RTS'],
    ['RTS', 'FOP_RTS'],
    ['RTH_TEAM', 'REGION_TEAM'],
    ['BUSINESS_OPS', 'BO'],
    ['XLS_CONFIG', 'XLS_CONFIG_TEAM'],
    ['HEAD_NOC', 'HEAD_NOC'],
    ['SME_TEAM', 'SME_TEAM'],
  ])('maps %p to %p', (raw, expected) => {
    expect(canonicalRoleCode(raw)).toBe(expected);
  });

  it('keeps workspace-defined roles, normalised', () => {
    expect(canonicalRoleCode(' site-auditor ')).toBe('SITE_AUDITOR');
    expect(isCanonicalRoleCode('SITE_AUDITOR')).toBe(false);
    expect(isCanonicalRoleCode('HEAD_NOC')).toBe(true);
  });
});

describe('#6 normaliseRouteCodes: the one normalisation of the dry run and the start', () => {
  it('normalises scope and vendor as the imports store them, an empty vendor is none', () => {
    expect(normaliseRouteCodes({ scopeCode: ' pln_upgrade ', vendorCode: 'aviat' })).toEqual({
      scopeCode: 'PLN_UPGRADE',
      vendorCode: 'AVIAT',
    });
    expect(normaliseRouteCodes({ scopeCode: 'mw-new', vendorCode: '' })).toEqual({
      scopeCode: 'MW_NEW',
      vendorCode: null,
    });
    expect(normaliseRouteCodes({ scopeCode: 'MW_NEW' })).toEqual({ scopeCode: 'MW_NEW', vendorCode: null });
    expect(normaliseSiteCode(' jkt-0001 ')).toBe('JKT-0001');
  });
});

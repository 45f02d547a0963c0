import { resolvePolicy } from './policy-resolution';
import type { PolicyResolution } from './routing-types';
import { RoutingBuilder, routeRequest } from './test-support/routing-builder';

function resolve(builder: RoutingBuilder, request = routeRequest()): PolicyResolution {
  const { approvalMatrix, scopeConfig } = builder.build();
  return resolvePolicy({ approvalMatrix, scopeConfig, request });
}

function chosen(result: PolicyResolution): { rule: string; id: string } {
  if (!result.ok) throw new Error(`expected a policy, got ${result.reason}: ${result.message}`);
  const id = result.policy.source === 'MATRIX' ? result.policy.policyId : result.policy.templateCode;
  return { rule: result.matchedRule, id };
}

const base = () =>
  new RoutingBuilder()
    .scope('RAN')
    .policy('p-zte', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE' })
    .policy('p-huawei', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'HUAWEI' })
    .policy('p-any', { scopeCode: 'RAN', atpCategory: 'RAN_MW' })
    .policy('p-sw', { scopeCode: 'RAN', atpCategory: 'SOFTWARE_LICENSE', fallbackPriority: 2 });

describe('resolvePolicy', () => {
  it('EXACT_VENDOR: the policy of the requested vendor', () => {
    expect(chosen(resolve(base()))).toEqual({ rule: 'EXACT_VENDOR', id: 'p-zte' });
  });

  it('ANY_VENDOR: the vendor-less policy when the vendor has none', () => {
    expect(chosen(resolve(base(), routeRequest({ vendorCode: 'NOKIA' })))).toEqual({ rule: 'ANY_VENDOR', id: 'p-any' });
    expect(chosen(resolve(base(), routeRequest({ vendorCode: null })))).toEqual({ rule: 'ANY_VENDOR', id: 'p-any' });
  });

  it('skips inactive, not yet effective, expired and stage-less policies', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p-inactive', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', isActive: false })
      .policy('p-future', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', effectiveDate: '2026-03-02' })
      .policy('p-expired', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', expiryDate: '2026-03-01' })
      .policy('p-empty', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE' }, [])
      .policy('p-any', { scopeCode: 'RAN', atpCategory: 'RAN_MW' });
    expect(chosen(resolve(builder))).toEqual({ rule: 'ANY_VENDOR', id: 'p-any' });
  });

  it('never mixes policies: among several exact matches the lowest priority, then latest effective date wins', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p-old', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', effectiveDate: '2025-01-01' })
      .policy('p-new', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', effectiveDate: '2026-01-01' })
      .policy('p-prio', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', fallbackPriority: 0 });
    expect(chosen(resolve(builder)).id).toBe('p-prio');
  });

  it('FALLBACK_PRIORITY: the scope policy of another category with the lowest fallback priority', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p-pln', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', fallbackPriority: 3 })
      .policy('p-hw', { scopeCode: 'RAN', atpCategory: 'RAN_MW', fallbackPriority: 2 })
      .policy('p-other-vendor', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'HUAWEI', fallbackPriority: 0 })
      .policy('p-other-scope', { scopeCode: 'MW', atpCategory: 'DISMANTLE_DROP', fallbackPriority: 0 });
    const result = resolve(builder, routeRequest({ atpCategory: 'DISMANTLE_KEEP' }));
    expect(chosen(result)).toEqual({ rule: 'FALLBACK_PRIORITY', id: 'p-hw' });
    expect(result.trail.map((step) => `${step.rule}:${step.outcome}`)).toEqual([
      'EXACT_VENDOR:NO_MATCH',
      'ANY_VENDOR:NO_MATCH',
      'FALLBACK_PRIORITY:MATCHED',
    ]);
  });

  it('FALLBACK_PRIORITY: prefers the requested vendor at equal priority', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p-a-any', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', fallbackPriority: 2 })
      .policy('p-b-zte', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', vendorCode: 'ZTE', fallbackPriority: 2 });
    expect(chosen(resolve(builder)).id).toBe('p-b-zte');
  });

  it('FALLBACK_PRIORITY: follows the parent chain of an unusable same-category policy', () => {
    const builder = new RoutingBuilder()
      .scope('RAN')
      .policy('p-zte', {
        scopeCode: 'RAN',
        atpCategory: 'RAN_MW',
        vendorCode: 'ZTE',
        isActive: false,
        parentPolicyId: 'p-mid',
      })
      .policy('p-mid', {
        scopeCode: 'RAN',
        atpCategory: 'PLN_UPGRADE',
        expiryDate: '2026-01-01',
        parentPolicyId: 'p-root',
      })
      .policy('p-root', { scopeCode: 'RAN', atpCategory: 'SOFTWARE_LICENSE', fallbackPriority: 9 })
      .policy('p-cheap', { scopeCode: 'RAN', atpCategory: 'DISMANTLE_DROP', fallbackPriority: 1 });
    const result = resolve(builder);
    expect(chosen(result)).toEqual({ rule: 'FALLBACK_PRIORITY', id: 'p-root' });
    expect(result.trail.at(-1)?.detail).toContain('parent chain of p-zte');
  });

  it('survives a parent cycle in bad data', () => {
    const builder = new RoutingBuilder()
      .scope('RAN', { defaultTemplateCode: null })
      .policy('p-a', { scopeCode: 'RAN', atpCategory: 'RAN_MW', isActive: false, parentPolicyId: 'p-b' })
      .policy('p-b', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', isActive: false, parentPolicyId: 'p-a' });
    expect(chosen(resolve(builder)).rule).toBe('CATEGORY_TEMPLATE');
  });

  it("SCOPE_TEMPLATE: the built-in chain named by the scope when it is the requested category's", () => {
    const software = routeRequest({ atpCategory: 'SOFTWARE_LICENSE' });
    expect(
      chosen(resolve(new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'ATP_SOFTWARE' }), software)),
    ).toEqual({
      rule: 'SCOPE_TEMPLATE',
      id: 'SOFTWARE_LICENSE',
    });
    expect(chosen(resolve(new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'ATP_HARDWARE' })))).toEqual({
      rule: 'SCOPE_TEMPLATE',
      id: 'RAN_MW',
    });
  });

  it("CATEGORY_TEMPLATE: the category chain when the scope template is another category's, combined or unknown", () => {
    for (const code of ['ATP_HARDWARE', 'ATP_COMBINED', 'both', 'NO_SUCH_TEMPLATE', null]) {
      const result = resolve(
        new RoutingBuilder().scope('RAN', { defaultTemplateCode: code }),
        routeRequest({ atpCategory: 'DISMANTLE_DROP' }),
      );
      expect(chosen(result)).toEqual({ rule: 'CATEGORY_TEMPLATE', id: 'DISMANTLE_DROP' });
      expect(result.trail.find((step) => step.rule === 'SCOPE_TEMPLATE')).toMatchObject({ outcome: 'NO_MATCH' });
    }
    const unknown = resolve(new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'NO_SUCH_TEMPLATE' }));
    expect(unknown.trail.find((step) => step.rule === 'SCOPE_TEMPLATE')?.detail).toContain('NO_SUCH_TEMPLATE');
    const other = resolve(
      new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'ATP_HARDWARE' }),
      routeRequest({ atpCategory: 'PLN_UPGRADE' }),
    );
    expect(other.trail.find((step) => step.rule === 'SCOPE_TEMPLATE')?.detail).toBe(
      "scope template ATP_HARDWARE is the RAN_MW chain, not PLN_UPGRADE's",
    );
  });

  describe('routing rule: the category decides the chain (domain §5.3)', () => {
    it('a policy of another category that is not marked as a broader fallback never stands in, and the trail says so', () => {
      const builder = new RoutingBuilder()
        .scope('RAN_NEW', { defaultTemplateCode: 'ATP_HARDWARE' })
        .policy('p-ran', { scopeCode: 'RAN_NEW', atpCategory: 'RAN_MW', fallbackPriority: 1 })
        .policy('p-ran-zte', { scopeCode: 'RAN_NEW', atpCategory: 'RAN_MW', vendorCode: 'ZTE', fallbackPriority: 0 });
      const result = resolve(builder, routeRequest({ scopeCode: 'RAN_NEW', atpCategory: 'DISMANTLE_DROP' }));
      expect(chosen(result)).toEqual({ rule: 'CATEGORY_TEMPLATE', id: 'DISMANTLE_DROP' });
      expect(result.trail.map((step) => `${step.rule}:${step.outcome}`)).toEqual([
        'EXACT_VENDOR:NO_MATCH',
        'ANY_VENDOR:NO_MATCH',
        'FALLBACK_PRIORITY:NO_MATCH',
        'SCOPE_TEMPLATE:NO_MATCH',
        'CATEGORY_TEMPLATE:MATCHED',
      ]);
      expect(result.trail[2]?.detail).toContain(
        '2 policy(ies) of RAN_MW not marked as a broader fallback (fallback_priority < 2)',
      );
    });

    it('a policy of another category marked with fallback_priority ≥ 2 stands in', () => {
      const builder = new RoutingBuilder()
        .scope('RAN')
        .policy('p-plain', { scopeCode: 'RAN', atpCategory: 'RAN_MW', fallbackPriority: 1 })
        .policy('p-broad', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', fallbackPriority: 2 });
      expect(chosen(resolve(builder, routeRequest({ atpCategory: 'DISMANTLE_KEEP' })))).toEqual({
        rule: 'FALLBACK_PRIORITY',
        id: 'p-broad',
      });
    });

    it('a parent chain of a same-category policy may lead to another category', () => {
      const builder = new RoutingBuilder()
        .scope('RAN')
        .policy('p-keep', { scopeCode: 'RAN', atpCategory: 'DISMANTLE_KEEP', isActive: false, parentPolicyId: 'p-pln' })
        .policy('p-pln', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', fallbackPriority: 1 });
      const result = resolve(builder, routeRequest({ atpCategory: 'DISMANTLE_KEEP' }));
      expect(chosen(result)).toEqual({ rule: 'FALLBACK_PRIORITY', id: 'p-pln' });
      expect(result.trail.at(-1)?.detail).toContain('parent chain of p-keep');
    });

    it('#8 a scope that is not ACTIVE in the SCOPE_CONFIG version does not route, even with matrix policies', () => {
      const builder = new RoutingBuilder()
        .scope('MW_NEW')
        .policy('p-pln', { scopeCode: 'PLN_UPGRADE', atpCategory: 'PLN_UPGRADE' });
      const result = resolve(builder, routeRequest({ scopeCode: 'PLN_UPGRADE', atpCategory: 'PLN_UPGRADE' }));
      expect(result).toMatchObject({ ok: false, reason: 'NO_POLICY' });
      expect(
        result.trail.every((step) => step.outcome === 'NO_MATCH' && step.detail.includes('not active in SCOPE_CONFIG')),
      ).toBe(true);
    });

    it('#6 codes are normalised the same way for every caller: case, spaces and hyphens', () => {
      const result = resolve(base(), routeRequest({ scopeCode: ' ran ', vendorCode: 'zte' }));
      expect(chosen(result)).toEqual({ rule: 'EXACT_VENDOR', id: 'p-zte' });
      expect(chosen(resolve(base(), routeRequest({ vendorCode: '  ' })))).toEqual({ rule: 'ANY_VENDOR', id: 'p-any' });
    });
  });

  it('NO_POLICY as a result, not an exception, for an unknown or inactive scope without policies', () => {
    const unknown = resolve(new RoutingBuilder().scope('MW'));
    expect(unknown).toMatchObject({ ok: false, reason: 'NO_POLICY' });
    const inactive = resolve(new RoutingBuilder().scope('RAN', { isActive: false, defaultTemplateCode: 'RAN_MW' }));
    expect(inactive).toMatchObject({ ok: false, reason: 'NO_POLICY' });
    expect(inactive.trail).toHaveLength(5);
    expect(inactive.trail.every((step) => step.outcome === 'NO_MATCH')).toBe(true);
  });

  it('refuses snapshots of another workspace', () => {
    expect(resolve(base(), routeRequest({ workspaceId: 'ws-other' }))).toMatchObject({
      ok: false,
      reason: 'WORKSPACE_MISMATCH',
    });
  });
});

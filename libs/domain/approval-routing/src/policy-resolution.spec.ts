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
      .policy('p-zte', { scopeCode: 'RAN', atpCategory: 'RAN_MW', vendorCode: 'ZTE', isActive: false, parentPolicyId: 'p-mid' })
      .policy('p-mid', { scopeCode: 'RAN', atpCategory: 'PLN_UPGRADE', expiryDate: '2026-01-01', parentPolicyId: 'p-root' })
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
    expect(chosen(resolve(builder)).rule).toBe('ATP_COMBINED');
  });

  it('SCOPE_TEMPLATE: the built-in chain named by the scope, legacy spellings accepted', () => {
    expect(chosen(resolve(new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'ATP_SOFTWARE' })))).toEqual({
      rule: 'SCOPE_TEMPLATE',
      id: 'SOFTWARE_LICENSE',
    });
    expect(chosen(resolve(new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'both' })))).toEqual({
      rule: 'SCOPE_TEMPLATE',
      id: 'BOTH',
    });
  });

  it('ATP_COMBINED: the last resort for a known scope, also when its template code is unknown', () => {
    const result = resolve(new RoutingBuilder().scope('RAN', { defaultTemplateCode: 'NO_SUCH_TEMPLATE' }));
    expect(chosen(result)).toEqual({ rule: 'ATP_COMBINED', id: 'ATP_COMBINED' });
    expect(result.trail.find((step) => step.rule === 'SCOPE_TEMPLATE')?.detail).toContain('NO_SUCH_TEMPLATE');
  });

  it('NO_POLICY as a result, not an exception, for an unknown or inactive scope without policies', () => {
    const unknown = resolve(new RoutingBuilder().scope('MW'));
    expect(unknown).toMatchObject({ ok: false, reason: 'NO_POLICY' });
    const inactive = resolve(new RoutingBuilder().scope('RAN', { isActive: false, defaultTemplateCode: 'RAN_MW' }));
    expect(inactive).toMatchObject({ ok: false, reason: 'NO_POLICY' });
    expect(inactive.trail).toHaveLength(5);
  });

  it('refuses snapshots of another workspace', () => {
    expect(resolve(base(), routeRequest({ workspaceId: 'ws-other' }))).toMatchObject({ ok: false, reason: 'WORKSPACE_MISMATCH' });
  });
});

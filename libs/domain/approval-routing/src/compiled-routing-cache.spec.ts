import { CompiledRoutingCache } from './compiled-routing-cache';
import type { CompiledRouting } from './route';

const routing = (name: string) => ({ name }) as unknown as CompiledRouting;
const ids = (n: number) => ({ approvalMatrix: `m${n}`, clusterMapping: `c${n}`, scopeConfig: `s${n}` });

describe('CompiledRoutingCache', () => {
  it('finds a routing by its three version ids only', () => {
    const cache = new CompiledRoutingCache();
    const one = cache.remember(ids(1), routing('one'));
    expect(cache.find(ids(1))).toBe(one);
    expect(cache.find({ ...ids(1), scopeConfig: 's2' })).toBeUndefined();
  });

  it('evicts the least recently used past its capacity', () => {
    const cache = new CompiledRoutingCache(2);
    cache.remember(ids(1), routing('one'));
    cache.remember(ids(2), routing('two'));
    cache.find(ids(1)); // used: two is now the oldest
    cache.remember(ids(3), routing('three'));
    expect(cache.find(ids(2))).toBeUndefined();
    expect(cache.find(ids(1))).toBeDefined();
    expect(cache.find(ids(3))).toBeDefined();
  });
});

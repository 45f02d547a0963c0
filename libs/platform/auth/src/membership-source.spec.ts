import type { WorkspaceRole } from './access-policy';
import { CachedMembershipSource, MEMBERSHIP_CACHE_MS } from './membership-source';

/** A source over an in-memory directory that counts its lookups and can hold one open (a slow query). */
class SpecSource extends CachedMembershipSource {
  roles: WorkspaceRole[] = ['AUDITOR'];
  lookups = 0;
  hold: Promise<void> | null = null;

  protected async lookUp(): Promise<WorkspaceRole[]> {
    this.lookups += 1;
    const answer = [...this.roles];
    if (this.hold) await this.hold;
    return answer;
  }
}

describe('CachedMembershipSource', () => {
  let now = 1_000_000;
  beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => now));
  afterEach(() => jest.restoreAllMocks());

  it('answers a repeated lookup from the cache within the bound, and reads again after it', async () => {
    const source = new SpecSource();
    expect(await source.activeRoles('w', 'u')).toEqual(['AUDITOR']);
    expect(await source.activeRoles('w', 'u')).toEqual(['AUDITOR']);
    expect(source.lookups).toBe(1);
    await source.activeRoles('w', 'other');
    expect(source.lookups).toBe(2);
    now += MEMBERSHIP_CACHE_MS;
    source.roles = [];
    expect(await source.activeRoles('w', 'u')).toEqual([]);
  });

  it('reads the committed state on the next request once forget() was called (a revocation in this process)', async () => {
    const source = new SpecSource();
    await source.activeRoles('w', 'u');
    source.roles = [];
    source.forget();
    expect(await source.activeRoles('w', 'u')).toEqual([]);
    expect(source.lookups).toBe(2);
  });

  it('does not store an answer read before a forget() that came while it ran', async () => {
    const source = new SpecSource();
    let release = () => undefined as void;
    source.hold = new Promise<void>((resolve) => (release = resolve));
    const slow = source.activeRoles('w', 'u'); // reads the old roles, then waits
    source.roles = [];
    source.forget();
    release();
    expect(await slow).toEqual(['AUDITOR']);
    source.hold = null;
    expect(await source.activeRoles('w', 'u')).toEqual([]);
  });
});

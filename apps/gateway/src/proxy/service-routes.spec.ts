import { upstreamFor } from './service-routes';

describe('upstreamFor', () => {
  it.each([
    ['/api/v1/users', 'config'],
    ['/api/v1/users/u-1?x=1', 'config'],
    ['/api/v1/workspaces', 'config'],
    ['/api/v1/workspaces/ws-1', 'config'],
    ['/api/v1/workspaces/ws-1/deactivate', 'config'],
    ['/api/v1/workspaces/ws-1/config-versions/import', 'config'],
    ['/api/v1/workspaces/ws-1/routing/dry-run', 'config'],
    ['/api/v1/workspaces/ws-1/workflows/wf-1/stages/s-1/decisions', 'workflow'],
    ['/api/v1/workspaces/ws-1/inbox?limit=5', 'workflow'],
    ['/api/v1/workspaces/ws-1/overrides/o-1/approve', 'workflow'],
    ['/api/v1/workspaces/ws-1/submissions', 'submission'],
    ['/api/v1/workspaces/ws-1/punchlists/p-1', 'punchlist'],
    ['/api/v1/workspaces/ws-1/punchlists/p-1/items/i-1/rectify', 'punchlist'],
    ['/api/v1/workspaces/ws-1/submissions/s-1/documents', 'submission'],
    ['/api/v1/workspaces/ws-1/submissions/bulk', 'submission'],
    ['/api/v1/workspaces/ws-1/categorize', 'submission'],
    ['/api/v1/workspaces/ws-1/jobs/j-1', 'submission'],
    ['/api/v1/workspaces/ws-1/integrity/workflow/audits/latest', 'workflow'],
    ['/api/v1/workspaces/ws-1/integrity/punchlist/audits', 'punchlist'],
  ])('%s → %s', (path, service) => {
    expect(upstreamFor(path)).toBe(service);
  });

  it.each([
    '/api/v1',
    '/api/v2/users',
    '/health/ready',
    '/api/v1/nothing',
    '/api/v1/workspaces/ws-1/unknown',
    '/api/v1/workspaces/ws-1/integrity/nobody/audits',
    // Object's own members are no resources (the security sweep found these answered 500).
    '/api/v1/workspaces/ws-1/integrity/__proto__/audits',
    '/api/v1/workspaces/ws-1/integrity/constructor/audits',
    '/api/v1/workspaces/ws-1/constructor',
    '/api/v1/toString',
    '/api/v1/__proto__',
  ])('%s → nobody', (path) => {
    expect(upstreamFor(path)).toBeNull();
  });
});

import { routeClassOf } from './route-classes';

describe('routeClassOf', () => {
  it.each([
    ['/api/v1/workspaces/ws-1/submissions/bulk', 'bulk'],
    ['/api/v1/workspaces/ws-1/submissions/s-1/documents', 'document'],
    ['/api/v1/workspaces/ws-1/punchlists/p-1/items/i-1/rectify', 'document'],
    ['/api/v1/workspaces/ws-1/config-versions/import?dryRun=true', 'spreadsheet'],
    ['/api/v1/workspaces/ws-1/sites/import', 'spreadsheet'],
    ['/api/v1/workspaces/ws-1/workflows/w-1/stages/s-1/decisions', 'decision'],
    ['/api/v1/workspaces/ws-1/submissions', 'json'],
    ['/api/v1/users', 'json'],
  ])('%s → %s', (path, routeClass) => {
    expect(routeClassOf(path)).toBe(routeClass);
  });
});

/**
 * Which service owns a public path (architecture §2, §8). The gateway forwards by the resource
 * named after the workspace id; everything else under /api/v1 is config-service's directory.
 */
export type UpstreamService = 'config' | 'workflow' | 'submission' | 'punchlist';

const workspaceResources: Readonly<Record<string, UpstreamService>> = {
  'config-versions': 'config',
  'config-templates': 'config',
  routing: 'config',
  members: 'config',
  sites: 'config',
  deactivate: 'config',
  workflows: 'workflow',
  inbox: 'workflow',
  sla: 'workflow',
  overrides: 'workflow',
  submissions: 'submission',
  categorize: 'submission',
  punchlists: 'punchlist',
};

const topLevelResources: Readonly<Record<string, UpstreamService>> = {
  users: 'config',
  workspaces: 'config',
};

/** The owning service of `/api/v1/...`, or null when no service serves that path. */
export function upstreamFor(path: string): UpstreamService | null {
  const segments = path.split('?')[0].split('/').filter(Boolean);
  if (segments[0] !== 'api' || segments[1] !== 'v1' || segments.length < 3) return null;
  const [, , resource, workspaceId, workspaceResource] = segments;
  if (resource === 'workspaces' && workspaceId !== undefined && workspaceResource !== undefined) {
    return workspaceResources[workspaceResource] ?? null;
  }
  return topLevelResources[resource] ?? null;
}

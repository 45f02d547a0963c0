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
  jobs: 'submission',
  punchlists: 'punchlist',
};

/** `/workspaces/{ws}/integrity/{service}/…` goes to the service it names. */
const integrityServices: Readonly<Record<string, UpstreamService>> = {
  config: 'config',
  workflow: 'workflow',
  submission: 'submission',
  punchlist: 'punchlist',
};

const topLevelResources: Readonly<Record<string, UpstreamService>> = {
  users: 'config',
  workspaces: 'config',
};

/** The table's own entry: a segment like `__proto__` or `constructor` names nothing (never Object's members). */
const entryOf = (table: Readonly<Record<string, UpstreamService>>, key: string | undefined): UpstreamService | null =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : null;

/** The owning service of `/api/v1/...`, or null when no service serves that path. */
export function upstreamFor(path: string): UpstreamService | null {
  const segments = path.split('?')[0].split('/').filter(Boolean);
  if (segments[0] !== 'api' || segments[1] !== 'v1' || segments.length < 3) return null;
  const [, , resource, workspaceId, workspaceResource, named] = segments;
  if (resource === 'workspaces' && workspaceResource === 'integrity') return entryOf(integrityServices, named);
  if (resource === 'workspaces' && workspaceId !== undefined && workspaceResource !== undefined) {
    return entryOf(workspaceResources, workspaceResource);
  }
  return entryOf(topLevelResources, resource);
}

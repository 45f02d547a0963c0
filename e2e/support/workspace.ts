import { uniqueSuffix } from '@atp/testing';
import type { Api } from './api-client';
import { expectStatus } from './api-client';
import { waitForConsumersCaughtUp } from './consumer-lag';
import {
  E2E_USERS,
  SITES,
  USERS,
  allApprovers,
  approvalMatrixCsv,
  clusterMappingCsv,
  scopeConfigCsv,
} from './demo-data';

export interface Site {
  siteId: string;
  siteCode: string;
  region: string | null;
  clusterCode: string | null;
}

export type SourceType = 'APPROVAL_MATRIX' | 'CLUSTER_MAPPING' | 'SCOPE_CONFIG';

export interface Workspace {
  id: string;
  code: string;
  sites: Map<string, Site>;
  /** The ACTIVE config version of each source type (refreshed by `activeVersions`). */
  active: Record<SourceType, string>;
}

/** The consumer groups that copy config-service's reference data and snapshots into the other services. */
export const REPLICA_GROUPS = [
  'workflow-service.config-snapshot-replica',
  'workflow-service.reference-replica',
  'submission-service.reference-replica',
  'submission-service.config-snapshot-replica',
  'punchlist-service.reference-replica',
];

/** Lists answer `{items, nextCursor}` (contract "Conventions"); anything else counts as no items. */
export function itemsOf<T = any>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  return ((body as { items?: T[] })?.items ?? []) as T[];
}

/** Creates the suite's own users once (the directory is global; a second run finds them). */
export async function ensureE2eUsers(api: Api): Promise<void> {
  const actor = USERS.platformAdmin;
  for (const user of Object.values(E2E_USERS)) {
    const existing = await api.as(actor).get(`/users/${user.id}`);
    if (existing.status === 200) continue;
    const created = await api.as(actor).post('/users', {
      id: user.id,
      email: `${user.id.slice(2)}@e2e.example`,
      fullName: user.id,
      userType: 'INTERNAL',
    });
    if (created.status !== 201 && created.status !== 409) expectStatus(created, 201, `create user ${user.id}`);
  }
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/**
 * A new workspace set up entirely through the public API, like an operator would: members for every
 * role, the demo sites, the three configuration files imported and activated. Waits until the services
 * downstream (workflow-service's replicas) have applied it, so a workflow can start at once.
 */
export async function provisionWorkspace(
  api: Api,
  brokers: string[],
  options: {
    codePrefix?: string;
    extraMembers?: Array<{ id: string; role: string }>;
    extraSites?: ReadonlyArray<Record<keyof (typeof SITES)[number], string>>;
  } = {},
): Promise<Workspace> {
  await ensureE2eUsers(api);
  const actor = USERS.platformAdmin;
  const code = `${options.codePrefix ?? 'E2E'}-${uniqueSuffix()}`.toUpperCase();
  const created = expectStatus(
    await api
      .as(actor)
      .post('/workspaces', { code, name: `e2e ${code}`, customerGroupId: 'XLSMART', vendorOwnerId: 'AVIAT' }),
    201,
    'create workspace',
  );
  const id = String(created.body.workspaceId ?? created.body.id);
  // The creator is the workspace's first admin: it adds everyone else.
  const admin = api.as(actor);

  const members: Array<{ id: string; role: string }> = [
    { id: USERS.admin, role: 'WORKSPACE_ADMIN' },
    { id: USERS.docControl, role: 'DOC_CONTROL' },
    { id: USERS.qa, role: 'QA_ENGINEER' },
    { id: USERS.auditor, role: 'AUDITOR' },
    E2E_USERS.secondAdmin,
    E2E_USERS.outsider,
    ...allApprovers().map((approver) => ({ id: approver, role: 'APPROVER' })),
    ...(options.extraMembers ?? []),
  ];
  await inBatches(members, 8, async (member) => {
    const added = await admin.post(`/workspaces/${id}/members`, { userId: member.id, role: member.role });
    if (added.status !== 201 && added.status !== 200) expectStatus(added, 201, `add member ${member.id}`);
  });
  const ws = api.as(USERS.admin);
  await inBatches([...SITES, ...(options.extraSites ?? [])], 6, async (site) => {
    expectStatus(await ws.put(`/workspaces/${id}/sites`, { ...site, isActive: true }), 200, `site ${site.siteCode}`);
  });
  for (const [sourceType, csv] of [
    ['SCOPE_CONFIG', scopeConfigCsv()],
    ['APPROVAL_MATRIX', approvalMatrixCsv()],
    ['CLUSTER_MAPPING', clusterMappingCsv()],
  ] as const) {
    await importAndActivate(api, id, sourceType, csv);
  }
  const sites = new Map<string, Site>();
  for (const site of itemsOf<Site>(
    expectStatus(await ws.get(`/workspaces/${id}/sites?limit=200`), 200, 'list sites').body,
  ))
    sites.set(site.siteCode, site);
  const workspace: Workspace = { id, code, sites, active: await activeVersions(api, id) };
  await waitForConsumersCaughtUp(brokers, REPLICA_GROUPS);
  return workspace;
}

/** Imports a configuration file as a DRAFT and activates it; answers the new version id. */
export async function importAndActivate(
  api: Api,
  workspaceId: string,
  sourceType: SourceType,
  csv: string,
): Promise<string> {
  const admin = api.as(USERS.admin);
  const imported = expectStatus(
    await admin.upload(`/workspaces/${workspaceId}/config-versions/import`, { sourceType }, [
      {
        field: 'file',
        fileName: `${sourceType.toLowerCase()}-${uniqueSuffix()}.csv`,
        content: csv,
        contentType: 'text/csv',
      },
    ]),
    201,
    `import ${sourceType}`,
  );
  const versionId = String(imported.body.version?.id ?? imported.body.id);
  const activated = await admin.post(`/workspaces/${workspaceId}/config-versions/${versionId}/activate`, {});
  if (activated.status !== 200 && activated.status !== 201) expectStatus(activated, 200, `activate ${sourceType}`);
  return versionId;
}

export async function activeVersions(api: Api, workspaceId: string): Promise<Record<SourceType, string>> {
  const list = itemsOf<{ id: string; sourceType: SourceType; status: string }>(
    expectStatus(await api.as(USERS.admin).get(`/workspaces/${workspaceId}/config-versions`), 200, 'list versions')
      .body,
  );
  const active = (type: SourceType) => {
    const version = list.find((v) => v.sourceType === type && v.status === 'ACTIVE');
    if (!version) throw new Error(`workspace ${workspaceId} has no ACTIVE ${type}`);
    return version.id;
  };
  return {
    APPROVAL_MATRIX: active('APPROVAL_MATRIX'),
    CLUSTER_MAPPING: active('CLUSTER_MAPPING'),
    SCOPE_CONFIG: active('SCOPE_CONFIG'),
  };
}

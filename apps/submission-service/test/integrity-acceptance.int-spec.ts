import type { InboxConsumer } from '@atp/platform-messaging';
import { InboxTransport } from '@atp/platform-runtime';
import { bearer, PLATFORM_ADMIN, startServiceProcess, uniqueSuffix, waitFor, type ServiceProcess } from '@atp/testing';
import { SubmissionHarness } from './support/submission-harness';

/**
 * Fault injection (issue 13 acceptance): submission-service's replica consumer is paused so its copy of the sites
 * lags, the site is deactivated upstream meanwhile (config-service, the real owner, running from its sources as a
 * child process), and a submission is created against the stale replica: its `submission.created` is refused by
 * config-service (site INACTIVE) and the submission becomes INVALID_REFERENCE here. Resumed, the replica catches up
 * and the write-time check refuses the site from then on.
 */
jest.setTimeout(300_000);

const salt = uniqueSuffix();
const admin = `u-acc-admin-${salt}`;
const doc = `u-acc-doc-${salt}`;
const siteCode = `ACC-SITE-${salt}`;

/** A sectioned CSV file, the format of config-service's import (sheets of rows). */
function csv(sheets: Record<string, Array<Record<string, string>>>): Buffer {
  const lines: string[] = [];
  for (const [name, rows] of Object.entries(sheets)) {
    lines.push(`[${name}]`, Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(',')));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('a paused replica consumer: the stale reference is caught and compensated', () => {
  const harness = new SubmissionHarness();
  let config: ServiceProcess | undefined;
  let workspaceId: string;

  const configCall = async (method: string, path: string, user: string, body?: unknown, platformAdmin = false) => {
    const response = await fetch(`${config?.url}/api/v1${path}`, {
      method,
      headers: { ...bearer(user, platformAdmin ? PLATFORM_ADMIN : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  const putSite = (isActive: boolean) =>
    configCall('PUT', `/workspaces/${workspaceId}/sites`, admin, {
      siteCode,
      siteName: siteCode,
      clusterCode: 'JKT-01',
      isActive,
    });
  const createSubmission = async () =>
    harness
      .http()
      .post(`/api/v1/workspaces/${workspaceId}/submissions`)
      .set(await harness.auth(doc))
      .send({ siteCode, scopeCode: 'PLN_UPGRADE', vendorCode: 'AVIAT', atpCategory: 'PLN_UPGRADE' });
  const replicaConsumer = (): InboxConsumer => {
    const consumers = harness.app.get(InboxTransport).unwrap<InboxConsumer[]>();
    return consumers.find((c) => c.name === 'submission-service.reference-replica') as InboxConsumer;
  };
  const siteReplicaActive = async () =>
    (
      (await harness.query(`SELECT is_active FROM site_replica WHERE workspace_id = $1 AND site_code = $2`, [
        workspaceId,
        siteCode,
      ])) as Array<{ is_active: boolean }>
    )[0]?.is_active;

  beforeAll(async () => {
    await harness.start();
    config = await startServiceProcess('config');
    for (const id of [admin, doc])
      await configCall('POST', '/users', 'bootstrap', { id, email: `${id}@example.test`, fullName: id }, true);
    workspaceId = (
      await configCall(
        'POST',
        '/workspaces',
        admin,
        { code: `ACC-${salt.toUpperCase()}`, name: 'Acceptance', customerGroupId: 'cg', vendorOwnerId: 'vo' },
        true,
      )
    ).workspaceId;
    await configCall('POST', `/workspaces/${workspaceId}/members`, admin, { userId: doc, role: 'DOC_CONTROL' });
    const form = new FormData();
    form.set('sourceType', 'SCOPE_CONFIG');
    const file = csv({
      scopes: [{ scope_code: 'PLN_UPGRADE', scope_name: `Upgrade ${salt}`, scope_group: 'PLN' }],
      vendors: [{ vendor_code: 'AVIAT', vendor_name: 'AVIAT', vendor_type: 'OEM' }],
    });
    form.set('file', new Blob([file]), 'scope.csv');
    const imported = await fetch(`${config.url}/api/v1/workspaces/${workspaceId}/config-versions/import`, {
      method: 'POST',
      headers: bearer(admin),
      body: form,
    });
    expect(imported.status).toBe(201);
    const versionId = ((await imported.json()) as { version: { id: string } }).version.id;
    await configCall('POST', `/workspaces/${workspaceId}/config-versions/${versionId}/activate`, admin);
    await putSite(true);
    await waitFor(
      async () =>
        (await siteReplicaActive()) === true &&
        (
          await harness.query(`SELECT 1 FROM scope_replica WHERE workspace_id = $1 AND scope_code = 'PLN_UPGRADE'`, [
            workspaceId,
          ])
        ).length === 1 &&
        (
          await harness.query(`SELECT 1 FROM member_replica WHERE workspace_id = $1 AND user_id = $2`, [
            workspaceId,
            doc,
          ])
        ).length === 1,
      { timeoutMs: 60_000, intervalMs: 250, what: 'the site, scope and member replicated from config-service' },
    );
  }, 300_000);

  afterAll(async () => {
    await config?.stop();
    await harness.stop();
  });

  it('creates against the stale replica, is refused by the owner, compensated, and refused at write time once caught up', async () => {
    await replicaConsumer().stop(); // the fault: the replica stops following config-service
    await putSite(false); // upstream change meanwhile (no open submission pins the site yet)
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await siteReplicaActive()).toBe(true); // stale

    const created = await createSubmission();
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const view = await waitFor(
      async () => {
        const body = (
          await harness
            .http()
            .get(`/api/v1/workspaces/${workspaceId}/submissions/${id}`)
            .set(await harness.auth(doc))
        ).body;
        return body.status === 'INVALID_REFERENCE' && body;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the submission INVALID_REFERENCE' },
    );
    expect(view.referenceRejections).toEqual([
      expect.objectContaining({
        field: 'siteId',
        entity: 'sites',
        reasonCode: 'INACTIVE',
        ownerService: 'config-service',
        outcome: 'COMPENSATED',
      }),
    ]);
    const events = (await harness.outboxEvents(id)).map((e) => [
      e.eventType,
      (e.payload as { toStatus?: string }).toStatus,
    ]);
    expect(events).toContainEqual(['submission.status-changed', 'INVALID_REFERENCE']);

    await replicaConsumer().start(); // resumed: the replica catches up with the deactivation
    await waitFor(async () => (await siteReplicaActive()) === false, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the replica caught up',
    });
    const refused = await createSubmission();
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ field: 'siteCode' });
  });
});

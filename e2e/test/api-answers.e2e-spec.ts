import { expectStatus } from '../support/api-client';
import { approvalMatrixCsv, E2E_USERS, USERS } from '../support/demo-data';
import { EventLog } from '../support/event-log';
import { e2eStack } from '../support/stack';
import { pdfOf, Submissions } from '../support/submission-steps';
import { decide, expectedChain, inboxEntry } from '../support/workflow-steps';
import { importAndActivate, itemsOf, provisionWorkspace, type Workspace } from '../support/workspace';

/**
 * The reads and admin answers the journeys do not otherwise receive, each checked by the api client against
 * its operation's response schema in docs/openapi.json (a mismatch fails the request, naming the operation).
 */
describe('answers keep the OpenAPI document', () => {
  const { api, brokers } = e2eStack();
  let ws: Workspace;
  let events: EventLog;

  beforeAll(async () => {
    events = await EventLog.start(brokers);
    ws = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-OAS' });
  });

  afterAll(async () => {
    await events?.stop();
  });

  it('directory: workspace, users, members and sites', async () => {
    const admin = api.as(USERS.admin);
    const platform = api.as(USERS.platformAdmin);
    expectStatus(await admin.get(`/workspaces/${ws.id}`), 200);
    expectStatus(await platform.get('/users', { query: { limit: 2 } }), 200);
    const members = itemsOf(
      expectStatus(await admin.get(`/workspaces/${ws.id}/members`, { query: { limit: 3 } }), 200).body,
    );
    const auditor = members.find((m: { userId: string }) => m.userId === USERS.auditor) ?? members[0];
    expectStatus(await admin.patch(`/workspaces/${ws.id}/members/${auditor.membershipId}`, { status: 'ACTIVE' }), 200);
    const site = [...ws.sites.values()][0];
    expectStatus(await admin.get(`/workspaces/${ws.id}/sites/${site.siteId}`), 200);
    const csv = 'site_code,site_name,region,city,cluster_code\nOAS-0001,OpenAPI site,JABODETABEK,Jakarta,\n';
    const imported = await admin.upload(`/workspaces/${ws.id}/sites/import`, {}, [
      { field: 'file', fileName: 'sites.csv', content: csv, contentType: 'text/csv' },
    ]);
    expectStatus(imported, 201, 'site import');
  });

  it('configuration: one version, its snapshot, diff, export and the template', async () => {
    const member = api.as(USERS.auditor);
    for (const id of Object.values(ws.active)) {
      expectStatus(await member.get(`/workspaces/${ws.id}/config-versions/${id}`), 200);
      expectStatus(await member.get(`/workspaces/${ws.id}/config-versions/${id}/snapshot`), 200);
      expectStatus(await member.get(`/workspaces/${ws.id}/config-versions/${id}/diff`), 200);
    }
    expectStatus(await member.get(`/workspaces/${ws.id}/config-versions/${ws.active.SCOPE_CONFIG}/export`), 200);
    expectStatus(await member.get(`/workspaces/${ws.id}/config-templates/APPROVAL_MATRIX`), 200);
  });

  it('lists and the classifier', async () => {
    const admin = api.as(USERS.admin);
    expectStatus(await admin.get(`/workspaces/${ws.id}/submissions`, { query: { limit: 5 } }), 200);
    expectStatus(await admin.get(`/workspaces/${ws.id}/workflows`, { query: { limit: 5 } }), 200);
    expectStatus(await admin.get(`/workspaces/${ws.id}/overrides`), 200);
    expectStatus(await admin.get(`/workspaces/${ws.id}/punchlists`), 200);
    expectStatus(await admin.get(`/workspaces/${ws.id}/punchlists/open-items`, { query: { team: 'OAS' } }), 200);
    expectStatus(await admin.get(`/workspaces/${ws.id}/sla/violations`), 200);
    expectStatus(await admin.post(`/workspaces/${ws.id}/categorize`, { fileName: 'ATP_RAN_MW_JKT-0001.pdf' }), 200);
  });

  it('integrity: an audit of each service, read back, and the pins re-asserted', async () => {
    const admin = api.as(USERS.admin);
    for (const service of ['config', 'workflow', 'submission', 'punchlist']) {
      expectStatus(await admin.post(`/workspaces/${ws.id}/integrity/${service}/audits`, {}), 201, `${service} audit`);
      expectStatus(
        await admin.get(`/workspaces/${ws.id}/integrity/${service}/audits/latest`),
        200,
        `${service} latest`,
      );
    }
    expectStatus(await admin.post(`/workspaces/${ws.id}/integrity/workflow/pins/reassert`, {}), 200);
  });

  it('a workflow: punchlist items added, assigned, rectified, rejected; an override read and rejected; a cancel', async () => {
    const submissions = new Submissions(api, ws);
    const chain = await expectedChain(api, ws, 'RAN_MW', 'JKT-0001');
    const started = await submissions.startWorkflow(events, 'RAN_MW', 'JKT-0001');
    const base = `/workspaces/${ws.id}`;
    const issuer = chain[0].approverUserId;
    const first = await inboxEntry(api, ws.id, issuer, started.workflowId, 1);
    const items = [{ description: 'label the cables', severity: 'MAJOR' }];
    const decided = await decide(api, ws.id, issuer, started.workflowId, first.stageId, {
      decision: 'APPROVE_WITH_PUNCHLIST',
      comment: 'oas',
      items,
    });
    expectStatus(decided, 200, 'approve with punchlist');
    const created = await events.waitFor(
      (e) => e.eventType === 'punchlist.created' && e.payload.submissionId === started.submissionId,
      'punchlist',
    );
    const punchlist = `${base}/punchlists/${created.aggregateId}`;
    const added = expectStatus(
      await api.as(issuer).post(`${punchlist}/items`, { items: [{ description: 'photo', severity: 'MINOR' }] }),
      201,
    );
    const itemId = String(added.body.items[0].id);
    expectStatus(
      await api
        .as(USERS.docControl)
        .patch(`${punchlist}/items/${itemId}`, { assignedTeam: 'OAS', targetDate: '2030-01-31' }),
      200,
    );
    expectStatus(await api.as(USERS.docControl).get(`${base}/punchlists/open-items`, { query: { team: 'OAS' } }), 200);
    const proof = [
      { field: 'file', fileName: 'proof.pdf', content: pdfOf('oas-proof'), contentType: 'application/pdf' },
    ];
    expectStatus(
      await api.as(USERS.docControl).upload(`${punchlist}/items/${itemId}/rectify`, { comment: 'done' }, proof),
      200,
    );
    expectStatus(await api.as(USERS.qa).post(`${punchlist}/items/${itemId}/reject`, { comment: 'blurred' }), 200);
    const detail = expectStatus(await api.as(USERS.auditor).get(punchlist), 200).body;
    const evidence = detail.items.find((i: { id: string }) => i.id === itemId).evidence[0];
    expectStatus(await api.as(USERS.auditor).get(String(evidence.contentUrl).replace('/api/v1', '')), 200);
    expectStatus(
      await api
        .as(USERS.auditor)
        .get(`${base}/submissions/${started.submissionId}/documents/${started.documentId}/content`),
      200,
    );

    const second = await inboxEntry(api, ws.id, chain[1].approverUserId, started.workflowId, 2);
    const override = expectStatus(
      await api.as(USERS.admin).post(`${base}/overrides`, {
        overrideType: 'STAGE',
        workflowStageId: second.stageId,
        fromUserId: chain[1].approverUserId,
        toUserId: E2E_USERS.outsider.id,
        reason: 'oas',
      }),
      201,
    ).body.override;
    expectStatus(await api.as(USERS.admin).get(`${base}/overrides/${override.id}`), 200);
    expectStatus(
      await api.as(E2E_USERS.secondAdmin.id).post(`${base}/overrides/${override.id}/reject`, { comment: 'no' }),
      200,
    );
    expectStatus(await api.as(USERS.admin).get(`${base}/submissions`, { query: { limit: 5 } }), 200);
    expectStatus(await api.as(USERS.admin).get(`${base}/workflows`, { query: { limit: 5 } }), 200);
    expectStatus(
      await api.as(USERS.admin).post(`${base}/workflows/${started.workflowId}/cancel`, { reason: 'oas' }),
      200,
    );
  });

  it('a draft changes category; users are created and updated', async () => {
    const draft = await new Submissions(api, ws).create('DISMANTLE_DROP', 'JKT-0002');
    const category = { atpCategory: 'DISMANTLE_KEEP', reason: 'the site keeps its tower' };
    expectStatus(
      await api.as(USERS.docControl).post(`/workspaces/${ws.id}/submissions/${draft.id}/category`, category),
      200,
    );
    const platform = api.as(USERS.platformAdmin);
    const userId = `u-oas-${Date.now().toString(36)}`;
    expectStatus(
      await platform.post('/users', {
        id: userId,
        email: `${userId}@e2e.example`,
        fullName: 'OpenAPI',
        userType: 'INTERNAL',
      }),
      201,
    );
    expectStatus(await platform.patch(`/users/${userId}`, { status: 'SUSPENDED' }), 200);
  });

  it('configuration lifecycle: a draft edited and deleted, a rollback, an archive, the workspace deactivated', async () => {
    const admin = api.as(USERS.admin);
    const base = `/workspaces/${ws.id}/config-versions`;
    const previous = ws.active.APPROVAL_MATRIX;
    await importAndActivate(api, ws.id, 'APPROVAL_MATRIX', approvalMatrixCsv({ slaHours: 30 }));
    const upload = [
      { field: 'file', fileName: 'draft.csv', content: approvalMatrixCsv({ slaHours: 31 }), contentType: 'text/csv' },
    ];
    const draft = expectStatus(await admin.upload(`${base}/import`, { sourceType: 'APPROVAL_MATRIX' }, upload), 201)
      .body.version;
    const stage = expectStatus(await admin.get(`${base}/${draft.id}/snapshot`), 200).body.policyStages[0];
    expectStatus(await admin.patch(`${base}/${draft.id}/policy-stages/${stage.id}`, { slaHours: 40 }), 200);
    expectStatus(await admin.delete(`${base}/${draft.id}`), 204);
    const rolledBack = expectStatus(await admin.post(`${base}/${previous}/rollback`, {}), 201).body;
    expectStatus(await admin.post(`${base}/${rolledBack.id}/archive`, {}), 200);
    expectStatus(await admin.post(`/workspaces/${ws.id}/deactivate`, {}), 200);
  });
});

import { expectStatus } from '../support/api-client';
import { E2E_USERS, USERS } from '../support/demo-data';
import { EventLog } from '../support/event-log';
import { e2eStack } from '../support/stack';
import { Submissions } from '../support/submission-steps';
import { expectedChain, inboxEntry } from '../support/workflow-steps';
import { itemsOf, provisionWorkspace, type Workspace } from '../support/workspace';

/** Two workspaces side by side: the second one sees none of the first one's data, by path or by id. */
describe('tenant isolation', () => {
  const { api, brokers } = e2eStack();
  let events: EventLog;
  let first: Workspace;
  let second: Workspace;
  const otherAdmin = E2E_USERS.otherWorkspaceAdmin.id;

  beforeAll(async () => {
    events = await EventLog.start(brokers);
    first = await provisionWorkspace(api, brokers, { codePrefix: 'E2E-TEN-A' });
    second = await provisionWorkspace(api, brokers, {
      codePrefix: 'E2E-TEN-B',
      extraMembers: [E2E_USERS.otherWorkspaceAdmin],
    });
  });

  afterAll(async () => {
    await events?.stop();
  });

  it("the second workspace's members get nothing of the first one's workflows, inbox or overrides", async () => {
    const chain = await expectedChain(api, first, 'RAN_MW', 'JKT-0001');
    const { workflowId } = await new Submissions(api, first).startWorkflow(events, 'RAN_MW', 'JKT-0001');
    const approver = chain[0].approverUserId;
    const entry = await inboxEntry(api, first.id, approver, workflowId, 1);

    // The same approver is a member of both: the second workspace's inbox does not show the first one's stage.
    const otherInbox = itemsOf(expectStatus(await api.as(approver).get(`/workspaces/${second.id}/inbox`), 200).body);
    expect(otherInbox.map((i: { workflowInstanceId: string }) => i.workflowInstanceId)).not.toContain(workflowId);

    // A first-workspace id under the second workspace's path is unknown there.
    const byId = await api.as(USERS.admin).get(`/workspaces/${second.id}/workflows/${workflowId}`);
    expect(byId.status).toBe(404);
    expect(byId.contentType).toContain('application/problem+json');
    const decision = await api
      .as(approver)
      .post(`/workspaces/${second.id}/workflows/${workflowId}/stages/${entry.stageId}/decisions`, {
        decision: 'APPROVE',
        comment: 'wrong tenant',
      });
    expect(decision.status).toBe(404);
    const reassign = await api
      .as(USERS.admin)
      .post(`/workspaces/${second.id}/workflows/${workflowId}/stages/${entry.stageId}/reassign`, {
        toUserId: otherAdmin,
        reason: 'x',
      });
    expect(reassign.status).toBe(404);

    // A member of only the second workspace gets 404 on every path of the first one, as if it did not exist.
    const firstPaths = [
      `/workspaces/${first.id}`,
      `/workspaces/${first.id}/members`,
      `/workspaces/${first.id}/sites`,
      `/workspaces/${first.id}/config-versions`,
      `/workspaces/${first.id}/config-versions/${first.active.APPROVAL_MATRIX}`,
      `/workspaces/${first.id}/sites/${first.sites.get('JKT-0001')?.siteId}`,
      `/workspaces/${first.id}/workflows/${workflowId}`,
      `/workspaces/${first.id}/inbox`,
      `/workspaces/${first.id}/sla/violations`,
      `/workspaces/${first.id}/overrides`,
    ];
    for (const path of firstPaths) {
      const answer = await api.as(otherAdmin).get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.contentType).toContain('application/problem+json');
    }
    const dryRun = await api.as(otherAdmin).post(`/workspaces/${first.id}/routing/dry-run`, {
      siteCode: 'JKT-0001',
      scopeCode: 'MW_NEW',
      atpCategory: 'RAN_MW',
    });
    expect(dryRun.status).toBe(404);
    // A first-workspace config version id under the second workspace's own path is unknown there too.
    expect(
      (await api.as(otherAdmin).get(`/workspaces/${second.id}/config-versions/${first.active.APPROVAL_MATRIX}`)).status,
    ).toBe(404);
    // Its own workspace list names only the second workspace.
    const mine = itemsOf<{ workspaceId: string }>(
      expectStatus(await api.as(otherAdmin).get('/workspaces'), 200).body,
    ).map((w) => w.workspaceId);
    expect(mine).toContain(second.id);
    expect(mine).not.toContain(first.id);
    const workflow = expectStatus(
      await api.as(USERS.admin).get(`/workspaces/${first.id}/workflows/${workflowId}`),
      200,
    ).body;
    expect(workflow.stages[0]).toMatchObject({ status: 'PENDING', approverUserId: approver });
  });
});

import { randomUUID } from 'node:crypto';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig } from '@atp/approval-routing';
import {
  ReferenceRejectedV1,
  type ReferenceRejectedPayloadV1,
  type SubmissionQaApprovedPayloadV1,
} from '@atp/contracts';
import request from 'supertest';
import { bearer, uniqueSuffix, waitFor } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * Compensation, claimant side (architecture §5.3): a `reference.rejected` about a running workflow, published straight
 * to Kafka as config-service publishes it, puts the workflow ON_HOLD with reason INVALID_REFERENCE, audits the hold on
 * every PENDING stage, publishes `workflow.on-hold`, and shows the rejection on GET workflow. Redelivered or repeated
 * rejections change nothing more.
 */
jest.setTimeout(240_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const versions = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const submitter = `doc-control-${suffix}`;
const auditor = `auditor-${suffix}`;

function qaApproved(): SubmissionQaApprovedPayloadV1 {
  return {
    submissionId: `sub-${uniqueSuffix()}`,
    attemptNumber: 1,
    workspaceId,
    siteId: `site-${suffix}`,
    siteCode: 'JKT-0001',
    clusterCode: 'JKT-01',
    regionCode: 'JABO',
    scopeCode: 'DEMO',
    vendorCode: null,
    atpCategory: 'PLN_UPGRADE',
    submittedBy: submitter,
    qaApprovedBy: 'qa-1',
    pinnedConfigVersions: versions,
  };
}

function rejection(workflowInstanceId: string, field: string, referencedId: string): ReferenceRejectedPayloadV1 {
  return {
    ...ReferenceRejectedV1.fixture.payload,
    workspaceId,
    aggregateId: workflowInstanceId,
    field,
    referencedId,
    claimEventId: randomUUID(),
  };
}

beforeAll(async () => {
  await harness.start();
  await harness.addMember(workspaceId, submitter);
  await harness.addMember(workspaceId, auditor, 'AUDITOR');
  await harness.waitForMembers(workspaceId, 2);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: versions.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: versions.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: versions.scopeConfig }));
});

afterAll(async () => {
  await harness.stop();
});

const recorded = async (instanceId: string) =>
  (await harness.query(
    `SELECT field, outcome FROM reference_rejections WHERE aggregate_id = $1 ORDER BY received_at, rejection_event_id`,
    [instanceId],
  )) as Array<{ field: string; outcome: string }>;

it('holds a running workflow with reason INVALID_REFERENCE, audited and visible, and only once', async () => {
  const payload = qaApproved();
  await harness.qaApproved(payload);
  const instance = await harness.workflowOf(payload.submissionId);
  expect(instance.status).toBe('IN_PROGRESS');
  const pending = (await harness.stages(instance.id)).filter((s) => s.status === 'PENDING');
  expect(pending.length).toBeGreaterThan(0);

  const first = await harness.produce(
    ReferenceRejectedV1,
    workspaceId,
    instance.id,
    rejection(instance.id, 'siteId', `site-fabricated-${suffix}`),
  );
  await waitFor(async () => (await recorded(instance.id)).length === 1, { what: 'the rejection recorded' });
  const [row] = await harness.query(`SELECT status, hold_reason, held_at FROM workflow_instances WHERE id = $1`, [
    instance.id,
  ]);
  expect(row.status).toBe('ON_HOLD');
  expect(row.hold_reason).toMatch(/^INVALID_REFERENCE: siteId = site-fabricated-/);
  expect(row.held_at).not.toBeNull();
  const held = (await harness.actions(instance.id)).filter((a) => a.action_type === 'HELD');
  expect(held.map((a) => [a.workflow_stage_id, a.actor_user_id]).sort()).toEqual(
    pending.map((s) => [s.id, 'system:integrity']).sort(),
  );
  expect((await harness.eventTypes(instance.id)).filter((t) => t === 'workflow.on-hold')).toHaveLength(1);

  // The same rejection again (a redelivery) and a second refused field: recorded once each, no second hold.
  await harness.sendRaw(ReferenceRejectedV1.topic, instance.id, first);
  const second = await harness.produce(
    ReferenceRejectedV1,
    workspaceId,
    instance.id,
    rejection(instance.id, 'stages[0].approverUserId', `u-ghost-${suffix}`),
  );
  await waitFor(async () => (await recorded(instance.id)).length === 2, { what: 'the second rejection recorded' });
  expect(await recorded(instance.id)).toEqual([
    { field: 'siteId', outcome: 'COMPENSATED' },
    { field: 'stages[0].approverUserId', outcome: 'ALREADY_SAFE' },
  ]);
  expect(second.eventId).not.toBe(first.eventId);
  expect((await harness.eventTypes(instance.id)).filter((t) => t === 'workflow.on-hold')).toHaveLength(1);
  expect((await harness.actions(instance.id)).filter((a) => a.action_type === 'HELD')).toHaveLength(pending.length);

  const view = await request(harness.app.getHttpServer())
    .get(`/api/v1/workspaces/${workspaceId}/workflows/${instance.id}`)
    .set(bearer(auditor))
    .expect(200);
  expect(view.body).toMatchObject({ status: 'ON_HOLD', holdReason: expect.stringContaining('INVALID_REFERENCE') });
  expect(view.body.referenceRejections).toEqual([
    expect.objectContaining({
      field: 'siteId',
      reasonCode: 'UNKNOWN',
      ownerService: 'config-service',
      outcome: 'COMPENSATED',
    }),
    expect.objectContaining({ field: 'stages[0].approverUserId', outcome: 'ALREADY_SAFE' }),
  ]);
});

it('records a rejection about a workflow it does not hold, and ignores other claimants', async () => {
  const ghost = `wf-ghost-${suffix}`;
  await harness.produce(ReferenceRejectedV1, workspaceId, ghost, rejection(ghost, 'siteId', 'site-x'));
  const other = await harness.produce(ReferenceRejectedV1, workspaceId, `sub-${suffix}`, {
    ...rejection(`sub-${suffix}`, 'scopeId', 'scope-x'),
    aggregateType: 'submission',
    claimantService: 'submission-service',
  });
  await waitFor(async () => (await recorded(ghost)).length === 1, { what: 'the ghost rejection recorded' });
  expect(await recorded(ghost)).toEqual([{ field: 'siteId', outcome: 'UNKNOWN_AGGREGATE' }]);
  await waitFor(
    async () => (await harness.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [other.eventId])).length === 1,
    { what: 'consumed' },
  );
  expect(await recorded(`sub-${suffix}`)).toEqual([]);
});

import { randomUUID } from 'node:crypto';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig, demoUserId } from '@atp/approval-routing';
import { StageApprovedWithPunchlistV1, WorkflowStartedV1, type SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import request from 'supertest';
import { bearer, startServiceProcess, uniqueSuffix, waitFor, type ServiceProcess } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * Acceptance of compensating validation across processes (issue 13): ids fabricated in events published straight to
 * Kafka are refused by the real owner and compensated by the real claimant. workflow-service runs here; the other end
 * of each pair is the real service started from its sources as a child process on its test database:
 * - claimant workflow-service, owner submission-service: a workflow for a submission that never existed goes ON_HOLD;
 * - claimant punchlist-service, owner workflow-service: a punchlist of a workflow that never existed is flagged;
 * - claimant workflow-service, owner submission-service: an approver override of a submission that never existed
 *   is EXPIRED.
 */
jest.setTimeout(300_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const auditor = `auditor-${suffix}`;
const requester = `requester-${suffix}`;
const standIn = `stand-in-${suffix}`;
const pinned = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const ROLES = ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'];
let submissionService: ServiceProcess | undefined;
let punchlistService: ServiceProcess | undefined;

beforeAll(async () => {
  await harness.start();
  [submissionService, punchlistService] = await Promise.all([
    startServiceProcess('submission', {
      UPLOAD_SWEEP_INTERVAL_MS: '0',
      BLOB_STORE: 'local',
      BLOB_STORE_DIR: `/tmp/atp-acceptance-${suffix}`,
    }),
    startServiceProcess('punchlist', {
      PUNCHLIST_STALL_SWEEP_INTERVAL_MS: '0',
      BLOB_STORE: 'local',
      BLOB_STORE_DIR: `/tmp/atp-acceptance-${suffix}`,
    }),
  ]);
  const members = [
    ...ROLES.flatMap((r) => [demoUserId(r, cluster, 'primary'), demoUserId(r, cluster, 'backup')]),
    submitter,
  ];
  for (const userId of members) await harness.addMember(workspaceId, userId);
  await harness.addMember(workspaceId, auditor, 'AUDITOR');
  await harness.addMember(workspaceId, requester);
  await harness.addMember(workspaceId, standIn);
  await harness.waitForMembers(workspaceId, members.length + 3);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: pinned.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: pinned.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: pinned.scopeConfig }));
}, 300_000);

afterAll(async () => {
  await Promise.all([submissionService?.stop(), punchlistService?.stop()]);
  await harness.stop();
});

const fabricatedSubmission = (): SubmissionQaApprovedPayloadV1 => ({
  submissionId: `sub-fabricated-${uniqueSuffix()}`,
  attemptNumber: 1,
  workspaceId,
  siteId: `site-${suffix}`,
  siteCode: 'JKT-0001',
  clusterCode: cluster,
  regionCode: 'JABO',
  scopeCode: 'DEMO',
  vendorCode: null,
  atpCategory: 'PLN_UPGRADE',
  submittedBy: submitter,
  qaApprovedBy: 'qa-1',
  pinnedConfigVersions: pinned,
});

it('a workflow started for a fabricated submission is refused by submission-service and held here', async () => {
  const payload = fabricatedSubmission();
  await harness.qaApproved(payload); // straight to Kafka: no submission-service behind it
  const instance = await harness.workflowOf(payload.submissionId);
  const held = await waitFor(
    async () => {
      const [row] = await harness.query(`SELECT status, hold_reason FROM workflow_instances WHERE id = $1`, [
        instance.id,
      ]);
      return row.status === 'ON_HOLD' && row;
    },
    { timeoutMs: 60_000, what: 'the workflow ON_HOLD' },
  );
  expect(held.hold_reason).toMatch(/^INVALID_REFERENCE: submissionId = sub-fabricated-.*refused by submission-service/);
  expect(
    await harness.query(
      `SELECT owner_service, field, reason_code, outcome FROM reference_rejections WHERE aggregate_id = $1`,
      [instance.id],
    ),
  ).toEqual([
    { owner_service: 'submission-service', field: 'submissionId', reason_code: 'UNKNOWN', outcome: 'COMPENSATED' },
  ]);
});

it('a punchlist of a fabricated workflow is refused here and flagged by punchlist-service', async () => {
  const wf = `wf-fabricated-${uniqueSuffix()}`;
  const stageId = `stg-fabricated-${uniqueSuffix()}`;
  const submissionId = `sub-of-${wf}`;
  const started = WorkflowStartedV1.fixture.payload;
  await harness.produce(WorkflowStartedV1, workspaceId, wf, {
    ...started,
    workflowInstanceId: wf,
    submissionId,
    siteCode: 'JKT-0001',
  });
  await harness.produce(StageApprovedWithPunchlistV1, workspaceId, wf, {
    ...StageApprovedWithPunchlistV1.fixture.payload,
    workflowInstanceId: wf,
    submissionId,
    stageId,
    approverUserId: submitter,
    decidedBy: submitter,
  });
  const auth = bearer(auditor);
  const punchlist = await waitFor(
    async () => {
      const list = await fetch(
        `${punchlistService?.url}/api/v1/workspaces/${workspaceId}/punchlists?workflowInstanceId=${wf}`,
        { headers: auth },
      );
      const body = (await list.json()) as { items?: Array<{ id: string; flagged: boolean }> };
      return body.items?.[0]?.flagged && body.items[0];
    },
    { timeoutMs: 90_000, intervalMs: 250, what: 'the punchlist of the fabricated workflow flagged' },
  );
  const view = await (
    await fetch(`${punchlistService?.url}/api/v1/workspaces/${workspaceId}/punchlists/${punchlist.id}`, {
      headers: auth,
    })
  ).json();
  expect(view).toMatchObject({
    status: 'OPEN',
    flagged: true,
    integrityFlag: expect.stringMatching(/refused by (workflow|submission)-service$/),
  });
  // Both owners refuse it (workflow-service the workflow, submission-service the submission): flagged once, both
  // recorded.
  type Rejection = { ownerService: string; field: string; reasonCode: string; outcome: string };
  const readPunchlist = async () =>
    (await (
      await fetch(`${punchlistService?.url}/api/v1/workspaces/${workspaceId}/punchlists/${punchlist.id}`, {
        headers: auth,
      })
    ).json()) as {
      referenceRejections: Rejection[];
    };
  await waitFor(
    async () => {
      const rows = (await readPunchlist()).referenceRejections;
      return rows.length === 2 && rows;
    },
    { timeoutMs: 60_000, what: 'both rejections recorded' },
  );
  const final = await readPunchlist();
  expect(final.referenceRejections.map((r) => [r.ownerService, r.field, r.reasonCode]).sort()).toEqual([
    ['submission-service', 'submissionId', 'UNKNOWN'],
    ['workflow-service', 'workflowInstanceId', 'UNKNOWN'],
  ]);
  expect(final.referenceRejections.map((r) => r.outcome).sort()).toEqual(['ALREADY_SAFE', 'COMPENSATED']);
});

it('an approver override of a fabricated submission is refused by submission-service and expired here', async () => {
  const payload = fabricatedSubmission();
  await harness.qaApproved(payload);
  await harness.workflowOf(payload.submissionId);
  const requested = await request(harness.app.getHttpServer())
    .post(`/api/v1/workspaces/${workspaceId}/overrides`)
    .set(bearer(requester))
    .send({
      overrideType: 'SUBMISSION',
      submissionId: payload.submissionId,
      roleCode: 'ROH',
      fromUserId: demoUserId('ROH', cluster, 'primary'),
      toUserId: standIn,
      reason: 'cover',
    });
  expect(requested.status).toBe(201);
  const overrideId = requested.body.override.id as string;
  const expired = await waitFor(
    async () => {
      const [row] = await harness.query(
        `SELECT approval_status, is_active, notes FROM approver_overrides WHERE id::text = $1`,
        [overrideId],
      );
      return row.approval_status === 'EXPIRED' && row;
    },
    { timeoutMs: 60_000, what: 'the override EXPIRED' },
  );
  expect(expired).toMatchObject({
    is_active: false,
    notes: expect.stringMatching(/INVALID_REFERENCE: submissionId = sub-fabricated-.*submission-service/),
  });
  expect(
    await harness.query(
      `SELECT owner_service, field, aggregate_type, outcome FROM reference_rejections WHERE aggregate_id = $1`,
      [overrideId],
    ),
  ).toEqual([
    {
      owner_service: 'submission-service',
      field: 'submissionId',
      aggregate_type: 'workflow-override',
      outcome: 'COMPENSATED',
    },
  ]);
});

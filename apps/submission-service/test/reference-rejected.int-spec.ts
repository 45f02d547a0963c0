import { randomBytes, randomUUID } from 'node:crypto';
import {
  ReferenceRejectedV1,
  StageActivatedV1,
  WorkflowStartedV1,
  type ReferenceRejectedPayloadV1,
} from '@atp/contracts';
import { waitFor } from '@atp/testing';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

/**
 * Compensation, claimant side (architecture §5.3): a `reference.rejected` about a submission, published straight to
 * Kafka as config-service publishes it, makes the submission and its attempt INVALID_REFERENCE, publishes
 * `submission.status-changed`, records the rejection once (GET submission shows it), and later workflow progress
 * does not undo it.
 */
jest.setTimeout(180_000);

const pdf = (): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]);

describe('submission-service: compensation of refused references', () => {
  const harness = new SubmissionHarness();
  let ws: TestWorkspace;
  let base: string;

  beforeAll(async () => {
    await harness.start();
    ws = await harness.workspace([
      ['u-doc', 'DOC_CONTROL'],
      ['u-qa', 'QA_ENGINEER'],
      ['u-auditor', 'AUDITOR'],
    ]);
    base = `/api/v1/workspaces/${ws.workspaceId}`;
  });

  afterAll(() => harness.stop());

  const post = async (path: string, user: string, body: Record<string, unknown> = {}) =>
    harness
      .http()
      .post(`${base}${path}`)
      .set(await harness.auth(user))
      .send(body);
  const get = async (id: string) =>
    (
      await harness
        .http()
        .get(`${base}/submissions/${id}`)
        .set(await harness.auth('u-auditor'))
        .expect(200)
    ).body;
  const rejection = (submissionId: string, field: string): ReferenceRejectedPayloadV1 => ({
    ...ReferenceRejectedV1.fixture.payload,
    claimantService: 'submission-service',
    aggregateType: 'submission',
    aggregateId: submissionId,
    workspaceId: ws.workspaceId,
    field,
    entity: 'sites',
    referencedId: `${field}-fabricated`,
    claimEventId: randomUUID(),
    claimEventType: 'submission.created',
  });
  const recorded = async (id: string) =>
    (await harness.query(
      `SELECT field, outcome FROM reference_rejections WHERE aggregate_id = $1 ORDER BY received_at, rejection_event_id`,
      [id],
    )) as Array<{ field: string; outcome: string }>;

  it('marks an in-review submission INVALID_REFERENCE, once, visibly, and workflow progress does not undo it', async () => {
    const created = await post('/submissions', 'u-doc', {
      siteCode: ws.siteCode,
      scopeCode: 'PLN_UPGRADE',
      vendorCode: 'AVIAT',
      atpCategory: 'PLN_UPGRADE',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(
      (
        await harness
          .http()
          .post(`${base}/submissions/${id}/documents`)
          .set(await harness.auth('u-doc'))
          .attach('file', pdf(), 'atp.pdf')
      ).status,
    ).toBe(201);
    expect((await post(`/submissions/${id}/submit`, 'u-doc')).status).toBe(200);
    expect((await post(`/submissions/${id}/qa-review`, 'u-qa', { decision: 'APPROVE', comment: 'ok' })).status).toBe(
      200,
    );
    const workflowId = `wf-${randomUUID()}`;
    const stage = (n: number) => ({
      workflowInstanceId: workflowId,
      submissionId: id,
      stageId: `${workflowId}-s${n}`,
      stageNumber: n,
      stageName: `Stage ${n}`,
      approvalRoleId: `role-${n}`,
      roleCode: 'ROH',
      parallelGroup: null,
      approverUserId: 'u-approver',
    });
    await harness.send(
      harness.envelope(WorkflowStartedV1, ws.workspaceId, workflowId, {
        workflowInstanceId: workflowId,
        submissionId: id,
        attemptNumber: 1,
        siteId: ws.siteId,
        scopeId: 'scope-1',
        scopeCode: 'PLN_UPGRADE',
        vendorId: null,
        atpCategory: 'PLN_UPGRADE',
        configVersionId: ws.versions.approvalMatrix,
        approvalPolicyId: 'pol-1',
        pinnedConfigVersions: ws.versions,
        totalStages: 2,
        stages: [1, 2].map((n) => {
          const { workflowInstanceId: _w, submissionId: _s, ...rest } = stage(n);
          return { ...rest, slaHours: 48 };
        }),
      }),
    );
    await waitFor(async () => (await get(id)).status === 'IN_REVIEW', { what: 'IN_REVIEW' });

    const first = await harness.publish(ReferenceRejectedV1, ws.workspaceId, id, rejection(id, 'siteId'));
    await waitFor(async () => (await recorded(id)).length === 1, { what: 'the rejection recorded' });
    await harness.send(first); // a redelivery
    await harness.publish(ReferenceRejectedV1, ws.workspaceId, id, rejection(id, 'vendorId'));
    await waitFor(async () => (await recorded(id)).length === 2, { what: 'the second rejection recorded' });
    expect(await recorded(id)).toEqual([
      { field: 'siteId', outcome: 'COMPENSATED' },
      { field: 'vendorId', outcome: 'ALREADY_SAFE' },
    ]);

    const view = await get(id);
    expect(view.status).toBe('INVALID_REFERENCE');
    expect(view.attempts[0].status).toBe('INVALID_REFERENCE');
    expect(view.referenceRejections).toEqual([
      expect.objectContaining({
        field: 'siteId',
        reasonCode: 'UNKNOWN',
        ownerService: 'config-service',
        outcome: 'COMPENSATED',
      }),
      expect.objectContaining({ field: 'vendorId', outcome: 'ALREADY_SAFE' }),
    ]);
    const changes = (await harness.outboxEvents(id))
      .filter((e) => e.eventType === 'submission.status-changed')
      .map((e) => (e.payload as { toStatus: string }).toStatus);
    expect(changes.filter((s) => s === 'INVALID_REFERENCE')).toHaveLength(1);

    const activated = harness.envelope(StageActivatedV1, ws.workspaceId, workflowId, {
      ...stage(2),
      slaHours: 24,
      slaDueAt: new Date().toISOString(),
    });
    await harness.send(activated);
    await waitFor(
      async () => (await harness.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [activated.eventId])).length > 0,
      { what: 'consumed' },
    );
    expect((await get(id)).status).toBe('INVALID_REFERENCE');
  });

  it('records a rejection about a submission it does not hold', async () => {
    const ghost = `sub-ghost-${randomUUID()}`;
    await harness.publish(ReferenceRejectedV1, ws.workspaceId, ghost, rejection(ghost, 'siteId'));
    await waitFor(async () => (await recorded(ghost)).length === 1, { what: 'recorded' });
    expect(await recorded(ghost)).toEqual([{ field: 'siteId', outcome: 'UNKNOWN_AGGREGATE' }]);
  });

  it('a refused workspace stops the RUNNING bulk job that created the submission (FAILED with the reason), and only it', async () => {
    const created = await post('/submissions', 'u-doc', {
      siteCode: ws.siteCode,
      scopeCode: 'MW_NEW',
      vendorCode: 'ZTE',
      atpCategory: 'RAN_MW',
    });
    expect([created.status, created.body.code]).toEqual([201, undefined]);
    const id = created.body.id as string;
    expect(
      (
        await harness
          .http()
          .post(`${base}/submissions/${id}/documents`)
          .set(await harness.auth('u-doc'))
          .attach('file', pdf(), 'atp.pdf')
      ).status,
    ).toBe(201);
    // As the bulk runner records it: the job RUNNING, the submission's document tagged with the job.
    const job = async () =>
      (
        (await harness.query(
          `INSERT INTO bulk_jobs (workspace_id, kind, status, total, report, created_by) VALUES ($1, 'REGISTRATION', 'RUNNING', 5, '{}'::jsonb, 'u-doc') RETURNING id`,
          [ws.workspaceId],
        )) as Array<{ id: string }>
      )[0].id;
    const [mine, other] = [await job(), await job()];
    await harness.query(`UPDATE atp_submission_documents SET source_batch_id = $2 WHERE submission_id = $1`, [
      id,
      mine,
    ]);

    await harness.publish(ReferenceRejectedV1, ws.workspaceId, id, {
      ...rejection(id, 'workspaceId'),
      entity: 'workspaces',
      reasonCode: 'INACTIVE',
    });
    await waitFor(async () => (await recorded(id)).length === 1, { what: 'the rejection recorded' });
    const jobs = (await harness.query(
      `SELECT id, status, error, report->>'status' AS "reportStatus" FROM bulk_jobs WHERE id = ANY($1)`,
      [[mine, other]],
    )) as Array<{ id: string; status: string; error: string | null; reportStatus: string }>;
    expect(jobs.find((j) => j.id === mine)).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/^bulk job stopped: INVALID_REFERENCE: workspaceId = .*INACTIVE/),
      reportStatus: 'NONE_CREATED',
    });
    expect(jobs.find((j) => j.id === other)).toMatchObject({ status: 'RUNNING', error: null });
    expect((await get(id)).status).toBe('INVALID_REFERENCE');
  });
});

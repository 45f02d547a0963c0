import { randomBytes, randomUUID } from 'node:crypto';
import {
  PunchlistCreatedV1,
  WorkflowStartedV1,
  type EventEnvelope,
  type ReferenceRejectedPayloadV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import { waitFor } from '@atp/testing';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

/**
 * submission-service as an owner (architecture §5.3, validator `submission.submission`): the submission a
 * `workflow.started` or a `punchlist.created` names, published straight to Kafka, is checked against its own tables;
 * a fabricated submission, a foreign one or an attempt it never made is refused with `reference.rejected`.
 */
jest.setTimeout(180_000);

const pdf = (): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]);

describe('submission-service: validation of claims about submissions', () => {
  const harness = new SubmissionHarness();
  let ws: TestWorkspace;
  let base: string;
  let submissionId: string;

  beforeAll(async () => {
    await harness.start();
    ws = await harness.workspace([
      ['u-doc', 'DOC_CONTROL'],
      ['u-qa', 'QA_ENGINEER'],
    ]);
    base = `/api/v1/workspaces/${ws.workspaceId}`;
    const post = async (path: string, body: Record<string, unknown> = {}) =>
      harness
        .http()
        .post(`${base}${path}`)
        .set(await harness.auth('u-doc'))
        .send(body);
    const created = await post('/submissions', {
      siteCode: ws.siteCode,
      scopeCode: 'PLN_UPGRADE',
      vendorCode: 'AVIAT',
      atpCategory: 'PLN_UPGRADE',
    });
    expect(created.status).toBe(201);
    submissionId = created.body.id;
    const doc = await harness
      .http()
      .post(`${base}/submissions/${submissionId}/documents`)
      .set(await harness.auth('u-doc'))
      .attach('file', pdf(), 'atp.pdf');
    expect(doc.status).toBe(201);
    expect((await post(`/submissions/${submissionId}/submit`)).status).toBe(200);
  });

  afterAll(() => harness.stop());

  const started = (
    over: Partial<WorkflowStartedPayloadV1>,
    workspaceId = ws.workspaceId,
  ): EventEnvelope<WorkflowStartedPayloadV1> => {
    const wf = `wf-${randomUUID()}`;
    const fixture = WorkflowStartedV1.fixture.payload;
    return harness.envelope(WorkflowStartedV1, workspaceId, wf, {
      ...fixture,
      workflowInstanceId: wf,
      submissionId,
      attemptNumber: 1,
      siteId: ws.siteId,
      pinnedConfigVersions: ws.versions,
      configVersionId: ws.versions.approvalMatrix,
      ...over,
    });
  };
  const verdictOf = async (claim: EventEnvelope): Promise<ReferenceRejectedPayloadV1[]> => {
    await harness.send(claim);
    await waitFor(
      async () =>
        (
          await harness.query(
            `SELECT 1 FROM inbox WHERE consumer = 'submission-service.submission-claims' AND event_id = $1`,
            [claim.eventId],
          )
        ).length === 1,
      { what: `the claim ${claim.eventType} consumed` },
    );
    const rows = (await harness.query(
      `SELECT envelope FROM outbox WHERE event_type = 'reference.rejected' AND envelope->'payload'->>'claimEventId' = $1 ORDER BY id`,
      [claim.eventId],
    )) as Array<{ envelope: EventEnvelope<ReferenceRejectedPayloadV1> }>;
    return rows.map((r) => r.envelope.payload);
  };
  const fields = (rejections: ReferenceRejectedPayloadV1[]) => rejections.map((r) => [r.field, r.reasonCode]);

  it('refuses a workflow for a fabricated submission, a foreign one and an attempt never made; a true claim passes', async () => {
    const fabricated = started({ submissionId: `sub-fabricated-${randomUUID()}` });
    const [rejection, ...more] = await verdictOf(fabricated);
    expect(more).toEqual([]);
    expect(rejection).toMatchObject({
      claimantService: 'workflow-service',
      ownerService: 'submission-service',
      aggregateType: 'workflow',
      aggregateId: fabricated.aggregateId,
      workspaceId: ws.workspaceId,
      field: 'submissionId',
      entity: 'atp_submissions',
      reasonCode: 'UNKNOWN',
      claimEventType: 'workflow.started',
    });
    const [row] = (await harness.query(
      `SELECT partition_key FROM outbox WHERE event_type = 'reference.rejected' AND envelope->'payload'->>'claimEventId' = $1`,
      [fabricated.eventId],
    )) as Array<{ partition_key: string }>;
    expect(row.partition_key).toBe(fabricated.aggregateId);

    expect(fields(await verdictOf(started({}, randomUUID())))).toEqual([['submissionId', 'UNKNOWN']]);
    expect(fields(await verdictOf(started({ attemptNumber: 7 })))).toEqual([['attemptNumber', 'MISMATCH']]);
    expect(fields(await verdictOf(started({})))).toEqual([]);
  });

  it('refuses a punchlist for a fabricated submission, and a redelivered claim publishes nothing twice', async () => {
    const punchlistId = `pl-${randomUUID()}`;
    const claim = harness.envelope(PunchlistCreatedV1, ws.workspaceId, punchlistId, {
      ...PunchlistCreatedV1.fixture.payload,
      punchlistId,
      submissionId: `sub-ghost-${randomUUID()}`,
    });
    const rejections = await verdictOf(claim);
    expect(rejections).toEqual([
      expect.objectContaining({
        claimantService: 'punchlist-service',
        aggregateType: 'punchlist',
        aggregateId: punchlistId,
        field: 'submissionId',
        reasonCode: 'UNKNOWN',
      }),
    ]);
    expect(await verdictOf(claim)).toHaveLength(1);
    const valid = harness.envelope(PunchlistCreatedV1, ws.workspaceId, punchlistId, {
      ...PunchlistCreatedV1.fixture.payload,
      punchlistId,
      submissionId,
    });
    expect(await verdictOf(valid)).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ReferenceRejectedV1, type ReferenceRejectedPayloadV1 } from '@atp/contracts';
import { uniqueSuffix, waitFor } from '@atp/testing';
import { PunchlistHarness } from './support/punchlist-harness';

/**
 * Compensation, claimant side (architecture §5.3, `punchlist.flagInvalidReference`): a `reference.rejected` about a
 * punchlist, published straight to Kafka as workflow-service or submission-service publish it, flags the punchlist
 * (GET shows why and since when, the list shows `flagged`), records the rejection once with what was done, and a
 * redelivery or a second rejection flags nothing twice.
 */
jest.setTimeout(180_000);

const harness = new PunchlistHarness();
const ws = randomUUID();
const s = uniqueSuffix();
const issuer = `approver-${s}`;
const auditor = `auditor-${s}`;
const base = `/api/v1/workspaces/${ws}/punchlists`;

beforeAll(async () => {
  await harness.start();
  await harness.addMembers(ws, [
    [issuer, 'APPROVER'],
    [auditor, 'AUDITOR'],
  ]);
});

afterAll(async () => {
  await harness.stop();
});

async function openPunchlist(): Promise<string> {
  const facts = {
    workflowInstanceId: `wf-${uniqueSuffix()}`,
    submissionId: `sub-${uniqueSuffix()}`,
    siteCode: `SITE-${s}`,
    vendorCode: null,
  };
  const stageId = `stg-${uniqueSuffix()}`;
  await harness.workflowStarted(ws, facts);
  await harness.approvedWithPunchlist(ws, { ...facts, stageId, decidedBy: issuer }, [
    { itemCode: 'LBL-1', description: 'Cable tray label missing', severity: 'MINOR' },
  ]);
  return (await harness.punchlistOfStage(stageId)).id;
}

const rejection = (
  punchlistId: string,
  field: string,
  over: Partial<ReferenceRejectedPayloadV1> = {},
): ReferenceRejectedPayloadV1 => ({
  ...ReferenceRejectedV1.fixture.payload,
  claimantService: 'punchlist-service',
  ownerService: 'workflow-service',
  aggregateType: 'punchlist',
  aggregateId: punchlistId,
  workspaceId: ws,
  field,
  entity: 'workflow_stages',
  referencedId: `${field}-fabricated-${s}`,
  claimEventId: randomUUID(),
  claimEventType: 'punchlist.created',
  ...over,
});
const recorded = async (id: string) =>
  (await harness.query(
    `SELECT field, outcome FROM reference_rejections WHERE aggregate_id = $1 ORDER BY received_at, rejection_event_id`,
    [id],
  )) as Array<{
    field: string;
    outcome: string;
  }>;
const view = async (id: string) =>
  (
    await request(harness.http())
      .get(`${base}/${id}`)
      .set(await harness.auth(auditor))
      .expect(200)
  ).body;

it('flags an open punchlist, visibly and once, and records every rejection', async () => {
  const id = await openPunchlist();
  expect(await view(id)).toMatchObject({ flagged: false, integrityFlag: null, referenceRejections: [] });

  const first = await harness.produce(
    ReferenceRejectedV1,
    ws,
    id,
    rejection(id, 'workflowStageId', { reasonCode: 'MISMATCH' }),
  );
  await waitFor(async () => (await recorded(id)).length === 1, { what: 'the rejection recorded' });
  const flagged = await view(id);
  expect(flagged).toMatchObject({
    status: 'OPEN',
    flagged: true,
    integrityFlag: expect.stringMatching(
      /^INVALID_REFERENCE: workflowStageId = workflowStageId-fabricated-.* MISMATCH/,
    ),
    flaggedAt: expect.any(String),
    referenceRejections: [
      expect.objectContaining({
        field: 'workflowStageId',
        reasonCode: 'MISMATCH',
        ownerService: 'workflow-service',
        outcome: 'COMPENSATED',
      }),
    ],
  });

  // Redelivered, then a second refused field from another owner: one more record, the flag unchanged.
  await harness.produce(ReferenceRejectedV1, ws, id, first.payload, first.eventId);
  await harness.produce(
    ReferenceRejectedV1,
    ws,
    id,
    rejection(id, 'submissionId', { ownerService: 'submission-service', entity: 'atp_submissions' }),
  );
  await waitFor(async () => (await recorded(id)).length === 2, { what: 'the second rejection recorded' });
  expect(await recorded(id)).toEqual([
    { field: 'workflowStageId', outcome: 'COMPENSATED' },
    { field: 'submissionId', outcome: 'ALREADY_SAFE' },
  ]);
  const again = await view(id);
  expect([again.integrityFlag, again.flaggedAt]).toEqual([flagged.integrityFlag, flagged.flaggedAt]);
  const listed = (
    await request(harness.http())
      .get(base)
      .set(await harness.auth(auditor))
      .expect(200)
  ).body.items;
  expect(listed.find((p: { id: string }) => p.id === id)).toMatchObject({ flagged: true });
});

it('records a rejection about a punchlist it does not hold, and ignores other claimants', async () => {
  const ghost = `pl-ghost-${s}`;
  await harness.produce(ReferenceRejectedV1, ws, ghost, rejection(ghost, 'workflowInstanceId'));
  const other = await harness.produce(ReferenceRejectedV1, ws, `wf-${s}`, {
    ...rejection(`wf-${s}`, 'siteId'),
    aggregateType: 'workflow',
  });
  await waitFor(async () => (await recorded(ghost)).length === 1, { what: 'the ghost rejection recorded' });
  expect(await recorded(ghost)).toEqual([{ field: 'workflowInstanceId', outcome: 'UNKNOWN_AGGREGATE' }]);
  await harness.consumed(other.eventId);
  expect(await recorded(`wf-${s}`)).toEqual([]);
});

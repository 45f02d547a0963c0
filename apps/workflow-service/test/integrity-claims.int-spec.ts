import { randomUUID } from 'node:crypto';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig, demoUserId } from '@atp/approval-routing';
import {
  MembershipUpdatedV1,
  PunchlistClearedV1,
  PunchlistCreatedV1,
  type EventEnvelope,
  type PunchlistCreatedPayloadV1,
  type ReferenceRejectedPayloadV1,
  type SubmissionQaApprovedPayloadV1,
} from '@atp/contracts';
import { uniqueSuffix, waitFor } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * workflow-service as an owner (architecture §5.3): the workflow and stage ids a punchlist names, published straight to
 * Kafka, are checked against its tables and refused with `reference.rejected`; and the published effect of deactivating
 * a member (issue 13 item 4): their open stages go to the backup, in the trail and as `workflow.stage.reassigned`.
 */
jest.setTimeout(240_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const pinned = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const primary = (role: string) => demoUserId(role, cluster, 'primary');
const backup = (role: string) => demoUserId(role, cluster, 'backup');
const ROLES = ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'];

const submission = (): SubmissionQaApprovedPayloadV1 => ({
  submissionId: `sub-${uniqueSuffix()}`,
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

async function started() {
  const payload = submission();
  await harness.qaApproved(payload);
  const instance = await harness.workflowOf(payload.submissionId);
  return { instance, submissionId: payload.submissionId, stages: await harness.stages(instance.id) };
}

const consumed = (consumer: string, eventId: string) =>
  waitFor(
    async () =>
      (await harness.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2`, [consumer, eventId])).length ===
      1,
    {
      what: `${consumer} to consume ${eventId}`,
    },
  );

/** The rejections written for one claim (the outbox: the same transaction as the inbox row). */
async function rejectionsOf(claim: EventEnvelope): Promise<ReferenceRejectedPayloadV1[]> {
  await consumed('workflow-service.punchlist-claims', claim.eventId);
  const rows = (await harness.query(
    `SELECT envelope FROM outbox WHERE event_type = 'reference.rejected' AND envelope->'payload'->>'claimEventId' = $1 ORDER BY id`,
    [claim.eventId],
  )) as Array<{ envelope: EventEnvelope<ReferenceRejectedPayloadV1> }>;
  return rows.map((r) => r.envelope.payload);
}

beforeAll(async () => {
  await harness.start();
  const members = [...ROLES.flatMap((r) => [primary(r), backup(r)]), submitter];
  for (const userId of members) await harness.addMember(workspaceId, userId);
  await harness.waitForMembers(workspaceId, members.length);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: pinned.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: pinned.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: pinned.scopeConfig }));
});

afterAll(async () => {
  await harness.stop();
});

describe('validation of punchlist claims', () => {
  const punchlist = (over: Partial<PunchlistCreatedPayloadV1>): PunchlistCreatedPayloadV1 => ({
    ...PunchlistCreatedV1.fixture.payload,
    punchlistId: `pl-${uniqueSuffix()}`,
    ...over,
  });

  it('refuses a fabricated workflow, a fabricated stage and a stage of another workflow; a true claim passes', async () => {
    const one = await started();
    const other = await started();
    const ok = {
      workflowInstanceId: one.instance.id,
      workflowStageId: one.stages[0].id,
      submissionId: one.submissionId,
    };

    const fabricated = punchlist({ ...ok, workflowInstanceId: `wf-fabricated-${suffix}` });
    const ghostStage = punchlist({ ...ok, workflowStageId: `stg-fabricated-${suffix}` });
    const foreignStage = punchlist({ ...ok, workflowStageId: other.stages[0].id });
    const valid = punchlist(ok);
    const claims = [];
    for (const p of [fabricated, ghostStage, foreignStage, valid])
      claims.push(await harness.produce(PunchlistCreatedV1, workspaceId, p.punchlistId, p));
    const cleared = await harness.produce(PunchlistClearedV1, workspaceId, valid.punchlistId, {
      ...PunchlistClearedV1.fixture.payload,
      punchlistId: valid.punchlistId,
      ...ok,
      workflowStageId: `stg-cleared-ghost-${suffix}`,
    });

    const verdicts = [];
    for (const claim of claims) verdicts.push((await rejectionsOf(claim)).map((r) => [r.field, r.reasonCode]));
    expect(verdicts).toEqual([
      [['workflowInstanceId', 'UNKNOWN']],
      [['workflowStageId', 'UNKNOWN']],
      [['workflowStageId', 'MISMATCH']],
      [],
    ]);
    const [first] = await rejectionsOf(claims[0]);
    expect(first).toMatchObject({
      claimantService: 'punchlist-service',
      ownerService: 'workflow-service',
      aggregateType: 'punchlist',
      aggregateId: fabricated.punchlistId,
      workspaceId,
      entity: 'workflow_instances',
      referencedId: fabricated.workflowInstanceId,
      claimEventType: 'punchlist.created',
    });
    expect((await rejectionsOf(cleared)).map((r) => [r.field, r.claimEventType])).toEqual([
      ['workflowStageId', 'punchlist.cleared'],
    ]);
  });

  it('a workflow of another workspace is as unknown as a fabricated one, and a redelivered claim publishes nothing twice', async () => {
    const one = await started();
    const p = punchlist({
      workflowInstanceId: one.instance.id,
      workflowStageId: one.stages[0].id,
      submissionId: one.submissionId,
    });
    const foreign = await harness.produce(PunchlistCreatedV1, randomUUID(), p.punchlistId, p);
    expect((await rejectionsOf(foreign)).map((r) => [r.field, r.reasonCode])).toEqual([
      ['workflowInstanceId', 'UNKNOWN'],
    ]);
    await harness.sendRaw(PunchlistCreatedV1.topic, p.punchlistId, foreign);
    // a later event passes the first
    const again = await harness.produce(PunchlistCreatedV1, randomUUID(), p.punchlistId, p);
    await rejectionsOf(again);
    expect(await rejectionsOf(foreign)).toHaveLength(1);
  });
});

describe('a deactivated member', () => {
  it('hands their open stages to the backup and says so, once', async () => {
    const { instance, stages } = await started();
    const mine = stages.filter(
      (s) => s.approver_user_id === primary('ROH') && ['WAITING', 'PENDING'].includes(s.status),
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((s) => s.backup_user_id === backup('ROH'))).toBe(true);

    const membershipId = `m-${workspaceId}-${primary('ROH')}-APPROVER`;
    const revoked = await harness.produce(
      MembershipUpdatedV1,
      workspaceId,
      membershipId,
      {
        membershipId,
        workspaceId,
        userId: primary('ROH'),
        role: 'APPROVER',
        status: 'INACTIVE',
      },
      randomUUID(),
      2,
    );
    await consumed('workflow-service.reference-replica', revoked.eventId);
    const after = await harness.stages(instance.id);
    for (const stage of mine) expect(after.find((s) => s.id === stage.id)?.approver_user_id).toBe(backup('ROH'));

    const reassigned = (await harness.query(
      `SELECT envelope FROM outbox WHERE aggregate_id = $1 AND event_type = 'workflow.stage.reassigned' ORDER BY id`,
      [instance.id],
    )) as Array<{ envelope: EventEnvelope<{ stageId: string; fromUserId: string; toUserId: string; reason: string }> }>;
    expect(reassigned.map((r) => r.envelope.payload)).toEqual(
      mine.map((s) =>
        expect.objectContaining({
          stageId: s.id,
          fromUserId: primary('ROH'),
          toUserId: backup('ROH'),
          reason: expect.stringMatching(/^APPROVER_DEACTIVATED/),
        }),
      ),
    );
    expect(reassigned[0].envelope).toMatchObject({ actorId: 'system:membership', causationId: revoked.eventId });
    const trail = (await harness.actions(instance.id)).filter((a) => a.action_type === 'REASSIGNED');
    expect(trail.map((a) => [a.workflow_stage_id, a.actor_user_id])).toEqual(
      mine.map((s) => [s.id, 'system:membership']),
    );

    // Redelivered: nothing of theirs is left open, nothing more is said.
    await harness.sendRaw(MembershipUpdatedV1.topic, membershipId, revoked);
    const later = await harness.produce(
      MembershipUpdatedV1,
      workspaceId,
      membershipId,
      {
        membershipId,
        workspaceId,
        userId: primary('ROH'),
        role: 'APPROVER',
        status: 'INACTIVE',
      },
      randomUUID(),
      3,
    );
    await consumed('workflow-service.reference-replica', later.eventId);
    expect((await harness.eventTypes(instance.id)).filter((t) => t === 'workflow.stage.reassigned')).toHaveLength(
      mine.length,
    );
  });
});

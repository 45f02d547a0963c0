import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  demoApprovalMatrix,
  demoClusterMapping,
  demoScopeConfig,
  demoUserId,
  type AtpCategory,
} from '@atp/approval-routing';
import type { SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { bearer, uniqueSuffix, waitFor } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(240_000);

/** The workflow-service items of the functional probe (fd7f7ac), against the real database and Kafka. */
const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const admin = `admin-${suffix}`;
const qa = `qa-${suffix}`;
const ghost = `ghost-${suffix}`;
const pinned = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const primary = (role: string) => demoUserId(role, cluster, 'primary');
const backup = (role: string) => demoUserId(role, cluster, 'backup');
const ROLES = ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'];
const http = () => request(harness.app.getHttpServer());
const base = `/api/v1/workspaces/${workspaceId}`;

function submission(
  category: AtpCategory,
  fields: Partial<SubmissionQaApprovedPayloadV1> = {},
): SubmissionQaApprovedPayloadV1 {
  return {
    submissionId: `sub-${uniqueSuffix()}`,
    attemptNumber: 1,
    workspaceId,
    siteId: `site-${suffix}`,
    siteCode: 'JKT-0001',
    clusterCode: cluster,
    regionCode: 'JABO',
    scopeCode: 'DEMO',
    vendorCode: null,
    atpCategory: category,
    submittedBy: submitter,
    qaApprovedBy: 'qa-1',
    pinnedConfigVersions: pinned,
    ...fields,
  };
}

async function started(payload: SubmissionQaApprovedPayloadV1) {
  await harness.qaApproved(payload);
  return harness.workflowOf(payload.submissionId, payload.attemptNumber);
}

/** The refusal recorded for this very event (an attempt may be refused more than once). */
async function refusal(payload: SubmissionQaApprovedPayloadV1): Promise<{ reason: string; detail: string }> {
  const envelope = await harness.qaApproved(payload);
  return waitFor(
    async () => {
      const rows = await harness.query(`SELECT reason, detail FROM workflow_start_refusals WHERE event_id = $1`, [
        envelope.eventId,
      ]);
      return rows[0];
    },
    { what: `the refusal of ${payload.submissionId} attempt ${payload.attemptNumber}` },
  );
}

const inboxStageIds = async (userId: string): Promise<string[]> =>
  (await http().get(`${base}/inbox`).set(bearer(userId)).expect(200)).body.items.map(
    (i: { stageId: string }) => i.stageId,
  );

const decide = (
  instanceId: string,
  stageId: string,
  userId: string,
  comment = `ok by ${userId}`,
  decision = 'APPROVE',
) =>
  http()
    .post(`${base}/workflows/${instanceId}/stages/${stageId}/decisions`)
    .set(bearer(userId))
    .send({ decision, comment });

beforeAll(async () => {
  await harness.start();
  const members = [...ROLES.flatMap((r) => [primary(r), backup(r)]), submitter];
  for (const userId of members) await harness.addMember(workspaceId, userId);
  await harness.addMember(workspaceId, admin, 'WORKSPACE_ADMIN');
  await harness.addMember(workspaceId, qa, 'QA_ENGINEER');
  await harness.waitForMembers(workspaceId, members.length + 2);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: pinned.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: pinned.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: pinned.scopeConfig }));
});

afterAll(async () => {
  await harness.stop();
});

describe('functional probe fd7f7ac: workflow-service', () => {
  it("#3 a CLUSTER override moves the stage to the decider's inbox and says so", async () => {
    const instance = await started(submission('PLN_UPGRADE'));
    const [roh, rth] = await harness.stages(instance.id);
    expect((await decide(instance.id, roh.id, primary('ROH'))).status).toBe(200);
    expect(await inboxStageIds(primary('RTH'))).toContain(rth.id);

    const created = await http()
      .post(`${base}/overrides`)
      .set(bearer(primary('RTH')))
      .send({
        overrideType: 'CLUSTER',
        clusterCode: cluster,
        roleCode: 'RTH',
        fromUserId: primary('RTH'),
        toUserId: backup('RTH'),
        reason: 'cut-over',
      })
      .expect(201);
    const overrideId = created.body.override.id as string;
    try {
      const approved = await http()
        .post(`${base}/overrides/${overrideId}/approve`)
        .set(bearer(admin))
        .send({})
        .expect(200);
      expect(approved.body.reassignedStageIds).toContain(rth.id);

      // Whoever may decide sees the stage; whoever sees it may decide it.
      expect(await inboxStageIds(primary('RTH'))).not.toContain(rth.id);
      expect(await inboxStageIds(backup('RTH'))).toContain(rth.id);
      expect((await decide(instance.id, rth.id, primary('RTH'))).body.code).toBe('NOT_STAGE_APPROVER');
      const reassigned = (await harness.query(
        `SELECT envelope FROM outbox WHERE aggregate_id = $1 AND event_type = 'workflow.stage.reassigned'`,
        [instance.id],
      )) as Array<{ envelope: { payload: Record<string, unknown> } }>;
      expect(reassigned.map((r) => r.envelope.payload)).toEqual([
        expect.objectContaining({ stageId: rth.id, fromUserId: primary('RTH'), toUserId: backup('RTH'), overrideId }),
      ]);
      const decided = await decide(instance.id, rth.id, backup('RTH'));
      expect(decided.status).toBe(200);
      expect(decided.body.workflowStatus).toBe('COMPLETED');
    } finally {
      await harness.query(`UPDATE approver_overrides SET is_active = false WHERE workspace_id = $1`, [workspaceId]);
    }
  });

  it('#4 a submitter who is the mapped approver is passed over: the backup gets the stage and decides it', async () => {
    const instance = await started(submission('PLN_UPGRADE', { submittedBy: primary('ROH') }));
    const [roh] = await harness.stages(instance.id);
    expect(roh.approver_user_id).toBe(backup('ROH'));
    expect(roh.backup_user_id).toBeNull();
    expect(await inboxStageIds(primary('ROH'))).not.toContain(roh.id);
    expect(await inboxStageIds(backup('ROH'))).toContain(roh.id);
    expect((await decide(instance.id, roh.id, backup('ROH'))).status).toBe(200);
  });

  it('#5 an attempt starts only after the earlier one was rejected, and never beside or before a newer one', async () => {
    const first = submission('PLN_UPGRADE');
    const instance = await started(first);
    expect(await refusal({ ...first, attemptNumber: 2 })).toMatchObject({
      reason: 'ATTEMPT_CONFLICT',
      detail: expect.stringContaining('attempt 1'),
    });
    const [roh] = await harness.stages(instance.id);
    expect((await decide(instance.id, roh.id, primary('ROH'), 'missing photos', 'REJECT')).status).toBe(200);
    const third = await started({ ...first, attemptNumber: 3 });
    expect(third.status).toBe('IN_PROGRESS');
    expect(await refusal({ ...first, attemptNumber: 2 })).toMatchObject({
      reason: 'ATTEMPT_CONFLICT',
      detail: expect.stringContaining('newer'),
    });
    const open = await harness.query(
      `SELECT attempt_number FROM workflow_instances WHERE submission_id = $1 AND status = 'IN_PROGRESS'`,
      [first.submissionId],
    );
    expect(open).toEqual([{ attempt_number: 3 }]);
  });

  it('#6 the start normalises scope and vendor codes as the dry run does', async () => {
    const instance = await started(submission('RAN_MW', { scopeCode: ' demo ', vendorCode: 'aviat' }));
    const [row] = await harness.query(
      `SELECT approval_policy_id, routing_snapshot FROM workflow_instances WHERE id = $1`,
      [instance.id],
    );
    expect(row.approval_policy_id).toBe('policy:DEMO:RAN_MW');
    expect(row.routing_snapshot.request).toMatchObject({ scopeCode: 'DEMO', vendorCode: 'AVIAT' });
  });

  it('#9 a whitespace-only decision comment is a 400 and changes nothing', async () => {
    const instance = await started(submission('PLN_UPGRADE'));
    const [roh] = await harness.stages(instance.id);
    const blank = await decide(instance.id, roh.id, primary('ROH'), '   ');
    expect([blank.status, blank.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await harness.stages(instance.id))[0].status).toBe('PENDING');
  });

  it('#19 every stage is CREATED as WAITING; the opening one is then ACTIVATED WAITING → PENDING', async () => {
    const instance = await started(submission('PLN_UPGRADE'));
    const rows = (await harness.query(
      `SELECT action_type, payload FROM workflow_stage_actions WHERE workflow_instance_id = $1 AND action_type IN ('CREATED','ACTIVATED') ORDER BY seq`,
      [instance.id],
    )) as Array<{ action_type: string; payload: { oldStatus?: string; newStatus: string } }>;
    expect(rows.map((r) => `${r.action_type}:${r.payload.oldStatus ?? ''}>${r.payload.newStatus}`)).toEqual([
      'CREATED:>WAITING',
      'ACTIVATED:WAITING>PENDING',
      'CREATED:>WAITING',
    ]);
  });

  it('#22 a submitter who is not a member, or a cluster the pinned mapping lacks, is refused, not started unassigned', async () => {
    expect(await refusal(submission('PLN_UPGRADE', { submittedBy: ghost }))).toMatchObject({
      reason: 'SUBMITTER_NOT_MEMBER',
    });
    const unknown = await refusal(submission('PLN_UPGRADE', { siteCode: 'NOPE-1', clusterCode: 'NOPE-C9' }));
    expect(unknown).toMatchObject({ reason: 'UNKNOWN_CLUSTER', detail: expect.stringContaining('NOPE-C9') });
  });

  it('#19 workflow.resumed carries the new due dates and workflow.cancelled names the cancelled stages', async () => {
    const instance = await started(submission('PLN_UPGRADE'));
    const admin_ = (action: string) =>
      http().post(`${base}/workflows/${instance.id}/${action}`).set(bearer(admin)).send({ reason: action });
    await admin_('hold').expect(200);
    harness.clock.advanceHours(2);
    try {
      await admin_('resume').expect(200);
      await admin_('cancel').expect(200);
    } finally {
      harness.clock.set(new Date());
    }
    const stages = await harness.stages(instance.id);
    const events = (await harness.query(
      `SELECT event_type, envelope FROM outbox WHERE aggregate_id = $1 AND event_type IN ('workflow.resumed','workflow.cancelled') ORDER BY id`,
      [instance.id],
    )) as Array<{ event_type: string; envelope: { payload: Record<string, unknown> } }>;
    expect(events.map((e) => e.event_type)).toEqual(['workflow.resumed', 'workflow.cancelled']);
    expect(events[0]?.envelope.payload.pendingStages).toEqual([
      { stageId: stages[0]?.id, slaDueAt: stages[0]?.sla_due_at?.toISOString() },
    ]);
    expect(events[1]?.envelope.payload.cancelledStageIds).toEqual(stages.map((s) => s.id));
  });

  it('#16 workflows are listed by submission with cursor paging, and one override can be read', async () => {
    const first = await started(submission('PLN_UPGRADE'));
    const secondPayload = submission('PLN_UPGRADE');
    const second = await started(secondPayload);
    const bySubmission = await http()
      .get(`${base}/workflows`)
      .query({ submissionId: secondPayload.submissionId })
      .set(bearer(admin))
      .expect(200);
    expect(bySubmission.body.items.map((w: { workflowId: string }) => w.workflowId)).toEqual([second.id]);
    expect(bySubmission.body.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http()
        .get(`${base}/workflows`)
        .query(cursor ? { limit: 1, cursor } : { limit: 1 })
        .set(bearer(admin))
        .expect(200);
      expect(page.body.items).toHaveLength(1);
      seen.push(page.body.items[0].workflowId);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([first.id, second.id]));
    expect((await http().get(`${base}/workflows`).query({ submission_id: 'x' }).set(bearer(admin))).status).toBe(400);
    expect([403, 404]).toContain((await http().get(`${base}/workflows`).set(bearer(ghost))).status);

    const created = await http()
      .post(`${base}/overrides`)
      .set(bearer(admin))
      .send({
        overrideType: 'CLUSTER',
        clusterCode: cluster,
        roleCode: 'PMO',
        fromUserId: primary('PMO'),
        toUserId: backup('PMO'),
        reason: 'leave',
      })
      .expect(201);
    const overrideId = created.body.override.id as string;
    const read = await http()
      .get(`${base}/overrides/${overrideId}`)
      .set(bearer(primary('PMO')))
      .expect(200);
    expect(read.body).toMatchObject({ id: overrideId, approvalStatus: 'PENDING', toUserId: backup('PMO') });
    expect((await http().get(`${base}/overrides/${randomUUID()}`).set(bearer(admin))).status).toBe(404);
    expect([403, 404]).toContain((await http().get(`${base}/overrides/${overrideId}`).set(bearer(ghost))).status);
  });

  it('#17 sla/violations validates its query and pages with limit and cursor', async () => {
    await started(submission('PLN_UPGRADE'));
    await started(submission('PLN_UPGRADE'));
    for (const query of [{ limit: 0 }, { limit: 201 }, { limit: 'x' }, { unknown: 1 }]) {
      expect((await http().get(`${base}/sla/violations`).query(query).set(bearer(admin))).status).toBe(400);
    }
    harness.clock.advanceHours(100_000);
    try {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await http()
          .get(`${base}/sla/violations`)
          .query(cursor ? { limit: 1, cursor } : { limit: 1 })
          .set(bearer(admin))
          .expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.body.items.map((v: { stageId: string }) => v.stageId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(new Set(seen).size).toBe(seen.length);
      const all = await http().get(`${base}/sla/violations`).query({ limit: 200 }).set(bearer(admin)).expect(200);
      expect(all.body.items.map((v: { stageId: string }) => v.stageId)).toEqual(seen.slice(0, 200));
    } finally {
      harness.clock.set(new Date());
    }
  });
});

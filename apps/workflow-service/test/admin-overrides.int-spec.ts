import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  demoApprovalMatrix,
  demoClusterMapping,
  demoPolicyId,
  demoScopeConfig,
  demoUserId,
  type ApprovalMatrixSnapshot,
  type AtpCategory,
} from '@atp/approval-routing';
import type { SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { uniqueSuffix, bearer } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(240_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const requester = `requester-${suffix}`;
const admin = `admin-${suffix}`;
const admin2 = `admin2-${suffix}`;
const outsider = `outsider-${suffix}`;
const stand = (n: string) => `standin-${n}-${suffix}`;
const v1 = {
  approvalMatrix: `cv-matrix-v1-${suffix}`,
  clusterMapping: `cv-cluster-v1-${suffix}`,
  scopeConfig: `cv-scope-v1-${suffix}`,
};
const v3 = { ...v1, approvalMatrix: `cv-matrix-v3-${suffix}` };
const primary = (role: string) => demoUserId(role, cluster, 'primary');
const backup = (role: string) => demoUserId(role, cluster, 'backup');
const ROLES = ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'];
const HOUR = 3_600_000;

/**
 * v3: RAN_MW with non-required stages — 1 FOP_RTS (not required), 2 REGION_TEAM ‖ PMO (PMO not required), 3 RTH (not
 * required).
 */
function matrixV3(): ApprovalMatrixSnapshot {
  const base = demoApprovalMatrix({ workspaceId, configVersionId: v3.approvalMatrix, versionNumber: 3 });
  const policyId = demoPolicyId('DEMO', 'RAN_MW');
  const others = base.policyStages.filter((s) => s.policyId !== policyId);
  const [first, second, third] = base.policyStages.filter((s) => s.policyId === policyId);
  return {
    ...base,
    policyStages: [
      ...others,
      { ...first, isRequired: false },
      { ...second, isParallel: true, parallelGroup: 'A' },
      {
        ...second,
        id: `${second.id}:b`,
        approvalRoleId: 'role:PMO',
        roleCode: 'PMO',
        stageName: 'PMO review',
        isParallel: true,
        parallelGroup: 'B',
        isRequired: false,
      },
      { ...third, isRequired: false },
    ],
  };
}

function submission(category: AtpCategory, pinned = v1): SubmissionQaApprovedPayloadV1 {
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
  };
}

async function startWorkflow(category: AtpCategory, pinned = v1) {
  const payload = submission(category, pinned);
  await harness.qaApproved(payload);
  const instance = await harness.workflowOf(payload.submissionId);
  return { payload, instance };
}

const http = () => request(harness.app.getHttpServer());
const base = `/api/v1/workspaces/${workspaceId}`;

function post(path: string, userId: string, body: Record<string, unknown>, idempotencyKey?: string) {
  const call = http().post(`${base}${path}`).set(bearer(userId));
  if (idempotencyKey) call.set('Idempotency-Key', idempotencyKey);
  return call.send(body);
}

const decide = (instanceId: string, stageId: string, userId: string, decision = 'APPROVE') =>
  post(`/workflows/${instanceId}/stages/${stageId}/decisions`, userId, {
    decision,
    comment: `${decision} by ${userId}`,
  });

async function outboxOf(
  aggregateId: string,
): Promise<Array<{ event_type: string; envelope: { payload: Record<string, unknown>; actorId: string | null } }>> {
  return harness.query(`SELECT event_type, envelope FROM outbox WHERE aggregate_id = $1 ORDER BY id`, [aggregateId]);
}

async function actionRows(instanceId: string): Promise<
  Array<{
    workflow_stage_id: string;
    action_type: string;
    actor_user_id: string | null;
    payload: Record<string, unknown>;
    notes: string | null;
  }>
> {
  return harness.query(
    `SELECT workflow_stage_id, action_type, actor_user_id, payload, notes FROM workflow_stage_actions WHERE workflow_instance_id = $1 ORDER BY seq`,
    [instanceId],
  );
}

async function instanceRow(instanceId: string): Promise<{
  status: string;
  held_at: Date | null;
  hold_reason: string | null;
  completed_at: Date | null;
  current_stage_number: number | null;
}> {
  const [row] = await harness.query(
    `SELECT status, held_at, hold_reason, completed_at, current_stage_number FROM workflow_instances WHERE id = $1`,
    [instanceId],
  );
  return row;
}

/** Deactivates the workspace's overrides so a test's CLUSTER/REGION overrides do not reach the next test. */
async function retireOverrides(): Promise<void> {
  await harness.query(`UPDATE approver_overrides SET is_active = false WHERE workspace_id = $1`, [workspaceId]);
}

beforeAll(async () => {
  await harness.start();
  const members = [
    ...ROLES.flatMap((r) => [primary(r), backup(r)]),
    submitter,
    ...['a', 'b', 'c', 'd', 'e', 'f'].map(stand),
  ];
  for (const userId of members) await harness.addMember(workspaceId, userId);
  await harness.addMember(workspaceId, requester, 'APPROVER');
  await harness.addMember(workspaceId, admin, 'WORKSPACE_ADMIN');
  await harness.addMember(workspaceId, admin2, 'WORKSPACE_ADMIN');
  await harness.waitForMembers(workspaceId, members.length + 3);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: v1.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: v1.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: v1.scopeConfig }));
  await harness.publishSnapshot(matrixV3());
});

afterAll(async () => {
  await harness.stop();
});

describe('overrides over HTTP', () => {
  it('validates the request: reason, the target of the type, the role, users, dates and membership', async () => {
    const { instance } = await startWorkflow('PLN_UPGRADE');
    const [first] = await harness.stages(instance.id);
    const valid = {
      overrideType: 'STAGE',
      workflowStageId: first.id,
      fromUserId: primary('ROH'),
      toUserId: stand('a'),
      reason: 'on leave',
    };

    const noReason = await post('/overrides', requester, { ...valid, reason: undefined });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.errors)).toContain('reason');
    const blank = await post('/overrides', requester, { ...valid, reason: '   ' });
    expect(blank.status).toBe(400);

    const wrongTarget = await post('/overrides', requester, {
      overrideType: 'SUBMISSION',
      workflowStageId: first.id,
      fromUserId: primary('ROH'),
      toUserId: stand('a'),
      reason: 'x',
    });
    expect(wrongTarget.status).toBe(400);
    expect(wrongTarget.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'roleCode',
      'submissionId',
      'workflowStageId',
    ]);

    const sameUser = await post('/overrides', requester, { ...valid, toUserId: primary('ROH') });
    expect(sameUser.body.errors.map((e: { field: string }) => e.field)).toEqual(['toUserId']);
    const badDates = await post('/overrides', requester, {
      ...valid,
      effectiveDate: '2026-03-10',
      expiryDate: '2026-03-10',
    });
    expect(badDates.body.errors.map((e: { field: string }) => e.field)).toEqual(['expiryDate']);

    const unknownTarget = await post('/overrides', requester, { ...valid, toUserId: outsider });
    expect(unknownTarget.status).toBe(422);
    expect(unknownTarget.body).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'toUserId' });
    const unknownStage = await post('/overrides', requester, { ...valid, workflowStageId: 'no-such-stage' });
    expect(unknownStage.status).toBe(422);
    const notApprover = await post('/overrides', requester, { ...valid, fromUserId: backup('ROH') });
    expect(notApprover.status).toBe(422);
    expect(notApprover.body.code).toBe('FROM_USER_NOT_STAGE_APPROVER');

    expect((await post('/overrides', outsider, valid)).status).toBe(404); // not a member: the workspace is not theirs to see
    expect(await harness.query(`SELECT 1 FROM approver_overrides WHERE workspace_id = $1`, [workspaceId])).toEqual([]);
  });

  it('a STAGE override takes effect only when a workspace admin other than the requester approves it, and reassigns the running stage', async () => {
    const { instance } = await startWorkflow('PLN_UPGRADE');
    const [first] = await harness.stages(instance.id);
    const created = await post('/overrides', admin2, {
      overrideType: 'STAGE',
      workflowStageId: first.id,
      fromUserId: primary('ROH'),
      toUserId: stand('b'),
      reason: 'ROH on leave',
    });
    expect(created.status).toBe(201);
    const override = created.body.override;
    expect(override).toMatchObject({
      overrideType: 'STAGE',
      approvalStatus: 'PENDING',
      workflowStageId: first.id,
      workflowInstanceId: instance.id,
      roleCode: 'ROH',
      approvalRoleId: 'role:ROH',
      requestorUserId: admin2,
      reason: 'ROH on leave',
      decidedBy: null,
    });
    expect((await outboxOf(override.id)).map((e) => e.event_type)).toEqual(['workflow.override.requested']);

    // Not approved yet: no effect.
    expect((await decide(instance.id, first.id, stand('b'))).status).toBe(403);
    expect((await harness.stages(instance.id))[0].approver_user_id).toBe(primary('ROH'));

    const self = await post(`/overrides/${override.id}/approve`, admin2, {});
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('SELF_APPROVAL_FORBIDDEN');
    const notAdmin = await post(`/overrides/${override.id}/approve`, requester, {});
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.code).toBe('ROLE_REQUIRED'); // the access guard, before the service

    const approved = await post(`/overrides/${override.id}/approve`, admin, { comment: 'granted' }, `ovr-${suffix}-1`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      reassignedStageId: first.id,
      override: { approvalStatus: 'APPROVED', decidedBy: admin, decisionComment: 'granted' },
    });
    const replay = await post(`/overrides/${override.id}/approve`, admin, { comment: 'granted' }, `ovr-${suffix}-1`);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(approved.body);
    expect((await post(`/overrides/${override.id}/approve`, admin, {})).status).toBe(409);

    const [stage] = await harness.stages(instance.id);
    expect(stage.approver_user_id).toBe(stand('b'));
    const reassigned = (await actionRows(instance.id)).filter((a) => a.action_type === 'REASSIGNED');
    expect(reassigned).toHaveLength(1);
    expect(reassigned[0]).toMatchObject({
      workflow_stage_id: first.id,
      actor_user_id: admin,
      notes: 'ROH on leave',
      payload: { fromUserId: primary('ROH'), toUserId: stand('b'), overrideId: override.id, mode: 'OVERRIDE' },
    });
    const stageEvents = (await outboxOf(instance.id)).filter((e) => e.event_type === 'workflow.stage.reassigned');
    expect(stageEvents).toHaveLength(1);
    expect(stageEvents[0].envelope.payload).toMatchObject({
      stageId: first.id,
      fromUserId: primary('ROH'),
      toUserId: stand('b'),
      approverUserId: stand('b'),
      overrideId: override.id,
    });
    expect((await outboxOf(override.id)).map((e) => e.event_type)).toEqual([
      'workflow.override.requested',
      'workflow.override.approved',
    ]);

    expect((await decide(instance.id, first.id, primary('ROH'))).status).toBe(403);
    const decided = await decide(instance.id, first.id, stand('b'));
    expect(decided.status).toBe(200);
    // The stage came to stand('b') through the override, and the decision says so.
    expect(decided.body.stage.authority).toBe('OVERRIDE');
  });

  it('a rejected override changes nothing and cannot be approved afterwards', async () => {
    const { payload, instance } = await startWorkflow('DISMANTLE_KEEP');
    const [first] = await harness.stages(instance.id);
    const created = await post('/overrides', requester, {
      overrideType: 'SUBMISSION',
      submissionId: payload.submissionId,
      roleCode: 'roh',
      fromUserId: primary('ROH'),
      toUserId: stand('c'),
      reason: 'cover',
    });
    expect(created.status).toBe(201);
    expect(created.body.override).toMatchObject({
      roleCode: 'ROH',
      approvalRoleId: null,
      submissionId: payload.submissionId,
    });
    const rejected = await post(`/overrides/${created.body.override.id}/reject`, admin, { comment: 'not needed' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.override).toMatchObject({
      approvalStatus: 'REJECTED',
      decidedBy: admin,
      decisionComment: 'not needed',
    });
    expect((await post(`/overrides/${created.body.override.id}/approve`, admin2, {})).status).toBe(409);
    expect((await outboxOf(created.body.override.id)).map((e) => e.event_type)).toEqual([
      'workflow.override.requested',
      'workflow.override.rejected',
    ]);
    expect((await decide(instance.id, first.id, stand('c'))).status).toBe(403);
    expect((await decide(instance.id, first.id, primary('ROH'))).status).toBe(200);
  });

  it('at decision time precedence is STAGE > SUBMISSION > CLUSTER > REGION > base; the replaced approver may no longer decide', async () => {
    const { payload, instance } = await startWorkflow('PLN_UPGRADE');
    const [first, second] = await harness.stages(instance.id);
    const requestAndApprove = async (body: Record<string, unknown>) => {
      const created = await post('/overrides', requester, { reason: 'precedence', ...body });
      expect(created.status).toBe(201);
      const approved = await post(`/overrides/${created.body.override.id}/approve`, admin, {});
      expect(approved.status).toBe(200);
      return created.body.override.id as string;
    };
    try {
      // Stage 1 (ROH): REGION, CLUSTER and SUBMISSION overrides approved after the start.
      await requestAndApprove({
        overrideType: 'REGION',
        region: 'JABO',
        roleCode: 'ROH',
        fromUserId: primary('ROH'),
        toUserId: stand('c'),
      });
      expect((await decide(instance.id, first.id, primary('ROH'))).status).toBe(403); // REGION replaces the base approver
      await requestAndApprove({
        overrideType: 'CLUSTER',
        clusterCode: cluster,
        roleCode: 'ROH',
        fromUserId: primary('ROH'),
        toUserId: stand('d'),
      });
      expect((await decide(instance.id, first.id, stand('c'))).status).toBe(403); // CLUSTER beats REGION
      await requestAndApprove({
        overrideType: 'SUBMISSION',
        submissionId: payload.submissionId,
        roleCode: 'ROH',
        fromUserId: primary('ROH'),
        toUserId: stand('e'),
      });
      expect((await decide(instance.id, first.id, stand('d'))).status).toBe(403); // SUBMISSION beats CLUSTER
      const bySubmission = await decide(instance.id, first.id, stand('e'));
      expect(bySubmission.status).toBe(200);
      expect(bySubmission.body.stage.authority).toBe('OVERRIDE');
      const [decision] = (await actionRows(instance.id)).filter((a) => a.action_type === 'APPROVE');
      expect(decision).toMatchObject({ actor_user_id: stand('e'), payload: { authority: 'OVERRIDE' } });

      // Stage 2 (RTH): a SUBMISSION override moves the (still WAITING) stage at once; a STAGE override of the new
      // approver then wins.
      await requestAndApprove({
        overrideType: 'SUBMISSION',
        submissionId: payload.submissionId,
        roleCode: 'RTH',
        fromUserId: primary('RTH'),
        toUserId: stand('c'),
      });
      expect((await harness.stages(instance.id))[1].approver_user_id).toBe(stand('c'));
      const stageOverride = await requestAndApprove({
        overrideType: 'STAGE',
        workflowStageId: second.id,
        fromUserId: stand('c'),
        toUserId: stand('f'),
      });
      expect((await harness.stages(instance.id))[1].approver_user_id).toBe(stand('f'));
      expect((await decide(instance.id, second.id, stand('c'))).status).toBe(403);
      expect((await decide(instance.id, second.id, primary('RTH'))).status).toBe(403);
      const byStage = await decide(instance.id, second.id, stand('f'));
      expect(byStage.status).toBe(200);
      expect(byStage.body.workflowStatus).toBe('COMPLETED');

      // Listing with filters and a cursor over more than one page.
      const listed = await http()
        .get(`${base}/overrides?submissionId=${payload.submissionId}`)
        .set(bearer(stand('a')));
      expect(listed.status).toBe(200);
      expect(
        listed.body.items
          .map((o: { overrideType: string; roleCode: string }) => `${o.overrideType}:${o.roleCode}`)
          .sort(),
      ).toEqual(['SUBMISSION:ROH', 'SUBMISSION:RTH']);
      const stageOnly = await http()
        .get(`${base}/overrides?overrideType=STAGE&workflowStageId=${second.id}&approvalStatus=APPROVED`)
        .set(bearer(admin));
      expect(stageOnly.body.items.map((o: { id: string }) => o.id)).toEqual([stageOverride]);
      const all = await harness.query(`SELECT id FROM approver_overrides WHERE workspace_id = $1`, [workspaceId]);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: request.Response = await http()
          .get(`${base}/overrides?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(bearer(admin));
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((o: { id: string }) => o.id));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBeGreaterThan(2);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual(all.map((r: { id: string }) => r.id).sort());
      expect((await http().get(`${base}/overrides`).set(bearer(outsider))).status).toBe(404);
    } finally {
      await retireOverrides();
    }
  });
});

describe('admin actions', () => {
  it('reassigns (delegates) a stage: workspace admin only, audited, published; the new approver decides', async () => {
    const { instance } = await startWorkflow('SOFTWARE_LICENSE');
    const [first, second] = await harness.stages(instance.id);
    const path = `/workflows/${instance.id}/stages/${first.id}/reassign`;
    expect((await post(path, primary('BO'), { toUserId: stand('a'), reason: 'leave' })).body.code).toBe(
      'ROLE_REQUIRED',
    );
    expect((await post(path, admin, { toUserId: submitter, reason: 'leave' })).status).toBe(422);
    expect((await post(path, admin, { toUserId: outsider, reason: 'leave' })).status).toBe(422);
    expect((await post(path, admin, { toUserId: stand('a') })).status).toBe(400);

    const done = await post(path, admin, { toUserId: stand('a'), reason: 'BO on leave', mode: 'DELEGATE' });
    expect(done.status).toBe(200);
    expect(done.body.stage).toEqual({
      id: first.id,
      status: 'PENDING',
      approverUserId: stand('a'),
      previousApproverUserId: primary('BO'),
    });
    // A WAITING stage can be reassigned ahead of time too.
    expect(
      (
        await post(`/workflows/${instance.id}/stages/${second.id}/reassign`, admin, {
          toUserId: stand('b'),
          reason: 'SME away',
        })
      ).status,
    ).toBe(200);

    const rows = (await actionRows(instance.id)).filter((a) => a.action_type === 'REASSIGNED');
    expect(
      rows.map((r) => [r.workflow_stage_id, r.actor_user_id, r.payload.fromUserId, r.payload.toUserId, r.notes]),
    ).toEqual([
      [first.id, admin, primary('BO'), stand('a'), 'BO on leave'],
      [second.id, admin, primary('SME'), stand('b'), 'SME away'],
    ]);
    const events = (await outboxOf(instance.id)).filter((e) => e.event_type === 'workflow.stage.reassigned');
    expect(
      events.map((e) => [
        e.envelope.payload.stageId,
        e.envelope.payload.toUserId,
        e.envelope.payload.overrideId,
        e.envelope.actorId,
      ]),
    ).toEqual([
      [first.id, stand('a'), null, admin],
      [second.id, stand('b'), null, admin],
    ]);

    expect((await decide(instance.id, first.id, primary('BO'))).status).toBe(403);
    expect((await decide(instance.id, first.id, stand('a'))).status).toBe(200);
    expect((await post(path, admin, { toUserId: stand('c'), reason: 'too late' })).body.code).toBe('STAGE_CLOSED');
    const inbox = await http()
      .get(`${base}/inbox`)
      .set(bearer(stand('b')));
    expect(inbox.body.items.map((i: { stageId: string }) => i.stageId)).toEqual([second.id]);
  });

  it('hold stops the SLA clock; resume shifts the PENDING due times by the held duration; illegal moves are 409', async () => {
    const t0 = new Date(Date.UTC(2030, 0, 7, 8, 0, 0));
    harness.clock.set(t0);
    try {
      const { instance } = await startWorkflow('DISMANTLE_DROP');
      const [first] = await harness.stages(instance.id);
      expect(first.sla_due_at?.getTime()).toBe(t0.getTime() + 48 * HOUR);

      harness.clock.set(new Date(t0.getTime() + 10 * HOUR));
      expect((await post(`/workflows/${instance.id}/hold`, primary('FOP_RTS'), { reason: 'x' })).status).toBe(403);
      const held = await post(`/workflows/${instance.id}/hold`, admin, { reason: 'site access blocked' });
      expect(held.status).toBe(200);
      expect(await instanceRow(instance.id)).toMatchObject({
        status: 'ON_HOLD',
        hold_reason: 'site access blocked',
        held_at: new Date(t0.getTime() + 10 * HOUR),
      });
      const again = await post(`/workflows/${instance.id}/hold`, admin, { reason: 'twice' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ILLEGAL_WORKFLOW_TRANSITION');
      expect((await decide(instance.id, first.id, primary('FOP_RTS'))).status).toBe(409);

      // 70 h after the start the original due time (48 h) has passed, but the workflow is held: no breach.
      harness.clock.set(new Date(t0.getTime() + 70 * HOUR));
      expect((await harness.sweeper.sweepOnce({ workspaceId })).breached).not.toContain(first.id);
      const resumed = await post(`/workflows/${instance.id}/resume`, admin, { reason: 'access granted' });
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ workflowStatus: 'IN_PROGRESS', heldMs: 60 * HOUR });
      const [after] = await harness.stages(instance.id);
      expect(after.sla_due_at?.getTime()).toBe(t0.getTime() + (48 + 60) * HOUR);
      expect(after.sla_breached_at).toBeNull();
      expect(await instanceRow(instance.id)).toMatchObject({ status: 'IN_PROGRESS', held_at: null, hold_reason: null });
      expect((await post(`/workflows/${instance.id}/resume`, admin, { reason: 'twice' })).status).toBe(409);
      expect((await harness.sweeper.sweepOnce({ workspaceId })).breached).not.toContain(first.id);

      const audit = (await actionRows(instance.id)).filter((a) => ['HELD', 'RESUMED'].includes(a.action_type));
      expect(audit.map((a) => [a.action_type, a.workflow_stage_id, a.actor_user_id, a.notes])).toEqual([
        ['HELD', first.id, admin, 'site access blocked'],
        ['RESUMED', first.id, admin, 'access granted'],
      ]);
      expect(audit[1].payload).toMatchObject({
        heldMs: 60 * HOUR,
        oldSlaDueAt: new Date(t0.getTime() + 48 * HOUR).toISOString(),
        newSlaDueAt: new Date(t0.getTime() + 108 * HOUR).toISOString(),
      });
      const events = (await outboxOf(instance.id)).map((e) => e.event_type);
      expect(events.filter((e) => e === 'workflow.on-hold' || e === 'workflow.resumed')).toEqual([
        'workflow.on-hold',
        'workflow.resumed',
      ]);
      const [resumedEvent] = (await outboxOf(instance.id)).filter((e) => e.event_type === 'workflow.resumed');
      expect(resumedEvent.envelope.payload).toMatchObject({
        workflowInstanceId: instance.id,
        reason: 'access granted',
        actorUserId: admin,
      });

      // Past the shifted due time the sweeper breaches it as usual.
      harness.clock.set(new Date(t0.getTime() + 109 * HOUR));
      expect((await harness.sweeper.sweepOnce({ workspaceId })).breached).toContain(first.id);
    } finally {
      harness.clock.set(new Date());
    }
  });

  it('cancel closes every open stage and the workflow, from IN_PROGRESS or ON_HOLD; a closed workflow refuses further moves', async () => {
    const { instance } = await startWorkflow('RAN_MW');
    const [first] = await harness.stages(instance.id);
    expect((await decide(instance.id, first.id, primary('FOP_RTS'))).status).toBe(200);
    expect((await post(`/workflows/${instance.id}/cancel`, requester, { reason: 'withdrawn' })).status).toBe(403);
    const cancelled = await post(`/workflows/${instance.id}/cancel`, admin, { reason: 'submission withdrawn' });
    expect(cancelled.status).toBe(200);
    const stages = await harness.stages(instance.id);
    expect(stages.map((s) => s.status)).toEqual(['APPROVED', 'CANCELLED', 'CANCELLED']);
    expect(cancelled.body.cancelledStageIds.sort()).toEqual([stages[1].id, stages[2].id].sort());
    const row = await instanceRow(instance.id);
    expect(row.status).toBe('CANCELLED');
    expect(row.completed_at).not.toBeNull();
    const cancelRows = (await actionRows(instance.id)).filter((a) => a.action_type === 'CANCELLED');
    expect(cancelRows.map((a) => [a.workflow_stage_id, a.actor_user_id, a.payload.oldStatus])).toEqual([
      [stages[1].id, admin, 'PENDING'],
      [stages[2].id, admin, 'WAITING'],
    ]);
    const events = (await outboxOf(instance.id)).map((e) => e.event_type);
    expect(events[events.length - 1]).toBe('workflow.cancelled');

    for (const action of ['cancel', 'hold', 'resume']) {
      const response = await post(`/workflows/${instance.id}/${action}`, admin, { reason: 'again' });
      expect(response.status).toBe(409);
    }
    expect(
      (
        await post(`/workflows/${instance.id}/stages/${stages[1].id}/reassign`, admin, {
          toUserId: stand('a'),
          reason: 'r',
        })
      ).status,
    ).toBe(409);
    expect((await decide(instance.id, stages[1].id, primary('REGION_TEAM'))).status).toBe(409);

    const { instance: heldOne } = await startWorkflow('PLN_UPGRADE');
    expect((await post(`/workflows/${heldOne.id}/hold`, admin, { reason: 'wait' })).status).toBe(200);
    expect((await post(`/workflows/${heldOne.id}/cancel`, admin, { reason: 'dropped' })).status).toBe(200);
    expect(await instanceRow(heldOne.id)).toMatchObject({ status: 'CANCELLED', held_at: null });
    expect((await harness.stages(heldOne.id)).map((s) => s.status)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('a foreign workspace answers 404 for an admin of another workspace', async () => {
    const { instance } = await startWorkflow('PLN_UPGRADE');
    const otherWs = randomUUID();
    await harness.addMember(otherWs, admin, 'WORKSPACE_ADMIN');
    await harness.waitForMembers(otherWs, 1);
    const response = await http()
      .post(`/api/v1/workspaces/${otherWs}/workflows/${instance.id}/hold`)
      .set(bearer(admin))
      .send({ reason: 'x' });
    expect(response.status).toBe(404);
    expect((await instanceRow(instance.id)).status).toBe('IN_PROGRESS');
  });
});

describe('non-required stages', () => {
  it('skips stages the frozen policy does not require when their stage number opens, at start and after approvals', async () => {
    const { instance } = await startWorkflow('RAN_MW', v3);
    const stages = await harness.stages(instance.id);
    expect(stages.map((s) => [s.stage_number, s.role_code, s.status])).toEqual([
      [1, 'FOP_RTS', 'SKIPPED'],
      [2, 'REGION_TEAM', 'PENDING'],
      [2, 'PMO', 'SKIPPED'],
      [3, 'RTH', 'WAITING'],
    ]);
    expect((await instanceRow(instance.id)).current_stage_number).toBe(2);
    expect((await decide(instance.id, stages[0].id, primary('FOP_RTS'))).status).toBe(409);

    const approved = await decide(instance.id, stages[1].id, primary('REGION_TEAM'));
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ workflowStatus: 'COMPLETED', activatedStageIds: [] });
    expect((await harness.stages(instance.id)).map((s) => s.status)).toEqual([
      'SKIPPED',
      'APPROVED',
      'SKIPPED',
      'SKIPPED',
    ]);
    expect((await instanceRow(instance.id)).status).toBe('COMPLETED');

    const skipped = (await actionRows(instance.id)).filter((a) => a.action_type === 'SKIPPED');
    expect(skipped.map((a) => a.workflow_stage_id)).toEqual([stages[0].id, stages[2].id, stages[3].id]);
    const events = (await outboxOf(instance.id)).map((e) => e.event_type);
    expect(events.filter((e) => e === 'workflow.stage.skipped')).toHaveLength(3);
    expect(events.filter((e) => e === 'workflow.stage.activated')).toHaveLength(1);
    expect(events[events.length - 1]).toBe('workflow.completed');
  });
});

describe("pins re-asserted from the workflows themselves (rebuild of config-service's RESTRICT feed)", () => {
  it('publishes workflow.pins-asserted for each running or held workflow of the workspace, and only for them', async () => {
    const { instance: running } = await startWorkflow('PLN_UPGRADE');
    const { instance: held } = await startWorkflow('PLN_UPGRADE');
    const { instance: cancelled } = await startWorkflow('PLN_UPGRADE');
    expect((await post(`/workflows/${held.id}/hold`, admin, { reason: 'site access' })).status).toBe(200);
    expect((await post(`/workflows/${cancelled.id}/cancel`, admin, { reason: 'withdrawn' })).status).toBe(200);
    const path = '/integrity/workflow/pins/reassert';

    expect((await post(path, requester, {})).status).toBe(403);
    const answer = await post(path, admin, {});
    expect(answer.status).toBe(200);
    const open = await harness.query(
      `SELECT count(*)::int AS n FROM workflow_instances WHERE workspace_id = $1 AND status IN ('IN_PROGRESS', 'ON_HOLD')`,
      [workspaceId],
    );
    expect(answer.body).toEqual({ workspaceId, asserted: open[0].n });

    const assertedOf = async (id: string) =>
      (await outboxOf(id)).filter((e) => e.event_type === 'workflow.pins-asserted');
    for (const instance of [running, held]) {
      const [event] = await assertedOf(instance.id);
      expect(event.envelope.payload).toMatchObject({ workflowInstanceId: instance.id, pinnedConfigVersions: v1 });
      expect(event.envelope.actorId).toBe(admin);
    }
    expect(await assertedOf(cancelled.id)).toEqual([]);
  });
});

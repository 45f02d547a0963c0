import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Client } from 'pg';
import {
  ATP_CATEGORIES,
  CATEGORY_CHAINS,
  demoApprovalMatrix,
  demoClusterMapping,
  demoScopeConfig,
  demoUserId,
  type ApprovalMatrixSnapshot,
  type AtpCategory,
} from '@atp/approval-routing';
import type { SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { uniqueSuffix, waitFor, bearer } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

jest.setTimeout(240_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const outsider = `outsider-${suffix}`;
const v1 = {
  approvalMatrix: `cv-matrix-v1-${suffix}`,
  clusterMapping: `cv-cluster-v1-${suffix}`,
  scopeConfig: `cv-scope-v1-${suffix}`,
};
const v2 = { ...v1, approvalMatrix: `cv-matrix-v2-${suffix}` };
const primary = (role: string) => demoUserId(role, cluster, 'primary');
const backup = (role: string) => demoUserId(role, cluster, 'backup');
const ROLES = ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'];

/** v2: RAN_MW stage 2 becomes two parallel groups (REGION_TEAM ‖ PMO), and stage 1 is given to ROH. */
function matrixV2(): ApprovalMatrixSnapshot {
  const base = demoApprovalMatrix({ workspaceId, configVersionId: v2.approvalMatrix, versionNumber: 2 });
  const policyId = 'policy:DEMO:RAN_MW';
  const others = base.policyStages.filter((s) => s.policyId !== policyId);
  const ran = base.policyStages.filter((s) => s.policyId === policyId);
  const [first, second, third] = ran;
  return {
    ...base,
    policyStages: [
      ...others,
      { ...first, approvalRoleId: 'role:ROH', roleCode: 'ROH', stageName: 'ROH review (v2)' },
      { ...second, isParallel: true, parallelGroup: 'A' },
      {
        ...second,
        id: `${second.id}:b`,
        approvalRoleId: 'role:PMO',
        roleCode: 'PMO',
        stageName: 'PMO review',
        isParallel: true,
        parallelGroup: 'B',
        sequenceOrder: 2,
      },
      third,
    ],
  };
}

function submission(
  category: AtpCategory,
  pinned = v1,
  overrides: Partial<SubmissionQaApprovedPayloadV1> = {},
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
    ...overrides,
  };
}

function decide(
  instanceId: string,
  stageId: string,
  userId: string,
  body: Record<string, unknown>,
  idempotencyKey?: string,
) {
  const call = request(harness.app.getHttpServer())
    .post(`/api/v1/workspaces/${workspaceId}/workflows/${instanceId}/stages/${stageId}/decisions`)
    .set(bearer(userId));
  if (idempotencyKey) call.set('Idempotency-Key', idempotencyKey);
  return call.send(body);
}

async function startWorkflow(category: AtpCategory, pinned = v1) {
  const payload = submission(category, pinned);
  await harness.qaApproved(payload);
  const instance = await harness.workflowOf(payload.submissionId);
  return { payload, instance };
}

/** Decides every open stage as its approver until the workflow ends. */
async function approveToCompletion(instanceId: string): Promise<string[]> {
  const deciders: string[] = [];
  for (;;) {
    const pending = (await harness.stages(instanceId)).filter((s) => s.status === 'PENDING');
    if (pending.length === 0) return deciders;
    for (const stage of pending) {
      const approver = stage.approver_user_id ?? '';
      const response = await decide(instanceId, stage.id, approver, {
        decision: 'APPROVE',
        comment: `ok ${stage.role_code}`,
      });
      expect(response.status).toBe(200);
      deciders.push(approver);
    }
  }
}

beforeAll(async () => {
  await harness.start();
  const members = [...ROLES.flatMap((r) => [primary(r), backup(r)]), submitter];
  for (const userId of members) await harness.addMember(workspaceId, userId);
  await harness.addMember(workspaceId, `admin-${suffix}`, 'WORKSPACE_ADMIN');
  await harness.waitForMembers(workspaceId, members.length + 1);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: v1.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: v1.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: v1.scopeConfig }));
});

afterAll(async () => {
  await harness.stop();
});

describe('start', () => {
  it('creates the instance with frozen stages, opens stage 1 with its SLA and publishes started + activated', async () => {
    const { payload, instance } = await startWorkflow('RAN_MW');
    expect(instance).toMatchObject({ status: 'IN_PROGRESS', current_stage_number: 1 });
    const stages = await harness.stages(instance.id);
    expect(stages.map((s) => [s.stage_number, s.role_code, s.status, s.approver_user_id])).toEqual([
      [1, 'FOP_RTS', 'PENDING', primary('FOP_RTS')],
      [2, 'REGION_TEAM', 'WAITING', primary('REGION_TEAM')],
      [3, 'RTH', 'WAITING', primary('RTH')],
    ]);
    expect(stages[0].backup_user_id).toBe(backup('FOP_RTS'));
    expect(Number(stages[0].sla_due_at?.getTime()) - harness.clock.now().getTime()).toBeLessThanOrEqual(48 * 3_600_000);
    expect(stages[1].sla_due_at).toBeNull();
    const [row] = await harness.query(
      `SELECT routing_snapshot, config_version_id FROM workflow_instances WHERE id = $1`,
      [instance.id],
    );
    expect(row.config_version_id).toBe(v1.approvalMatrix);
    expect(row.routing_snapshot.pinnedConfigVersions).toEqual(v1);
    expect(row.routing_snapshot.plan.ok).toBe(true);
    await waitFor(async () => (await harness.eventTypes(instance.id)).length >= 2);
    expect(await harness.eventTypes(instance.id)).toEqual(['workflow.started', 'workflow.stage.activated']);
    expect(payload.submissionId).toBeTruthy();
  });

  it('a redelivered or republished qa-approved creates nothing new', async () => {
    const payload = submission('PLN_UPGRADE');
    const first = await harness.qaApproved(payload);
    const instance = await harness.workflowOf(payload.submissionId);
    await harness.qaApproved(payload, first.eventId); // same event id: the inbox drops it
    const republished = await harness.qaApproved(payload); // new event id: the unique key per attempt holds
    await waitFor(
      async () => (await harness.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [republished.eventId])).length > 0,
      { what: 'republished event consumed' },
    );
    const rows = await harness.query(`SELECT id FROM workflow_instances WHERE submission_id = $1`, [
      payload.submissionId,
    ]);
    expect(rows).toEqual([{ id: instance.id }]);
    expect((await harness.stages(instance.id)).length).toBe(2);
    expect((await harness.eventTypes(instance.id)).filter((t) => t === 'workflow.started')).toHaveLength(1);
  });

  it('refuses a start whose pinned config is not in the replica, with a recorded reason and an event', async () => {
    const payload = submission('RAN_MW', { ...v1, approvalMatrix: `cv-missing-${suffix}` });
    await harness.qaApproved(payload);
    const refusal = await waitFor(
      async () =>
        (
          await harness.query(`SELECT reason, detail FROM workflow_start_refusals WHERE submission_id = $1`, [
            payload.submissionId,
          ])
        )[0],
    );
    expect(refusal.reason).toBe('CONFIG_SNAPSHOT_MISSING');
    expect(refusal.detail).toContain(`cv-missing-${suffix}`);
    const events = await harness.query(`SELECT event_type, envelope FROM outbox WHERE aggregate_id = $1`, [
      payload.submissionId,
    ]);
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['workflow.start-refused']);
    expect(
      await harness.query(`SELECT 1 FROM workflow_instances WHERE submission_id = $1`, [payload.submissionId]),
    ).toEqual([]);
  });
});

describe('decisions', () => {
  it.each(ATP_CATEGORIES.map((c) => [c]))(
    'runs the %s chain of domain §5.3 stage by stage to completion (C6)',
    async (category) => {
      const { instance } = await startWorkflow(category);
      const deciders = await approveToCompletion(instance.id);
      expect(deciders).toEqual(CATEGORY_CHAINS[category].map((s) => primary(s.roleCode)));
      const [done] = await harness.query(`SELECT status, completed_at FROM workflow_instances WHERE id = $1`, [
        instance.id,
      ]);
      expect(done.status).toBe('COMPLETED');
      expect(done.completed_at).not.toBeNull();
      const actions = await harness.actions(instance.id);
      expect(actions.filter((a) => a.action_type === 'APPROVE').map((a) => a.actor_user_id)).toEqual(deciders);
      expect(actions.filter((a) => a.action_type === 'ACTIVATED')).toHaveLength(deciders.length);
      const events = await harness.eventTypes(instance.id);
      expect(events.filter((e) => e === 'workflow.stage.approved')).toHaveLength(deciders.length);
      expect(events[events.length - 1]).toBe('workflow.completed');
    },
  );

  it('guards: submitter, outsider, wrong approver, a WAITING stage and wrong severities are refused', async () => {
    const { instance } = await startWorkflow('SOFTWARE_LICENSE');
    const [first, second] = await harness.stages(instance.id);
    expect((await decide(instance.id, first.id, submitter, { decision: 'APPROVE', comment: 'x' })).body.code).toBe(
      'SUBMITTER_CANNOT_DECIDE',
    );
    expect((await decide(instance.id, first.id, outsider, { decision: 'APPROVE', comment: 'x' })).status).toBe(404);
    expect((await decide(instance.id, first.id, primary('SME'), { decision: 'APPROVE', comment: 'x' })).body.code).toBe(
      'NOT_STAGE_APPROVER',
    );
    expect((await decide(instance.id, second.id, primary('SME'), { decision: 'APPROVE', comment: 'x' })).status).toBe(
      409,
    );
    const badSeverity = await decide(instance.id, first.id, primary('BO'), {
      decision: 'APPROVE_WITH_PUNCHLIST',
      comment: 'x',
      items: [{ description: 'd', severity: 'CRITICAL' }],
    });
    expect(badSeverity.status).toBe(400);
    expect(badSeverity.body.errors[0].field).toBe('items.0.severity');
    expect(
      (
        await decide(instance.id, first.id, primary('BO'), {
          decision: 'REJECT',
          comment: 'x',
          items: [{ description: 'd', severity: 'MINOR' }],
        })
      ).status,
    ).toBe(400);
    expect((await harness.stages(instance.id))[0].status).toBe('PENDING');
  });

  it('approve with punchlist publishes the items; an Idempotency-Key replay returns the first answer', async () => {
    const { instance } = await startWorkflow('DISMANTLE_KEEP');
    const [first] = await harness.stages(instance.id);
    const body = {
      decision: 'APPROVE_WITH_PUNCHLIST',
      comment: 'minor gaps',
      items: [{ itemCode: 'PL-1', description: 'label', severity: 'MINOR' }],
    };
    const key = `key-${uniqueSuffix()}`;
    const a = await decide(instance.id, first.id, primary('ROH'), body, key);
    const b = await decide(instance.id, first.id, primary('ROH'), body, key);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(a.body.activatedStageIds).toHaveLength(1);
    const [event] = await harness.query(
      `SELECT envelope FROM outbox WHERE aggregate_id = $1 AND event_type = 'workflow.stage.approved-with-punchlist'`,
      [instance.id],
    );
    expect(event.envelope.payload.items).toEqual([{ itemCode: 'PL-1', description: 'label', severity: 'MINOR' }]);
    expect((await harness.actions(instance.id)).filter((x) => x.action_type === 'APPROVE_WITH_PUNCHLIST')).toHaveLength(
      1,
    );
  });

  it('a rejection mid-chain cancels the rest and ends the workflow REJECTED', async () => {
    const { instance } = await startWorkflow('DISMANTLE_DROP');
    const [first] = await harness.stages(instance.id);
    expect(
      (await decide(instance.id, first.id, primary('FOP_RTS'), { decision: 'APPROVE', comment: 'ok' })).status,
    ).toBe(200);
    const second = (await harness.stages(instance.id))[1];
    const rejected = await decide(instance.id, second.id, primary('REGION_TEAM'), {
      decision: 'REJECT',
      comment: 'no grounding',
      items: [{ description: 'grounding', severity: 'CRITICAL' }],
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.workflowStatus).toBe('REJECTED');
    const stages = await harness.stages(instance.id);
    expect(stages.map((s) => s.status)).toEqual(['APPROVED', 'REJECTED', 'CANCELLED']);
    const events = await harness.eventTypes(instance.id);
    expect(events.slice(-2)).toEqual(['workflow.stage.rejected', 'workflow.rejected']);
    expect(
      (await decide(instance.id, stages[2].id, primary('PMO'), { decision: 'APPROVE', comment: 'late' })).status,
    ).toBe(409);
  });

  it('of 100 concurrent decisions on one stage exactly one applies, the others get 409', async () => {
    const { instance } = await startWorkflow('PLN_UPGRADE');
    const [first] = await harness.stages(instance.id);
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        decide(instance.id, first.id, primary('ROH'), {
          decision: i % 2 ? 'APPROVE' : 'REJECT',
          comment: `attempt ${i}`,
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const decisions = (await harness.actions(instance.id)).filter((a) => ['APPROVE', 'REJECT'].includes(a.action_type));
    expect(decisions).toHaveLength(1);
  });

  it('the audit trail cannot be changed by the application role', async () => {
    const { instance } = await startWorkflow('RAN_MW');
    await expect(
      harness.query(`UPDATE workflow_stage_actions SET notes = 'x' WHERE workflow_instance_id = $1`, [instance.id]),
    ).rejects.toThrow(/permission denied/);
    await expect(
      harness.query(`DELETE FROM workflow_stage_actions WHERE workflow_instance_id = $1`, [instance.id]),
    ).rejects.toThrow(/permission denied/);
    // The owner past row-level security (FORCEd for it too), so the DELETE reaches the rows and their trigger.
    const owner = new Client({
      connectionString: process.env.WORKFLOW_MIGRATION_DATABASE_URL,
      options: '-c app.rls_bypass=on',
    });
    await owner.connect();
    try {
      await expect(
        owner.query(`DELETE FROM workflow_stage_actions WHERE workflow_instance_id = $1`, [instance.id]),
      ).rejects.toThrow(/append-only/);
    } finally {
      await owner.end();
    }
  });
});

describe('parallel stages and config versions (C4)', () => {
  it('a running v1 workflow keeps v1 after v2 is activated; a new one takes v2 with its parallel groups', async () => {
    const { instance: onV1 } = await startWorkflow('RAN_MW');
    await harness.publishSnapshot(matrixV2());
    const { instance: onV2 } = await startWorkflow('RAN_MW', v2);

    const v2Stages = await harness.stages(onV2.id);
    expect(v2Stages.map((s) => [s.stage_number, s.role_code, s.parallel_group, s.status])).toEqual([
      [1, 'ROH', null, 'PENDING'],
      [2, 'REGION_TEAM', 'A', 'WAITING'],
      [2, 'PMO', 'B', 'WAITING'],
      [3, 'RTH', null, 'WAITING'],
    ]);
    expect(
      (await decide(onV2.id, v2Stages[0].id, primary('ROH'), { decision: 'APPROVE', comment: 'ok' })).body
        .activatedStageIds,
    ).toHaveLength(2);
    const groupA = await decide(onV2.id, v2Stages[1].id, primary('REGION_TEAM'), {
      decision: 'APPROVE',
      comment: 'A ok',
    });
    expect(groupA.body).toMatchObject({ currentStageNumber: 2, activatedStageIds: [] });
    expect((await harness.stages(onV2.id))[3].status).toBe('WAITING');
    const groupB = await decide(onV2.id, v2Stages[2].id, primary('PMO'), { decision: 'APPROVE', comment: 'B ok' });
    expect(groupB.body).toMatchObject({ currentStageNumber: 3, activatedStageIds: [v2Stages[3].id] });

    const deciders = await approveToCompletion(onV1.id);
    expect(deciders).toEqual([primary('FOP_RTS'), primary('REGION_TEAM'), primary('RTH')]);
    const [row] = await harness.query(`SELECT config_version_id, status FROM workflow_instances WHERE id = $1`, [
      onV1.id,
    ]);
    expect(row).toEqual({ config_version_id: v1.approvalMatrix, status: 'COMPLETED' });
  });
});

describe('SLA', () => {
  it('marks a breach once, escalates to the backup, who can then decide; the inbox shows the SLA state', async () => {
    const { instance } = await startWorkflow('SOFTWARE_LICENSE');
    const [first] = await harness.stages(instance.id);
    const inbox = await request(harness.app.getHttpServer())
      .get(`/api/v1/workspaces/${workspaceId}/inbox?atpCategory=SOFTWARE_LICENSE&limit=200`)
      .set(bearer(primary('BO')));
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.find((i: { stageId: string }) => i.stageId === first.id).sla.state).toBe('ON_TRACK');

    harness.clock.advanceHours(49);
    try {
      const breachesCounted = async () => {
        const metrics = await request(harness.app.getHttpServer()).get('/metrics');
        return Number(/^atp_workflow_sla_breaches_total\{[^}]*\} (\d+)$/m.exec(metrics.text)?.[1]);
      };
      const countedBefore = await breachesCounted();
      const sweep = await harness.sweeper.sweepOnce({ workspaceId });
      expect(sweep.breached).toContain(first.id);
      expect(sweep.escalated).toContain(first.id);
      const again = await harness.sweeper.sweepOnce({ workspaceId });
      expect(again.breached).not.toContain(first.id);
      expect(await breachesCounted()).toBe(countedBefore + sweep.breached.length + again.breached.length);
      const [stage] = await harness.stages(instance.id);
      expect(stage.approver_user_id).toBe(backup('BO'));
      expect(stage.sla_breached_at).not.toBeNull();
      const actions = (await harness.actions(instance.id))
        .filter((a) => a.workflow_stage_id === first.id)
        .map((a) => a.action_type);
      expect(actions.filter((a) => a === 'SLA_BREACHED')).toHaveLength(1);
      expect(actions).toContain('ESCALATED');
      const events = await harness.eventTypes(instance.id);
      expect(events.filter((e) => e === 'workflow.stage.sla-breached')).toHaveLength(1);
      expect(events).toContain('workflow.stage.escalated');
      const violations = await request(harness.app.getHttpServer())
        .get(`/api/v1/workspaces/${workspaceId}/sla/violations`)
        .set(bearer(`admin-${suffix}`));
      expect(violations.body.items.map((v: { stageId: string }) => v.stageId)).toContain(first.id);
      expect(
        (await decide(instance.id, first.id, primary('BO'), { decision: 'APPROVE', comment: 'late' })).status,
      ).toBe(403);
      expect(
        (await decide(instance.id, first.id, backup('BO'), { decision: 'APPROVE', comment: 'covered' })).status,
      ).toBe(200);
    } finally {
      harness.clock.set(new Date());
    }
  });
});

describe('overrides', () => {
  it('applies approved overrides by precedence SUBMISSION > CLUSTER > REGION at start', async () => {
    const payload = submission('PLN_UPGRADE');
    const insert = (type: string, target: Record<string, string>, to: string) =>
      harness.query(
        `INSERT INTO approver_overrides (workspace_id, override_type, submission_id, cluster_code, region, approval_role_id, role_code, from_user_id,
           to_user_id, override_reason, requestor_user_id, approval_status, approved_by, approved_at, effective_date)
         VALUES ($1,$2,$3,$4,$5,'role:ROH','ROH',$6,$7,'cover',$8,'APPROVED',$8, now(), CURRENT_DATE - 1)`,
        [
          workspaceId,
          type,
          target.submissionId ?? null,
          target.clusterCode ?? null,
          target.region ?? null,
          primary('ROH'),
          to,
          `admin-${suffix}`,
        ],
      );
    await insert('REGION', { region: 'JABO' }, backup('RTH'));
    await insert('CLUSTER', { clusterCode: cluster }, backup('SME'));
    await insert('SUBMISSION', { submissionId: payload.submissionId }, backup('BO'));
    try {
      await harness.qaApproved(payload);
      const instance = await harness.workflowOf(payload.submissionId);
      const [first] = await harness.stages(instance.id);
      expect(first.approver_user_id).toBe(backup('BO'));
    } finally {
      await harness.query(`UPDATE approver_overrides SET is_active = false WHERE workspace_id = $1`, [workspaceId]);
    }
  });
});

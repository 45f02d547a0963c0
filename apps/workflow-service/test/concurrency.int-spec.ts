import { randomUUID } from 'node:crypto';
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
import { runInWorkspace } from '@atp/platform-database';
import { DomainError } from '@atp/platform-http';
import { uniqueSuffix, waitFor } from '@atp/testing';
import { AdminActionsService } from '../src/admin/admin-actions.service';
import { StageDecisionService } from '../src/decisions/stage-decision.service';
import { OverrideService } from '../src/overrides/override.service';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * Races between the writers of one workflow (decisions, admin actions, override approval, the SLA
 * sweeper), each run many times with random timing. Whatever the interleaving, the run must end in a
 * state the audit trail explains, no caller sees a deadlock or any error other than a domain refusal,
 * and no overdue stage of a running workflow stays unbreached after the next sweep.
 */
jest.setTimeout(600_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const cluster = 'JKT-01';
const submitter = `doc-control-${suffix}`;
const admin = `admin-${suffix}`;
const admin2 = `admin2-${suffix}`;
const standIn = `standin-${suffix}`;
const primary = (role: string) => demoUserId(role, cluster, 'primary');
const backup = (role: string) => demoUserId(role, cluster, 'backup');
const ROLES = ['BO', 'SME', 'HEAD_NOC', 'FOP_RTS', 'REGION_TEAM', 'RTH', 'PMO', 'ROH'];
const RUNS = 15;
const versions = {
  approvalMatrix: `cv-matrix-par-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};

/** RAN_MW with stage 1 as two required parallel groups (FOP_RTS ‖ REGION_TEAM), then RTH. */
function parallelMatrix(): ApprovalMatrixSnapshot {
  const base = demoApprovalMatrix({ workspaceId, configVersionId: versions.approvalMatrix });
  const policyId = demoPolicyId('DEMO', 'RAN_MW');
  const others = base.policyStages.filter((s) => s.policyId !== policyId);
  const [first, second, third] = base.policyStages.filter((s) => s.policyId === policyId);
  return {
    ...base,
    policyStages: [
      ...others,
      { ...first, isParallel: true, parallelGroup: 'A' },
      { ...second, stageNumber: 1, isParallel: true, parallelGroup: 'B' },
      { ...third, stageNumber: 2 },
    ],
  };
}

interface Stage {
  id: string;
  role_code: string;
  status: string;
  approver_user_id: string;
  backup_user_id: string | null;
  sla_breached_at: Date | null;
}
interface Action {
  workflow_stage_id: string;
  action_type: string;
  actor_user_id: string | null;
  payload: Record<string, unknown>;
}

async function startWorkflows(category: AtpCategory, count: number): Promise<string[]> {
  const payloads: SubmissionQaApprovedPayloadV1[] = Array.from({ length: count }, () => ({
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
    pinnedConfigVersions: versions,
  }));
  for (const payload of payloads) await harness.qaApproved(payload);
  const ids: string[] = [];
  for (const payload of payloads) ids.push((await harness.workflowOf(payload.submissionId)).id);
  return ids;
}

const stagesOf = (instanceId: string): Promise<Stage[]> =>
  harness.query(
    `SELECT id, role_code, status, approver_user_id, backup_user_id, sla_breached_at FROM workflow_stages WHERE workflow_instance_id = $1 ORDER BY stage_number, parallel_group NULLS FIRST`,
    [instanceId],
  );

/** Puts every open stage of the workflow an hour past its SLA (by the harness clock). */
async function makeOverdue(instanceId: string): Promise<void> {
  await harness.query(
    `UPDATE workflow_stages SET sla_due_at = $2 WHERE workflow_instance_id = $1 AND status = 'PENDING'`,
    [instanceId, new Date(harness.clock.now().getTime() - 3_600_000)],
  );
}

const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 15));

/**
 * Runs the calls concurrently after random delays; a domain refusal (4xx) is an answer, anything else fails the test.
 */
async function race(calls: Record<string, () => Promise<unknown>>): Promise<Record<string, 'ok' | string>> {
  const names = Object.keys(calls);
  const settled = await Promise.allSettled(
    names.map(async (name) => {
      await jitter();
      return calls[name]();
    }),
  );
  const outcome: Record<string, string> = {};
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') outcome[names[i]] = 'ok';
    else if (result.reason instanceof DomainError && result.reason.status < 500) outcome[names[i]] = result.reason.code;
    else throw result.reason;
  });
  return outcome;
}

/** No lost escalation: after a sweep, no running workflow of the workspace has an overdue, unbreached stage. */
async function expectNoOverdueUnbreached(): Promise<void> {
  const rows = await harness.query(
    `SELECT s.id FROM workflow_stages s JOIN workflow_instances i ON i.id = s.workflow_instance_id
     WHERE s.workspace_id = $1 AND i.status = 'IN_PROGRESS' AND s.status = 'PENDING' AND s.sla_due_at < $2 AND s.sla_breached_at IS NULL`,
    [workspaceId, harness.clock.now()],
  );
  expect(rows).toEqual([]);
}

/**
 * Replays the audit trail of each stage from its first approver: every approver change must start from
 * the approver the trail says the stage had, every decision must come from the approver of that moment,
 * and the row must end where the trail ends.
 */
async function expectTrailExplainsState(instanceId: string): Promise<void> {
  const actions = (await harness.query(
    `SELECT workflow_stage_id, action_type, actor_user_id, payload FROM workflow_stage_actions WHERE workflow_instance_id = $1 ORDER BY seq`,
    [instanceId],
  )) as Action[];
  for (const stage of await stagesOf(instanceId)) {
    let approver: unknown = undefined;
    let status = 'WAITING';
    let breaches = 0;
    for (const action of actions.filter((a) => a.workflow_stage_id === stage.id)) {
      const what = `${action.action_type} on ${stage.role_code} of ${instanceId}`;
      switch (action.action_type) {
        case 'CREATED':
          approver = action.payload.approverUserId;
          status = action.payload.newStatus as string;
          break;
        case 'ESCALATED':
        case 'REASSIGNED':
          expect({ what, from: action.payload.fromUserId }).toEqual({ what, from: approver });
          approver = action.payload.toUserId as string;
          break;
        case 'APPROVE':
        case 'REJECT':
          expect({ what, status, by: action.actor_user_id }).toEqual({ what, status: 'PENDING', by: approver });
          status = action.action_type === 'APPROVE' ? 'APPROVED' : 'REJECTED';
          break;
        case 'SLA_BREACHED':
          expect({ what, status }).toEqual({ what, status: 'PENDING' });
          breaches++;
          break;
        case 'ACTIVATED':
        case 'CANCELLED':
        case 'SKIPPED':
          status = (action.payload.newStatus as string) ?? status;
          break;
      }
    }
    expect({
      stage: stage.id,
      status: stage.status,
      approver: stage.approver_user_id,
      breached: stage.sla_breached_at !== null,
    }).toEqual({ stage: stage.id, status, approver, breached: breaches === 1 });
    expect(breaches).toBeLessThanOrEqual(1);
  }
}

/** A service called the way its HTTP route calls it: inside the workspace's row-level-security scope. */
function scoped<T extends object>(service: T): T {
  return new Proxy(service, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => runInWorkspace(workspaceId, () => value.apply(target, args));
    },
  });
}
const decisions = () => scoped(harness.app.get(StageDecisionService));
const adminActions = () => scoped(harness.app.get(AdminActionsService));
const overrideService = () => scoped(harness.app.get(OverrideService));
const decide = (instanceId: string, stageId: string, actorId: string, decision: 'APPROVE' | 'REJECT' = 'APPROVE') =>
  decisions().decide({
    workspaceId,
    workflowInstanceId: instanceId,
    stageId,
    actorId,
    idempotencyKey: null,
    body: { decision, comment: `${decision} by ${actorId}` },
  });
const sweep = () => harness.sweeper.sweepOnce({ workspaceId, batchSize: 5 });

beforeAll(async () => {
  await harness.start();
  const members = [...ROLES.flatMap((r) => [primary(r), backup(r)]), submitter, standIn];
  for (const userId of members) await harness.addMember(workspaceId, userId);
  await harness.addMember(workspaceId, admin, 'WORKSPACE_ADMIN');
  await harness.addMember(workspaceId, admin2, 'WORKSPACE_ADMIN');
  await harness.waitForMembers(workspaceId, members.length + 2);
  await harness.publishSnapshot(parallelMatrix());
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: versions.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: versions.scopeConfig }));
});

afterAll(async () => {
  await harness.stop();
});

describe('races between the writers of a workflow', () => {
  it('sweeper × decision: either the approver decides or the stage is escalated away from them, never both', async () => {
    const seen = new Set<string>();
    for (const id of await startWorkflows('PLN_UPGRADE', RUNS)) {
      const [first] = await stagesOf(id);
      await makeOverdue(id);
      const outcome = await race({ sweep, decide: () => decide(id, first.id, first.approver_user_id) });
      await sweep();
      const [after] = await stagesOf(id);
      if (outcome.decide === 'ok')
        expect(after).toMatchObject({
          status: 'APPROVED',
          approver_user_id: first.approver_user_id,
          sla_breached_at: null,
        });
      else
        expect({ outcome, after }).toMatchObject({
          outcome: { decide: 'NOT_STAGE_APPROVER' },
          after: { status: 'PENDING', approver_user_id: first.backup_user_id },
        });
      await expectTrailExplainsState(id);
      await expectNoOverdueUnbreached();
      seen.add(outcome.decide);
    }
    process.stdout.write(`sweeper × decision outcomes: ${[...seen].join(', ')}\n`);
  });

  it('sweeper × reassign: the REASSIGNED and ESCALATED rows name the approver the stage really had', async () => {
    for (const id of await startWorkflows('PLN_UPGRADE', RUNS)) {
      const [first] = await stagesOf(id);
      await makeOverdue(id);
      const outcome = await race({
        sweep,
        reassign: () =>
          adminActions().reassign(
            { workspaceId, workflowInstanceId: id, stageId: first.id, actorId: admin, idempotencyKey: null },
            {
              toUserId: standIn,
              reason: 'cover',
            },
          ),
      });
      expect(outcome.reassign).toBe('ok');
      await sweep();
      const [after] = await stagesOf(id);
      expect(after.sla_breached_at).not.toBeNull();
      await expectTrailExplainsState(id);
      await expectNoOverdueUnbreached();
    }
  });

  it('sweeper × REJECT on parallel stages: no deadlock, and the rejection closes every open sibling', async () => {
    for (const id of await startWorkflows('RAN_MW', RUNS)) {
      const stages = await stagesOf(id);
      expect(stages.filter((s) => s.status === 'PENDING')).toHaveLength(2);
      await makeOverdue(id);
      const outcome = await race({
        sweep,
        reject: () => decide(id, stages[0].id, stages[0].approver_user_id, 'REJECT'),
      });
      await sweep();
      const [instance] = await harness.query(`SELECT status FROM workflow_instances WHERE id = $1`, [id]);
      if (outcome.reject === 'ok') {
        expect(instance.status).toBe('REJECTED');
        expect((await stagesOf(id)).map((s) => s.status).sort()).toEqual(['CANCELLED', 'CANCELLED', 'REJECTED']);
      } else {
        expect(outcome.reject).toBe('NOT_STAGE_APPROVER');
        expect(instance.status).toBe('IN_PROGRESS');
      }
      await expectTrailExplainsState(id);
      await expectNoOverdueUnbreached();
    }
  });

  it('override approval × decision × sweeper: the stage is decided by exactly the approver the trail names', async () => {
    const seen = new Set<string>();
    for (const id of await startWorkflows('PLN_UPGRADE', RUNS)) {
      const [first] = await stagesOf(id);
      const requested = await overrideService().request(workspaceId, admin2, null, {
        overrideType: 'STAGE',
        workflowStageId: first.id,
        fromUserId: first.approver_user_id,
        toUserId: standIn,
        reason: 'on leave',
      } as never);
      const overrideId = (requested.body as { override: { id: string } }).override.id;
      const overdue = Math.random() < 0.5;
      if (overdue) await makeOverdue(id);
      const outcome = await race({
        approve: () => overrideService().approve(workspaceId, overrideId, admin, null, {}),
        decide: () => decide(id, first.id, first.approver_user_id),
        sweep,
      });
      const [after] = await stagesOf(id);
      const [override] = await harness.query(`SELECT approval_status FROM approver_overrides WHERE id = $1`, [
        overrideId,
      ]);
      expect(override.approval_status).toBe(outcome.approve === 'ok' ? 'APPROVED' : 'PENDING');
      expect(outcome.decide === 'ok' && outcome.approve === 'ok').toBe(false);
      if (outcome.decide === 'ok') expect(after.status).toBe('APPROVED');
      const reassigned = await harness.query(
        `SELECT payload->>'toUserId' AS "to" FROM workflow_stage_actions WHERE workflow_stage_id = $1 AND action_type = 'REASSIGNED'`,
        [first.id],
      );
      expect(reassigned).toEqual(outcome.approve === 'ok' ? [{ to: standIn }] : []);
      if (outcome.decide === 'ok') expect(after.approver_user_id).toBe(first.approver_user_id);
      await expectTrailExplainsState(id);
      seen.add(`approve=${outcome.approve} decide=${outcome.decide}`);
    }
    process.stdout.write(`override × decision × sweeper outcomes: ${[...seen].join('; ')}\n`);
  });
});

describe('the sweeper with many held workflows', () => {
  it('250 overdue stages of held workflows do not hide a real breach', async () => {
    const held = await startWorkflows('SOFTWARE_LICENSE', 250);
    for (const id of held) {
      await adminActions().hold(
        { workspaceId, workflowInstanceId: id, actorId: admin, idempotencyKey: null },
        { reason: 'waiting for the site' },
      );
    }
    const [running] = await startWorkflows('SOFTWARE_LICENSE', 1);
    const longAgo = new Date(harness.clock.now().getTime() - 7_200_000);
    await harness.query(
      `UPDATE workflow_stages SET sla_due_at = $2 WHERE workflow_instance_id = ANY($1) AND status = 'PENDING'`,
      [held, longAgo],
    );
    await makeOverdue(running);

    const result = await harness.sweeper.sweepOnce({ workspaceId });
    const [stage] = await stagesOf(running);
    // The workspace is shared with the earlier tests: a stage of theirs may fall due in the same sweep.
    expect(result.breached).toContain(stage.id);
    expect(stage.approver_user_id).toBe(stage.backup_user_id);
    const breachedHeld = await harness.query(
      `SELECT count(*)::int AS n FROM workflow_stages WHERE workflow_instance_id = ANY($1) AND sla_breached_at IS NOT NULL`,
      [held],
    );
    expect(breachedHeld[0].n).toBe(0);
    await waitFor(async () => (await harness.eventTypes(running)).includes('workflow.stage.sla-breached'), {
      what: 'the breach event in the outbox',
    });
  });
});

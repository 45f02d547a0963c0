import { randomBytes, randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import {
  PunchlistClearedV1,
  PunchlistCreatedV1,
  StageActivatedV1,
  StageApprovedV1,
  StageApprovedWithPunchlistV1,
  SubmissionQaApprovedV1,
  Topics,
  WorkflowCompletedV1,
  WorkflowRejectedV1,
  WorkflowStartedV1,
  WorkflowStartRefusedV1,
  type EventEnvelope,
  type StageRefV1,
  type SubmissionQaApprovedPayloadV1,
  ConfigVersionSnapshotV1,
  MembershipCreatedV1,
  MembershipUpdatedV1,
  SiteCreatedV1,
  SiteUpdatedV1,
  WorkspaceCreatedV1,
  WorkspaceDeactivatedV1,
  WorkspaceUpdatedV1,
} from '@atp/contracts';
import { InboxConsumer, silentLogger, type ConsumedEvent } from '@atp/platform-messaging';
import type { EntityManager } from 'typeorm';
import { InboxContext, KAFKA, SHARED_PRODUCER } from '@atp/platform-runtime';
import { readTopicsFromStart, waitFor } from '@atp/testing';
import { CONFIG_SNAPSHOT_CONSUMER, ConfigSnapshotConsumer } from '../src/replica/config-snapshot.consumer';
import { REFERENCE_CONSUMER, ReferenceConsumer } from '../src/replica/reference.consumer';
import { SubmissionHarness, type TestWorkspace } from './support/submission-harness';

jest.setTimeout(180_000);

const pdf = (): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]);

describe('submission-service: projection of workflow and punchlist events, resubmission, replay', () => {
  const harness = new SubmissionHarness();
  let ws: TestWorkspace;
  let base: string;
  const sent: EventEnvelope[] = [];

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

  async function post(path: string, user: string, body: Record<string, unknown> = {}) {
    return harness
      .http()
      .post(`${base}${path}`)
      .set(await harness.auth(user))
      .send(body);
  }

  async function get(id: string) {
    return (
      await harness
        .http()
        .get(`${base}/submissions/${id}`)
        .set(await harness.auth('u-auditor'))
        .expect(200)
    ).body;
  }

  /** A submission through create, upload, submit and QA approval; answers its id and the qa-approved event. */
  async function qaApproved(
    scopeCode: string,
    atpCategory: string,
  ): Promise<{ id: string; event: EventEnvelope<SubmissionQaApprovedPayloadV1> }> {
    const created = await post('/submissions', 'u-doc', {
      siteCode: ws.siteCode,
      scopeCode,
      vendorCode: 'AVIAT',
      atpCategory,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const uploaded = await harness
      .http()
      .post(`${base}/submissions/${id}/documents`)
      .set(await harness.auth('u-doc'))
      .attach('file', pdf(), 'atp.pdf');
    expect(uploaded.status).toBe(201);
    expect((await post(`/submissions/${id}/submit`, 'u-doc')).status).toBe(200);
    expect((await post(`/submissions/${id}/qa-review`, 'u-qa', { decision: 'APPROVE', comment: 'ok' })).status).toBe(
      200,
    );
    const events = await harness.outboxEvents(id);
    const event = events
      .filter((e) => e.eventType === SubmissionQaApprovedV1.eventType)
      .pop() as EventEnvelope<SubmissionQaApprovedPayloadV1>;
    return { id, event };
  }

  async function deliver(envelope: EventEnvelope): Promise<void> {
    sent.push(envelope);
    await harness.send(envelope);
  }

  function stageRef(workflowId: string, submissionId: string, stageNumber: number): StageRefV1 {
    return {
      workflowInstanceId: workflowId,
      submissionId,
      stageId: `${workflowId}-s${stageNumber}`,
      stageNumber,
      stageName: `Stage ${stageNumber}`,
      approvalRoleId: `role-${stageNumber}`,
      roleCode: stageNumber === 1 ? 'ROH' : 'RTH',
      parallelGroup: null,
      approverUserId: 'u-approver',
    };
  }

  /** The events workflow-service publishes for a start (checked against the contract by the harness). */
  async function start(
    submissionId: string,
    attemptNumber: number,
    pinned: SubmissionQaApprovedPayloadV1['pinnedConfigVersions'],
  ) {
    const workflowId = `wf-${randomUUID()}`;
    const stages = [1, 2].map((n) => ({ ...stageRef(workflowId, submissionId, n), slaHours: 48 }));
    await deliver(
      harness.envelope(WorkflowStartedV1, ws.workspaceId, workflowId, {
        workflowInstanceId: workflowId,
        submissionId,
        attemptNumber,
        siteId: ws.siteId,
        scopeId: 'scope-1',
        scopeCode: 'PLN_UPGRADE',
        vendorId: null,
        atpCategory: 'PLN_UPGRADE',
        configVersionId: pinned.approvalMatrix,
        approvalPolicyId: 'pol-1',
        pinnedConfigVersions: pinned,
        totalStages: 2,
        stages: stages.map(
          ({ stageId, stageNumber, stageName, approvalRoleId, roleCode, parallelGroup, approverUserId, slaHours }) => ({
            stageId,
            stageNumber,
            stageName,
            approvalRoleId,
            roleCode,
            parallelGroup,
            approverUserId,
            slaHours,
          }),
        ),
      }),
    );
    return workflowId;
  }

  const decided = (ref: StageRefV1) => ({
    ...ref,
    decidedBy: 'u-approver',
    decidedAt: new Date().toISOString(),
    comment: 'fine',
  });

  async function statusOf(id: string, status: string) {
    return waitFor(
      async () => {
        const body = await get(id);
        return body.status === status && body;
      },
      { what: `submission ${id} to be ${status}` },
    );
  }

  it('publishes submission.qa-approved with every field workflow-service reads, then follows the workflow to COMPLETED', async () => {
    const { id, event } = await qaApproved('PLN_UPGRADE', 'PLN_UPGRADE');
    expect(harness.validator.validate(event)).toMatchObject({ ok: true });
    expect(event.payload).toEqual({
      submissionId: id,
      attemptNumber: 1,
      workspaceId: ws.workspaceId,
      siteId: ws.siteId,
      siteCode: ws.siteCode,
      clusterCode: 'JKT-C1',
      regionCode: 'JABODETABEK',
      scopeCode: 'PLN_UPGRADE',
      vendorCode: 'AVIAT',
      atpCategory: 'PLN_UPGRADE',
      submittedBy: 'u-doc',
      qaApprovedBy: 'u-qa',
      pinnedConfigVersions: ws.versions,
    });
    expect((await get(id)).status).toBe('SUBMITTED');

    const workflowId = await start(id, 1, ws.versions);
    const started = await statusOf(id, 'IN_REVIEW');
    expect(started).toMatchObject({ workflowInstanceId: workflowId, currentStageNumber: 1 });

    await deliver(harness.envelope(StageApprovedV1, ws.workspaceId, workflowId, decided(stageRef(workflowId, id, 1))));
    const activated2 = harness.envelope(StageActivatedV1, ws.workspaceId, workflowId, {
      ...stageRef(workflowId, id, 2),
      slaHours: 24,
      slaDueAt: new Date().toISOString(),
    });
    await deliver(activated2);
    await waitFor(async () => (await get(id)).currentStageNumber === 2);
    await deliver(harness.envelope(StageApprovedV1, ws.workspaceId, workflowId, decided(stageRef(workflowId, id, 2))));
    const completedAt = new Date().toISOString();
    await deliver(
      harness.envelope(WorkflowCompletedV1, ws.workspaceId, workflowId, {
        workflowInstanceId: workflowId,
        submissionId: id,
        withPunchlist: false,
        completedAt,
      }),
    );
    const completed = await statusOf(id, 'COMPLETED');
    expect(completed.approvedAt).toBe(completedAt);
    expect(completed.attempts[0]).toMatchObject({ status: 'COMPLETED', workflowInstanceId: workflowId });

    // The same event again (redelivery) and an older event with a new id (out of order) change nothing.
    const before = await harness.query(`SELECT * FROM atp_submission_attempts WHERE submission_id = $1`, [id]);
    await harness.send(activated2);
    const stale = { ...activated2, eventId: randomUUID() };
    await harness.send(stale);
    const marker = harness.envelope(
      StageApprovedV1,
      ws.workspaceId,
      `wf-${randomUUID()}`,
      decided(stageRef('wf-x', id, 1)),
    );
    await harness.send(marker);
    await waitFor(
      async () => (await harness.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [marker.eventId])).length > 0,
      {
        what: 'the marker event to be consumed after the stale ones',
      },
    );
    await waitFor(
      async () => (await harness.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [stale.eventId])).length > 0,
    );
    expect(await harness.query(`SELECT * FROM atp_submission_attempts WHERE submission_id = $1`, [id])).toEqual(before);
    expect((await get(id)).status).toBe('COMPLETED');
  });

  it('holds a completed workflow with an open punchlist in APPROVED_WITH_PUNCHLIST until the punchlist clears, whatever the topic order', async () => {
    const { id, event } = await qaApproved('MW_NEW', 'RAN_MW');
    const workflowId = await start(id, 1, event.payload.pinnedConfigVersions);
    await statusOf(id, 'IN_REVIEW');
    const stage1 = stageRef(workflowId, id, 1);
    const punchlistId = `pl-${randomUUID()}`;
    // The punchlist topic runs ahead of the workflow topic.
    await deliver(
      harness.envelope(PunchlistCreatedV1, ws.workspaceId, punchlistId, {
        punchlistId,
        workflowInstanceId: workflowId,
        workflowStageId: stage1.stageId,
        submissionId: id,
        issuedBy: 'u-approver',
        items: [{ itemId: 'i-1', itemNumber: 1, itemCode: 'PL-01', description: 'label missing', severity: 'MINOR' }],
        origin: 'APPROVED_WITH_PUNCHLIST',
        issuedAt: new Date().toISOString(),
      }),
    );
    await deliver(
      harness.envelope(StageApprovedWithPunchlistV1, ws.workspaceId, workflowId, {
        ...decided(stage1),
        items: [{ itemCode: 'PL-01', description: 'label missing', severity: 'MINOR' }],
      }),
    );
    await deliver(harness.envelope(StageApprovedV1, ws.workspaceId, workflowId, decided(stageRef(workflowId, id, 2))));
    await deliver(
      harness.envelope(WorkflowCompletedV1, ws.workspaceId, workflowId, {
        workflowInstanceId: workflowId,
        submissionId: id,
        withPunchlist: true,
        completedAt: new Date().toISOString(),
      }),
    );
    const held = await statusOf(id, 'APPROVED_WITH_PUNCHLIST');
    expect(held.completedAt).toBeNull();
    await deliver(
      harness.envelope(PunchlistClearedV1, ws.workspaceId, punchlistId, {
        punchlistId,
        workflowInstanceId: workflowId,
        workflowStageId: stage1.stageId,
        submissionId: id,
        clearedBy: 'u-approver',
        clearedAt: new Date().toISOString(),
        openPunchlistsOfWorkflow: 0,
      }),
    );
    const done = await statusOf(id, 'COMPLETED');
    expect(done.completedAt).not.toBeNull();
    const changes = (await harness.outboxEvents(id))
      .filter((e) => e.eventType === 'submission.status-changed')
      .map((e) => (e.payload as { toStatus: string }).toStatus);
    expect(changes).toEqual(['SUBMITTED', 'IN_REVIEW', 'APPROVED_WITH_PUNCHLIST', 'COMPLETED']);
  });

  it('shows a start refusal on the submission with its reason', async () => {
    const { id } = await qaApproved('MW_NEW', 'SOFTWARE_LICENSE');
    await deliver(
      harness.envelope(WorkflowStartRefusedV1, ws.workspaceId, id, {
        submissionId: id,
        attemptNumber: 1,
        reason: 'NO_POLICY',
        detail: 'no active policy for scope MW_NEW, category SOFTWARE_LICENSE',
      }),
    );
    const body = await waitFor(
      async () => {
        const current = await get(id);
        return current.startRefusal ? current : undefined; // null would end the wait (only undefined and false go on)
      },
      { what: 'the start refusal on the submission' },
    );
    expect(body).toMatchObject({ status: 'SUBMITTED', startRefusal: { reason: 'NO_POLICY' } });
  });

  it('reject → resubmit → a new workflow on the newer config; the old attempt keeps its own workflow', async () => {
    const { id, event } = await qaApproved('PLN_UPGRADE', 'DISMANTLE_KEEP');
    const firstWorkflow = await start(id, 1, event.payload.pinnedConfigVersions);
    await statusOf(id, 'IN_REVIEW');
    const stage1 = stageRef(firstWorkflow, id, 1);
    await deliver(
      harness.envelope(WorkflowRejectedV1, ws.workspaceId, firstWorkflow, {
        workflowInstanceId: firstWorkflow,
        submissionId: id,
        rejectedStage: stage1,
        rejectedBy: 'u-approver',
        comment: 'grounding missing',
        rejectedAt: new Date().toISOString(),
      }),
    );
    await statusOf(id, 'REJECTED');
    const same = await post(`/submissions/${id}/submit`, 'u-doc');
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('NEW_DOCUMENT_REQUIRED');

    const newerMatrix = await harness.publishMatrix(ws.workspaceId, 2);
    await harness.waitForVersion(newerMatrix);
    const v2 = await harness
      .http()
      .post(`${base}/submissions/${id}/documents`)
      .set(await harness.auth('u-doc'))
      .attach('file', pdf(), 'atp-v2.pdf');
    expect(v2.body.version).toBe(2);
    const resubmitted = await post(`/submissions/${id}/submit`, 'u-doc');
    expect(resubmitted.body).toMatchObject({ status: 'SUBMITTED', attemptNumber: 2 });
    await post(`/submissions/${id}/qa-review`, 'u-qa', { decision: 'APPROVE' });
    const approved = (await harness.outboxEvents(id)).filter(
      (e) => e.eventType === SubmissionQaApprovedV1.eventType,
    ) as Array<EventEnvelope<SubmissionQaApprovedPayloadV1>>;
    expect(approved.map((e) => e.payload.attemptNumber)).toEqual([1, 2]);
    expect(approved[1].payload.pinnedConfigVersions).toEqual({ ...ws.versions, approvalMatrix: newerMatrix });

    const secondWorkflow = await start(id, 2, approved[1].payload.pinnedConfigVersions);
    const current = await statusOf(id, 'IN_REVIEW');
    expect(current).toMatchObject({ attemptNumber: 2, workflowInstanceId: secondWorkflow });
    expect(current.attempts).toMatchObject([
      { attemptNumber: 1, status: 'REJECTED', workflowInstanceId: firstWorkflow, configVersionIds: ws.versions },
      {
        attemptNumber: 2,
        status: 'IN_REVIEW',
        workflowInstanceId: secondWorkflow,
        configVersionIds: { approvalMatrix: newerMatrix },
      },
    ]);
    // A late event of the first workflow touches only its own attempt.
    await deliver(
      harness.envelope(StageActivatedV1, ws.workspaceId, firstWorkflow, {
        ...stageRef(firstWorkflow, id, 2),
        slaHours: 24,
        slaDueAt: new Date().toISOString(),
      }),
    );
    await waitFor(async () => (await get(id)).attempts[0].currentStageNumber === 2, {
      what: 'the late event on attempt 1',
    });
    expect(await get(id)).toMatchObject({
      status: 'IN_REVIEW',
      workflowInstanceId: secondWorkflow,
      currentStageNumber: 1,
    });
  });

  it('replaying every projected event reproduces the same rows', async () => {
    const projected = `SELECT submission_id, attempt_number, status, workflow_instance_id, workflow_version, current_stage_number, workflow_completed,
        start_refusal_reason, approved_at, completed_at, rejected_at FROM atp_submission_attempts WHERE workspace_id = $1 ORDER BY 1, 2`;
    const header = `SELECT id, status, workflow_instance_id, current_stage_number, approved_at, completed_at FROM atp_submissions
       WHERE workspace_id = $1 ORDER BY id`;
    const attemptsBefore = await harness.query(projected, [ws.workspaceId]);
    const headerBefore = await harness.query(header, [ws.workspaceId]);
    // Back to what the submissions were before any workflow event, and forget what was consumed.
    await harness.query(
      `UPDATE atp_submission_attempts SET status = CASE WHEN qa_decision = 'REJECT' THEN 'REJECTED_PRE_QA' ELSE 'SUBMITTED' END,
         workflow_instance_id = NULL, workflow_version = 0, current_stage_number = NULL, current_stage_name = NULL, workflow_completed = false,
         start_refusal_reason = NULL, start_refusal_detail = NULL, approved_at = NULL, completed_at = NULL, rejected_at = NULL,
         rejection_comment = NULL WHERE workspace_id = $1`,
      [ws.workspaceId],
    );
    await harness.query(
      `UPDATE atp_submissions s SET status = a.status, workflow_instance_id = NULL, current_stage_number = NULL, approved_at = NULL,
         completed_at = NULL FROM atp_submission_attempts a WHERE a.submission_id = s.id AND a.attempt_number = s.attempt_number
         AND s.workspace_id = $1`,
      [ws.workspaceId],
    );
    await harness.query(`DELETE FROM atp_punchlist_gates WHERE workspace_id = $1`, [ws.workspaceId]);
    // Every event of this workspace on the projected topics, not only those this file sent: workflow-service
    // instances of other test projects share the broker and may answer the qa-approved events themselves.
    const onTopics = await readTopicsFromStart<EventEnvelope>(harness.app.get<Kafka>(KAFKA), [
      Topics.workflowEvents,
      Topics.punchlistEvents,
    ]);
    const replayed = onTopics.filter((e) => e.workspaceId === ws.workspaceId);
    expect(replayed.map((e) => e.eventId)).toEqual(expect.arrayContaining(sent.map((e) => e.eventId)));
    const ids = replayed.map((e) => e.eventId);
    const consumed = async (): Promise<number> =>
      (await harness.query(`SELECT count(*)::int AS n FROM inbox WHERE event_id = ANY($1::uuid[])`, [ids]))[0].n;
    const consumedBefore = await consumed();
    await harness.query(`DELETE FROM inbox WHERE event_id = ANY($1::uuid[])`, [ids]);
    for (const envelope of replayed) await harness.send(envelope);
    await waitFor(async () => (await consumed()) === consumedBefore, {
      timeoutMs: 60_000,
      what: 'every replayed event to be consumed',
    });
    expect(await harness.query(projected, [ws.workspaceId])).toEqual(attemptsBefore);
    expect(await harness.query(header, [ws.workspaceId])).toEqual(headerBefore);
  });

  it('rebuilds the reference replicas from offset 0 of the compacted topics', async () => {
    const replicaRows = async () => ({
      workspace: await harness.query(
        `SELECT workspace_id, code, is_active, source_version FROM workspace_replica WHERE workspace_id = $1`,
        [ws.workspaceId],
      ),
      members: await harness.query(
        `SELECT membership_id, role, is_active FROM member_replica WHERE workspace_id = $1 ORDER BY 1`,
        [ws.workspaceId],
      ),
      sites: await harness.query(
        `SELECT site_id, site_code, region FROM site_replica WHERE workspace_id = $1 ORDER BY 1`,
        [ws.workspaceId],
      ),
      versions: await harness.query(
        `SELECT config_version_id, source_type, version_number FROM config_version_replica WHERE workspace_id = $1 ORDER BY 1`,
        [ws.workspaceId],
      ),
      scopes: await harness.query(
        `SELECT config_version_id, scope_id, scope_code FROM scope_replica WHERE workspace_id = $1 ORDER BY 1, 2`,
        [ws.workspaceId],
      ),
    });
    const before = await replicaRows();
    for (const table of [
      'scope_replica',
      'vendor_replica',
      'config_version_replica',
      'site_replica',
      'member_replica',
      'workspace_replica',
    ]) {
      await harness.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [ws.workspaceId]);
    }
    // A consumer group that has never committed an offset: it reads both compacted topics from offset 0.
    const suffix = randomUUID();
    // The same handler methods the InboxTransport serves, under a fresh group name.
    const reference = harness.app.get(ReferenceConsumer);
    const snapshots = harness.app.get(ConfigSnapshotConsumer);
    type Handler = (event: ConsumedEvent, manager: EntityManager) => Promise<void>;
    const via =
      (method: (event: never, inbox: InboxContext) => Promise<void>): Handler =>
      (event, manager) =>
        method(event as never, new InboxContext([event, manager]));
    const referenceHandlers: Record<string, Handler> = {};
    for (const type of [WorkspaceCreatedV1, WorkspaceUpdatedV1, WorkspaceDeactivatedV1]) {
      referenceHandlers[type.eventType] = via(reference.onWorkspace.bind(reference));
    }
    for (const type of [MembershipCreatedV1, MembershipUpdatedV1])
      referenceHandlers[type.eventType] = via(reference.onMembership.bind(reference));
    for (const type of [SiteCreatedV1, SiteUpdatedV1])
      referenceHandlers[type.eventType] = via(reference.onSite.bind(reference));
    const specs = [
      { spec: REFERENCE_CONSUMER, handlers: referenceHandlers },
      {
        spec: CONFIG_SNAPSHOT_CONSUMER,
        handlers: { [ConfigVersionSnapshotV1.eventType]: via(snapshots.onSnapshot.bind(snapshots)) },
      },
    ];
    const consumers = specs.map(
      ({ spec, handlers }) =>
        new InboxConsumer({
          consumerName: `${spec.name}.rebuild-${suffix}`,
          topics: [...spec.topics],
          handlers,
          fromBeginning: true,
          kafka: harness.app.get<Kafka>(KAFKA),
          dataSource: harness.dataSource,
          validator: harness.validator,
          dlqProducer: harness.app.get<Producer>(SHARED_PRODUCER),
          logger: silentLogger,
        }),
    );
    for (const consumer of consumers) await consumer.start();
    try {
      await waitFor(async () => JSON.stringify(await replicaRows()) === JSON.stringify(before), {
        timeoutMs: 90_000,
        intervalMs: 500,
        what: 'the replicas rebuilt from offset 0',
      });
    } finally {
      for (const consumer of consumers) await consumer.stop();
    }
    expect(await replicaRows()).toEqual(before);
    expect(Topics.configReference).toBe('atp.config.reference.v1');
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import request from 'supertest';
import type { Client } from 'pg';
import {
  ApproverOverrideRequestedV1,
  SubmissionCreatedV1,
  SubmissionStatusChangedV1,
  SubmissionSubmittedV1,
  Topics,
  WorkflowStartedV1,
  type EventEnvelope,
  type ReferenceRejectedPayloadV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import { bearer, PLATFORM_ADMIN, testKafka, uniqueSuffix, waitFor } from '@atp/testing';
import { approvalMatrixRows, csv, scopeConfigFile, sql, startApp } from './support';

/**
 * Compensating validation, owner side (architecture §5.3), and cross-service RESTRICT for submissions (§5.4): claims
 * published straight to Kafka (no API in between) naming fabricated, foreign, inactive or mismatched ids are refused
 * with one `reference.rejected` per field; the ids that hold are not. Open submissions pin their site and versions.
 */
describe('config-service: validation of claims and submission pins', () => {
  let app: INestApplication;
  let db: Client;
  let producer: Producer;
  let workspaceId: string;
  let scopeVersionId: string;
  let matrixVersionId: string;
  let draftVersionId: string;
  let ids: {
    policyId: string;
    policyStageId: string;
    scopeId: string;
    vendorId: string;
    roleId: string;
    siteId: string;
  };
  const salt = uniqueSuffix();
  const actor = `u-claims-${salt}`;
  const outsider = `u-outsider-${salt}`;
  const http = () => request(app.getHttpServer());
  const base = () => `/api/v1/workspaces/${workspaceId}`;

  const publish = async (event: EventEnvelope, topic: string) => {
    await producer.send({ topic, messages: [{ key: event.aggregateId, value: JSON.stringify(event) }] });
  };
  const envelopeOf = <P>(fixture: EventEnvelope<P>, aggregateId: string, payload: P): EventEnvelope<P> => ({
    ...fixture,
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    workspaceId,
    aggregateId,
    correlationId: randomUUID(),
    payload,
  });
  const consumed = (consumer: string, eventId: string) =>
    waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2`, [consumer, eventId])).rows
          .length === 1,
      {
        timeoutMs: 60000,
        what: `${consumer} to consume ${eventId}`,
      },
    );
  /** The rejections written for one claim (read from the outbox: the same transaction as the inbox row). */
  const rejectionsOf = async (claim: EventEnvelope): Promise<ReferenceRejectedPayloadV1[]> => {
    const rows = await db.query(
      `SELECT envelope FROM outbox WHERE event_type = 'reference.rejected' AND envelope->'payload'->>'claimEventId' = $1 ORDER BY id`,
      [claim.eventId],
    );
    return rows.rows.map((r) => r.envelope.payload as ReferenceRejectedPayloadV1);
  };
  const fieldsOf = (rejections: ReferenceRejectedPayloadV1[]) => rejections.map((r) => [r.field, r.reasonCode]).sort();
  const putSite = (siteCode: string, isActive = true) =>
    http()
      .put(`${base()}/sites`)
      .set(bearer(actor))
      .send({ siteCode, siteName: siteCode, clusterCode: 'JKT-01', isActive });
  const started = (overrides: Partial<WorkflowStartedPayloadV1>): EventEnvelope<WorkflowStartedPayloadV1> => {
    const fixture = WorkflowStartedV1.fixture as EventEnvelope<WorkflowStartedPayloadV1>;
    const wf = `wf-claims-${uniqueSuffix()}`;
    return envelopeOf(fixture, wf, {
      ...fixture.payload,
      workflowInstanceId: wf,
      submissionId: `sub-${wf}`,
      siteId: ids.siteId,
      scopeId: ids.scopeId,
      vendorId: ids.vendorId,
      configVersionId: matrixVersionId,
      approvalPolicyId: ids.policyId,
      pinnedConfigVersions: {
        approvalMatrix: matrixVersionId,
        clusterMapping: matrixVersionId,
        scopeConfig: scopeVersionId,
      },
      stages: [{ ...fixture.payload.stages[0], approvalRoleId: ids.roleId, approverUserId: actor }],
      ...overrides,
    });
  };

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    const kafka = testKafka('config-claims-test');
    producer = kafka.producer();
    await producer.connect();
    // The workflow-claims group starts at the latest offset: publish only once it has joined.
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      async () =>
        (
          await admin.describeGroups(['config-service.workflow-claims', 'config-service.submission-claims'])
        ).groups.every((g) => g.state === 'Stable' && g.members.length > 0),
      { timeoutMs: 60000, intervalMs: 250, what: 'claims consumer groups' },
    );
    await admin.disconnect();
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: actor, email: `${actor}@example.test`, fullName: 'Claims admin' })
      .expect(201);
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: outsider, email: `${outsider}@example.test`, fullName: 'Outsider' })
      .expect(201);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(actor, PLATFORM_ADMIN))
      .send({ code: `CLM-${salt.toUpperCase()}`, name: 'Claims', customerGroupId: 'cg', vendorOwnerId: 'vo' })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    const importFile = (sourceType: string, file: Buffer) =>
      http()
        .post(`${base()}/config-versions/import`)
        .set(bearer(actor))
        .field('sourceType', sourceType)
        .attach('file', file, 'f.csv')
        .expect(201);
    scopeVersionId = (await importFile('SCOPE_CONFIG', scopeConfigFile(2, salt))).body.version.id;
    await http().post(`${base()}/config-versions/${scopeVersionId}/activate`).set(bearer(actor)).expect(200);
    matrixVersionId = (await importFile('APPROVAL_MATRIX', csv(approvalMatrixRows(2, 1, salt)))).body.version.id;
    await http().post(`${base()}/config-versions/${matrixVersionId}/activate`).set(bearer(actor)).expect(200);
    // Imported while the scope config is ACTIVE (the stale-replica case archives its successor).
    draftVersionId = (await importFile('APPROVAL_MATRIX', csv(approvalMatrixRows(1, 1, `${salt}-draft`)))).body.version
      .id;
    const one = async (q: string, params: unknown[]) => ((await db.query(q, params)).rows[0] as { id: string }).id;
    const site = await putSite(`CLM-SITE-${salt}`).expect(200);
    ids = {
      policyId: await one(`SELECT id FROM approval_policy_master WHERE config_version_id = $1 ORDER BY id LIMIT 1`, [
        matrixVersionId,
      ]),
      roleId: await one(`SELECT id FROM approval_role_master WHERE config_version_id = $1 ORDER BY id LIMIT 1`, [
        matrixVersionId,
      ]),
      policyStageId: await one(
        `SELECT id FROM approval_policy_stages WHERE config_version_id = $1 ORDER BY id LIMIT 1`,
        [matrixVersionId],
      ),
      scopeId: await one(`SELECT id FROM atp_scope_master WHERE config_version_id = $1 ORDER BY id LIMIT 1`, [
        scopeVersionId,
      ]),
      vendorId: await one(`SELECT id FROM vendor_master WHERE config_version_id = $1 ORDER BY id LIMIT 1`, [
        scopeVersionId,
      ]),
      siteId: site.body.site.siteId,
    };
    // The admin approves too: an ACTIVE member of the workspace (the creator's membership).
    await db.query(
      `INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, 'APPROVER') ON CONFLICT DO NOTHING`,
      [workspaceId, actor],
    );
  }, 90000);

  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await app?.close();
  }, 30000);

  it('refuses every fabricated, foreign or mismatched id of a workflow.started published straight to Kafka, and only those', async () => {
    const claim = started({
      siteId: `site-fabricated-${salt}`,
      pinnedConfigVersions: {
        approvalMatrix: matrixVersionId,
        clusterMapping: `cv-fabricated-${salt}`,
        scopeConfig: matrixVersionId,
      },
      stages: [
        {
          ...WorkflowStartedV1.fixture.payload.stages[0],
          approvalRoleId: ids.roleId,
          approverUserId: `u-ghost-${salt}`,
          policyStageId: `ps-fabricated-${salt}`,
        },
        {
          ...WorkflowStartedV1.fixture.payload.stages[0],
          stageId: 'stg-2',
          stageNumber: 2,
          approvalRoleId: ids.roleId,
          approverUserId: outsider,
          policyStageId: ids.policyStageId,
        },
      ],
    });
    await publish(claim, Topics.workflowEvents);
    await consumed('config-service.workflow-claims', claim.eventId);
    const rejections = await rejectionsOf(claim);
    expect(fieldsOf(rejections)).toEqual(
      [
        ['pinnedConfigVersions.clusterMapping', 'UNKNOWN'],
        ['pinnedConfigVersions.scopeConfig', 'MISMATCH'],
        ['siteId', 'UNKNOWN'],
        ['stages[0].approverUserId', 'UNKNOWN'],
        ['stages[0].policyStageId', 'UNKNOWN'],
        ['stages[1].approverUserId', 'OTHER_WORKSPACE'],
      ].sort(),
    );
    expect(rejections[0]).toMatchObject({
      claimantService: 'workflow-service',
      ownerService: 'config-service',
      aggregateType: 'workflow',
      aggregateId: claim.aggregateId,
      workspaceId,
      claimEventId: claim.eventId,
      claimEventType: 'workflow.started',
    });
    const [row] = (
      await db.query(
        `SELECT partition_key, topic FROM outbox WHERE event_type = 'reference.rejected' AND envelope->'payload'->>'claimEventId' = $1 LIMIT 1`,
        [claim.eventId],
      )
    ).rows;
    expect(row).toEqual({ partition_key: claim.aggregateId, topic: Topics.integrityEvents });

    const foreign = { ...started({}), workspaceId: randomUUID() };
    await publish(foreign, Topics.workflowEvents);
    await consumed('config-service.workflow-claims', foreign.eventId);
    // The same claim in an unknown workspace: one rejection (the workspace), not one per foreign id.
    expect(fieldsOf(await rejectionsOf(foreign))).toEqual([['workspaceId', 'UNKNOWN']]);
  }, 90000);

  it('refuses the fabricated users and role of an approver override, not an inactive from-user nor a role named by code', async () => {
    const fixture = ApproverOverrideRequestedV1.fixture.payload;
    const overrideId = `ovr-${salt}`;
    const inactive = `u-inactive-${salt}`;
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: inactive, email: `${inactive}@example.test`, fullName: 'Left' })
      .expect(201);
    await db.query(
      `INSERT INTO workspace_members (workspace_id, user_id, role, status) VALUES ($1, $2, 'APPROVER', 'INACTIVE')`,
      [workspaceId, inactive],
    );
    const claim = envelopeOf(ApproverOverrideRequestedV1.fixture, overrideId, {
      ...fixture,
      overrideId,
      fromUserId: inactive,
      toUserId: `u-ghost-${salt}`,
      approvalRoleId: `role-fabricated-${salt}`,
    });
    await publish(claim, Topics.workflowEvents);
    await consumed('config-service.workflow-claims', claim.eventId);
    const rejections = await rejectionsOf(claim);
    expect(fieldsOf(rejections)).toEqual([
      ['approvalRoleId', 'UNKNOWN'],
      ['toUserId', 'UNKNOWN'],
    ]);
    expect(rejections[0]).toMatchObject({
      aggregateType: 'workflow-override',
      aggregateId: overrideId,
      claimEventType: 'workflow.override.requested',
    });

    const byCode = envelopeOf(ApproverOverrideRequestedV1.fixture, `${overrideId}-2`, {
      ...fixture,
      overrideId: `${overrideId}-2`,
      fromUserId: actor,
      toUserId: actor,
      approvalRoleId: 'role-code:ROH',
    });
    await publish(byCode, Topics.workflowEvents);
    await consumed('config-service.workflow-claims', byCode.eventId);
    expect(await rejectionsOf(byCode)).toEqual([]);
  }, 90000);

  it('catches a claim made from a stale replica: a site deactivated and a version archived meanwhile', async () => {
    const staleSite = (await putSite(`CLM-STALE-${salt}`).expect(200)).body.site.siteId as string;
    const newScope = (
      await http()
        .post(`${base()}/config-versions/import`)
        .set(bearer(actor))
        .field('sourceType', 'SCOPE_CONFIG')
        .attach('file', scopeConfigFile(1, `${salt}-new`), 'f.csv')
        .expect(201)
    ).body.version.id as string;
    await http().post(`${base()}/config-versions/${newScope}/activate`).set(bearer(actor)).expect(200); // the old one: SUPERSEDED, still usable
    // A claimant whose replica lags still sees both as usable; upstream they change before its claim arrives.
    await putSite(`CLM-STALE-${salt}`, false).expect(200);
    await http().post(`${base()}/config-versions/${newScope}/archive`).set(bearer(actor)).expect(200);
    const claim = started({
      siteId: staleSite,
      pinnedConfigVersions: { approvalMatrix: matrixVersionId, clusterMapping: matrixVersionId, scopeConfig: newScope },
    });
    await publish(claim, Topics.workflowEvents);
    await consumed('config-service.workflow-claims', claim.eventId);
    expect(fieldsOf(await rejectionsOf(claim))).toEqual([
      ['pinnedConfigVersions.clusterMapping', 'MISMATCH'],
      ['pinnedConfigVersions.scopeConfig', 'INACTIVE'],
      ['siteId', 'INACTIVE'],
    ]);
  }, 90000);

  it('refuses a fabricated scope of a submission, and an open submission pins its site against deactivation', async () => {
    const siteCode = `CLM-PINNED-${salt}`;
    const siteId = (await putSite(siteCode).expect(200)).body.site.siteId as string;
    const submissionId = `sub-claims-${salt}`;
    const created = envelopeOf(SubmissionCreatedV1.fixture, submissionId, {
      ...SubmissionCreatedV1.fixture.payload,
      submissionId,
      siteId,
      siteCode,
      scopeId: `scope-fabricated-${salt}`,
      vendorId: ids.vendorId,
    });
    await publish(created, Topics.submissionEvents);
    await consumed('config-service.submission-claims', created.eventId);
    const rejections = await rejectionsOf(created);
    expect(fieldsOf(rejections)).toEqual([['scopeId', 'UNKNOWN']]);
    expect(rejections[0]).toMatchObject({
      claimantService: 'submission-service',
      aggregateType: 'submission',
      aggregateId: submissionId,
      entity: 'atp_scope_master',
    });

    const refused = await putSite(siteCode, false);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'SITE_PINNED', pinnedCount: 1, siteId });
    expect((await http().get(`${base()}/sites/${siteId}`).set(bearer(actor)).expect(200)).body.isActive).toBe(true);

    const done = envelopeOf(SubmissionStatusChangedV1.fixture, submissionId, {
      ...SubmissionStatusChangedV1.fixture.payload,
      submissionId,
      fromStatus: 'IN_REVIEW',
      toStatus: 'COMPLETED',
    });
    await publish(done, Topics.submissionEvents);
    await consumed('config-service.submission-claims', done.eventId);
    expect((await putSite(siteCode, false).expect(200)).body.site.isActive).toBe(false);
  }, 90000);

  it('an open submission pins its versions: deleting the pinned DRAFT is refused with the count', async () => {
    const draft = draftVersionId;
    const submissionId = `sub-pins-${salt}`;
    const submitted = envelopeOf(SubmissionSubmittedV1.fixture, submissionId, {
      ...SubmissionSubmittedV1.fixture.payload,
      submissionId,
      pinnedConfigVersions: { approvalMatrix: draft, clusterMapping: `cv-x-${salt}`, scopeConfig: scopeVersionId },
    });
    await publish(submitted, Topics.submissionEvents);
    await consumed('config-service.submission-claims', submitted.eventId);
    // A DRAFT is never pinnable by a real submission: the claim is refused as well as counted.
    expect(fieldsOf(await rejectionsOf(submitted))).toEqual([
      ['pinnedConfigVersions.approvalMatrix', 'INACTIVE'],
      ['pinnedConfigVersions.clusterMapping', 'UNKNOWN'],
    ]);
    const refused = await http().delete(`${base()}/config-versions/${draft}`).set(bearer(actor));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'VERSION_PINNED',
      pinnedCount: 1,
      pinnedBySubmissions: 1,
      pinnedByWorkflows: 0,
    });
    await expect(db.query(`DELETE FROM config_versions WHERE id = $1`, [draft])).rejects.toThrow(/pinned/);
  }, 90000);
});

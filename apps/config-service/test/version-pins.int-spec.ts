import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import request from 'supertest';
import type { Client } from 'pg';
import {
  Topics,
  WorkflowCancelledV1,
  WorkflowCompletedV1,
  WorkflowPinsAssertedV1,
  WorkflowStartedV1,
  type EventEnvelope,
  type WorkflowPinsAssertedPayloadV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import { testKafka, uniqueSuffix, waitFor, bearer, PLATFORM_ADMIN } from '@atp/testing';
import { approvalMatrixRows, csv, scopeConfigFile, sql, startApp } from './support';

/**
 * Cross-service RESTRICT (architecture §5.4): real workflow events on `Topics.workflowEvents` (the catalog fixtures
 * with this test's ids) feed config-service's pin counts; a pinned version cannot be archived or deleted (409 with
 * the count) until the workflows that pin it end.
 */
describe('config-service: config versions pinned by running workflows', () => {
  let app: INestApplication;
  let db: Client;
  let producer: Producer;
  let workspaceId: string;
  let scopeVersionId: string;
  let matrixVersionId: string;
  let draftVersionId: string;
  const salt = uniqueSuffix();
  const actor = `u-pins-${salt}`;
  const http = () => request(app.getHttpServer());
  const version = (id: string) => `/api/v1/workspaces/${workspaceId}/config-versions/${id}`;

  const envelope = <P>(
    fixture: EventEnvelope<P>,
    workflowInstanceId: string,
    payload: Partial<P>,
    eventId: string = randomUUID(),
  ): EventEnvelope<P> => ({
    ...fixture,
    eventId,
    occurredAt: new Date().toISOString(),
    workspaceId,
    aggregateId: workflowInstanceId,
    correlationId: randomUUID(),
    payload: { ...fixture.payload, workflowInstanceId, submissionId: `sub-${workflowInstanceId}`, ...payload },
  });
  const publish = async (event: EventEnvelope) => {
    await producer.send({
      topic: Topics.workflowEvents,
      messages: [{ key: event.aggregateId, value: JSON.stringify(event) }],
    });
  };
  const started = (workflowInstanceId: string, eventId?: string) =>
    envelope<WorkflowStartedPayloadV1>(
      WorkflowStartedV1.fixture as EventEnvelope<WorkflowStartedPayloadV1>,
      workflowInstanceId,
      {
        configVersionId: matrixVersionId,
        // The CLUSTER_MAPPING id names nothing in this service: an unknown claim is not counted.
        pinnedConfigVersions: {
          approvalMatrix: matrixVersionId,
          clusterMapping: `cv-unknown-${salt}`,
          scopeConfig: scopeVersionId,
        },
      },
      eventId,
    );
  const pinCount = async (id: string) =>
    (
      await db.query(
        `SELECT count(*)::int AS n FROM workflow_pins WHERE ended_at IS NULL AND config_version_ids @> ARRAY[$1]::text[]`,
        [id],
      )
    ).rows[0].n as number;
  const untilPinned = (id: string, count: number) =>
    waitFor(async () => (await pinCount(id)) === count, { timeoutMs: 60000, what: `${count} pin(s) on ${id}` });
  const workflowEnded = (wf: string) =>
    waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM workflow_pins WHERE workflow_instance_id = $1 AND ended_at IS NOT NULL`, [wf]))
          .rows.length === 1,
      {
        timeoutMs: 60000,
        what: `the end of ${wf}`,
      },
    );

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    producer = testKafka('config-pins-test').producer();
    await producer.connect();
    await http()
      .post('/api/v1/users')
      .set(bearer('bootstrap', PLATFORM_ADMIN))
      .send({ id: actor, email: `${actor}@example.test`, fullName: 'Pins admin' })
      .expect(201);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(actor, PLATFORM_ADMIN))
      .send({ code: `PINS-${salt.toUpperCase()}`, name: 'Pins', customerGroupId: 'cg', vendorOwnerId: 'vo' })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    const importFile = (sourceType: string, file: Buffer) =>
      http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
        .set(bearer(actor))
        .field('sourceType', sourceType)
        .attach('file', file, 'f.csv')
        .expect(201);
    scopeVersionId = (await importFile('SCOPE_CONFIG', scopeConfigFile(2, salt))).body.version.id;
    await http()
      .post(`${version(scopeVersionId)}/activate`)
      .set(bearer(actor))
      .expect(200);
    matrixVersionId = (await importFile('APPROVAL_MATRIX', csv(approvalMatrixRows(2, 2, salt)))).body.version.id;
    await http()
      .post(`${version(matrixVersionId)}/activate`)
      .set(bearer(actor))
      .expect(200);
    draftVersionId = (await importFile('APPROVAL_MATRIX', csv(approvalMatrixRows(2, 2, `${salt}-2`)))).body.version.id;
  }, 60000);

  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await app?.close(); // consumers leave their groups: a fetch in flight ends first (up to 5 s)
  }, 30000);

  it('counts workflow.started pins, refuses archive and delete with the count, and releases them when workflows end', async () => {
    const wf1 = `wf-pins-1-${salt}`;
    const wf2 = `wf-pins-2-${salt}`;
    const first = started(wf1);
    await publish(first);
    await publish(first); // the same event again: the inbox absorbs it
    await publish(started(wf1)); // the same workflow under another event id: still one pin
    await publish(started(wf2));
    await untilPinned(matrixVersionId, 2);
    await untilPinned(scopeVersionId, 2);
    expect(
      (
        await db.query(`SELECT config_version_ids FROM workflow_pins WHERE workflow_instance_id = $1`, [wf1])
      ).rows[0].config_version_ids.sort(),
    ).toEqual([matrixVersionId, scopeVersionId].sort());

    const archive = await http()
      .post(`${version(matrixVersionId)}/archive`)
      .set(bearer(actor));
    expect(archive.status).toBe(409);
    expect(archive.headers['content-type']).toContain('application/problem+json');
    expect(archive.body).toMatchObject({ code: 'VERSION_PINNED', pinnedCount: 2 });
    expect(archive.body.detail).toContain('pinned by 2 running workflow(s)');
    const remove = await http().delete(version(scopeVersionId)).set(bearer(actor));
    expect(remove.status).toBe(409);
    expect(remove.body).toMatchObject({ code: 'VERSION_PINNED', pinnedCount: 2 });
    // The database refuses too, whatever the API does.
    await expect(db.query(`DELETE FROM config_versions WHERE id = $1`, [scopeVersionId])).rejects.toThrow(
      /cannot be deleted|pinned/,
    );

    await publish(envelope(WorkflowCancelledV1.fixture, wf2, {}));
    await untilPinned(matrixVersionId, 1);
    const stillPinned = await http()
      .post(`${version(matrixVersionId)}/archive`)
      .set(bearer(actor))
      .expect(409);
    expect(stillPinned.body).toMatchObject({ code: 'VERSION_PINNED', pinnedCount: 1 });

    const completed = envelope(WorkflowCompletedV1.fixture, wf1, { completedAt: new Date().toISOString() });
    await publish(completed);
    await publish({ ...completed, eventId: randomUUID() }); // a second end of the same workflow releases nothing more
    await workflowEnded(wf1);
    await untilPinned(matrixVersionId, 0);
    expect(await pinCount(scopeVersionId)).toBe(0);

    const archived = await http()
      .post(`${version(matrixVersionId)}/archive`)
      .set(bearer(actor))
      .expect(200);
    expect(archived.body.status).toBe('ARCHIVED');
    await http().delete(version(draftVersionId)).set(bearer(actor)).expect(204);
  }, 120000);

  it('ignores an end that arrives before its start (tombstone) and versions of another workspace', async () => {
    const wf = `wf-pins-late-${salt}`;
    await publish(envelope(WorkflowCompletedV1.fixture, wf, { completedAt: new Date().toISOString() }));
    await workflowEnded(wf);
    const late = started(wf);
    await publish(late);
    // A start in another workspace naming this workspace's versions pins nothing.
    const foreign = started(`wf-pins-foreign-${salt}`);
    await publish({ ...foreign, workspaceId: randomUUID() });
    const applied = (eventId: string) => async () =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM inbox WHERE consumer = 'config-service.workflow-pins' AND event_id = $1`,
          [eventId],
        )
      ).rows[0].n === 1;
    await waitFor(applied(late.eventId), { timeoutMs: 60000, what: 'the late start' });
    await waitFor(applied(foreign.eventId), { timeoutMs: 60000, what: 'the foreign start' });
    expect(await pinCount(scopeVersionId)).toBe(0);
    const row = (
      await db.query(`SELECT config_version_ids FROM workflow_pins WHERE workflow_instance_id = $1`, [
        `wf-pins-foreign-${salt}`,
      ])
    ).rows[0];
    expect(row.config_version_ids).toEqual([]);
  }, 120000);

  it('rebuilds lost pins from workflow.pins-asserted, never reopening an ended workflow', async () => {
    const running = `wf-pins-asserted-${salt}`;
    const ended = `wf-pins-asserted-ended-${salt}`;
    const asserted = (workflowInstanceId: string) =>
      envelope<WorkflowPinsAssertedPayloadV1>(
        WorkflowPinsAssertedV1.fixture as EventEnvelope<WorkflowPinsAssertedPayloadV1>,
        workflowInstanceId,
        {
          pinnedConfigVersions: {
            approvalMatrix: scopeVersionId,
            clusterMapping: `cv-unknown-${salt}`,
            scopeConfig: scopeVersionId,
          },
          assertedAt: new Date().toISOString(),
        },
      );
    // The feed lost the start of `running` (say, the topic's retention dropped it): the owner re-asserts it.
    await publish(asserted(running));
    await untilPinned(scopeVersionId, 1);
    expect(
      (await db.query(`SELECT config_version_ids FROM workflow_pins WHERE workflow_instance_id = $1`, [running]))
        .rows[0].config_version_ids,
    ).toEqual([scopeVersionId]);
    const refused = await http().delete(version(scopeVersionId)).set(bearer(actor)).expect(409);
    expect(refused.body).toMatchObject({ code: 'VERSION_PINNED', pinnedCount: 1 });
    await publish(asserted(running)); // asserted again: still one pin

    // An assertion read just before the workflow ended, delivered after the end: the end stands.
    await publish(envelope(WorkflowCompletedV1.fixture, ended, { completedAt: new Date().toISOString() }));
    await workflowEnded(ended);
    const late = asserted(ended);
    await publish(late);
    await waitFor(
      async () =>
        (
          await db.query(`SELECT 1 FROM inbox WHERE consumer = 'config-service.workflow-pins' AND event_id = $1`, [
            late.eventId,
          ])
        ).rows.length === 1,
      {
        timeoutMs: 60000,
        what: 'the late assertion',
      },
    );
    expect(await pinCount(scopeVersionId)).toBe(1);

    await publish(envelope(WorkflowCancelledV1.fixture, running, {}));
    await untilPinned(scopeVersionId, 0);
  }, 120000);
});

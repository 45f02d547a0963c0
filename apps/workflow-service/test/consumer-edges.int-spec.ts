import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { demoApprovalMatrix, demoClusterMapping, demoScopeConfig } from '@atp/approval-routing';
import {
  dlqTopicOf,
  MembershipCreatedV1,
  MembershipUpdatedV1,
  SubmissionQaApprovedV1,
  Topics,
  type EventEnvelope,
  type MembershipPayloadV1,
  type SubmissionQaApprovedPayloadV1,
} from '@atp/contracts';
import request from 'supertest';
import { DlqHeader, DlqTool, MessagingMetrics, type InboxConsumer } from '@atp/platform-messaging';
import { InboxTransport } from '@atp/platform-runtime';
import { countMessages, uniqueSuffix, waitFor } from '@atp/testing';
import { WorkflowHarness } from './support/workflow-harness';

/**
 * What a consumer meets in a rolling deploy or an operator's replay: event types and envelope fields
 * newer than itself, and old events coming back from the DLQ.
 */
jest.setTimeout(240_000);

const harness = new WorkflowHarness();
const workspaceId = randomUUID();
const suffix = uniqueSuffix();
const versions = {
  approvalMatrix: `cv-matrix-${suffix}`,
  clusterMapping: `cv-cluster-${suffix}`,
  scopeConfig: `cv-scope-${suffix}`,
};
const submitter = `doc-control-${suffix}`;

function qaApproved(): SubmissionQaApprovedPayloadV1 {
  return {
    submissionId: `sub-${uniqueSuffix()}`,
    attemptNumber: 1,
    workspaceId,
    siteId: `site-${suffix}`,
    siteCode: 'JKT-0001',
    clusterCode: 'JKT-01',
    regionCode: 'JABO',
    scopeCode: 'DEMO',
    vendorCode: null,
    atpCategory: 'PLN_UPGRADE',
    submittedBy: submitter,
    qaApprovedBy: 'qa-1',
    pinnedConfigVersions: versions,
  };
}

function envelopeOf<P>(
  eventType: string,
  aggregateId: string,
  payload: P,
  extra: Record<string, unknown> = {},
): EventEnvelope<P> & Record<string, unknown> {
  return {
    eventId: randomUUID(),
    eventType,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    workspaceId,
    aggregateType: 'submission',
    aggregateId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    actorId: 'test',
    payload,
    ...extra,
  };
}

const submissionDlq = dlqTopicOf(Topics.submissionEvents);
const inboxHas = async (consumer: string, eventId: string) =>
  (await harness.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2`, [consumer, eventId])).length === 1;

beforeAll(async () => {
  await harness.start();
  await harness.addMember(workspaceId, submitter);
  await harness.waitForMembers(workspaceId, 1);
  await harness.publishSnapshot(demoApprovalMatrix({ workspaceId, configVersionId: versions.approvalMatrix }));
  await harness.publishSnapshot(demoClusterMapping({ workspaceId, configVersionId: versions.clusterMapping }));
  await harness.publishSnapshot(demoScopeConfig({ workspaceId, configVersionId: versions.scopeConfig }));
});

afterAll(async () => {
  await harness.stop();
});

it('skips an event type it does not know (a newer producer), keeps the DLQ empty and counts the skip', async () => {
  const dlqBefore = await countMessages(harness.kafkaClient, submissionDlq);
  const next = qaApproved();
  // Same key as the qa-approved after it: one partition, so the workflow proves the new type was passed.
  const newType = envelopeOf('submission.reopened-for-audit', next.submissionId, {
    anything: ['the', 'consumer', 'has', 'no', 'schema', 'for'],
  });
  await harness.sendRaw(Topics.submissionEvents, next.submissionId, newType);
  await harness.qaApproved(next);
  await harness.workflowOf(next.submissionId);

  expect(await countMessages(harness.kafkaClient, submissionDlq)).toBe(dlqBefore);
  expect(await inboxHas('workflow-service.workflow-start', newType.eventId)).toBe(false);
  const metrics = await harness.app
    .get(MessagingMetrics)
    .registry.getSingleMetricAsString('atp_messaging_consumed_total');
  expect(metrics).toMatch(
    /consumer="workflow-service\.workflow-start",topic="atp\.submission\.events\.v1",outcome="unknown_type"[^}]*\} [1-9]/,
  );
});

it('consumes an envelope that carries a field added after it was built', async () => {
  const payload = qaApproved();
  const withExtras = envelopeOf(SubmissionQaApprovedV1.eventType, payload.submissionId, payload, {
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    producedBy: { service: 'submission-service', build: '2027.1' },
  });
  await harness.sendRaw(Topics.submissionEvents, payload.submissionId, withExtras);
  const instance = await harness.workflowOf(payload.submissionId);
  expect(instance.status).toBe('IN_PROGRESS');
  expect(await inboxHas('workflow-service.workflow-start', withExtras.eventId)).toBe(true);
});

it('a DLQ replay of an old membership event leaves the newer state in place', async () => {
  const userId = `former-admin-${suffix}`;
  const membershipId = `m-${suffix}-admin`;
  const membership = (status: 'ACTIVE' | 'INACTIVE'): MembershipPayloadV1 => ({
    membershipId,
    workspaceId,
    userId,
    role: 'WORKSPACE_ADMIN',
    status,
  });
  // The grant (version 1) was dead-lettered at the time; the revocation (version 2) was applied.
  const revoked = await harness.produce(
    MembershipUpdatedV1,
    workspaceId,
    membershipId,
    membership('INACTIVE'),
    randomUUID(),
    2,
  );
  await waitFor(() => inboxHas('workflow-service.reference-replica', revoked.eventId), {
    what: 'the revocation applied',
  });
  const grant: EventEnvelope<MembershipPayloadV1> = {
    ...revoked,
    eventId: randomUUID(),
    eventType: MembershipCreatedV1.eventType,
    aggregateVersion: 1,
    payload: membership('ACTIVE'),
  };
  const producer = harness.kafkaClient.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic: dlqTopicOf(Topics.configReference),
      messages: [
        {
          key: membershipId,
          value: JSON.stringify(grant),
          headers: {
            [DlqHeader.reason]: 'database refused it at the time',
            [DlqHeader.errorClass]: 'retries-exhausted',
            [DlqHeader.consumer]: 'workflow-service.reference-replica',
            [DlqHeader.originalTopic]: Topics.configReference,
          },
        },
      ],
    });
    const replayed = await new DlqTool(harness.kafkaClient).replay(
      dlqTopicOf(Topics.configReference),
      (e) => e.eventId === grant.eventId,
      producer,
    );
    expect(replayed).toHaveLength(1);
  } finally {
    await producer.disconnect();
  }
  await waitFor(() => inboxHas('workflow-service.reference-replica', grant.eventId), {
    what: 'the replayed grant consumed',
  });
  const [row] = await harness.query(
    `SELECT is_active, aggregate_version FROM member_replica WHERE membership_id = $1`,
    [membershipId],
  );
  expect(row).toEqual({ is_active: false, aggregate_version: '2' });
});

it('a consumer stopped by a fault makes the service not ready at the next probe, and it comes back by itself', async () => {
  const ready = () => request(harness.app.getHttpServer()).get('/health/ready');
  await waitFor(async () => (await ready()).status === 200, { what: 'ready before the fault' });
  const consumers = harness.app.get(InboxTransport).unwrap<InboxConsumer[]>();
  const start = consumers.find((c) => c.name === 'workflow-service.workflow-start') as InboxConsumer;
  // What kafkajs does when it gives up on a consumer: the client stops underneath us.
  await start.client?.stop();

  const probe = await ready();
  expect(probe.status).toBe(503);
  expect(probe.body.checks.consumers).toMatchObject({ status: 'down' });
  expect(probe.body.checks.consumers.error).toContain('workflow-service.workflow-start restarting');

  await waitFor(async () => (await ready()).status === 200, {
    timeoutMs: 60_000,
    what: 'ready again after the restart',
  });
  const payload = qaApproved();
  await harness.qaApproved(payload);
  expect((await harness.workflowOf(payload.submissionId)).status).toBe('IN_PROGRESS');
});

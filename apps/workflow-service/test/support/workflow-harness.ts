import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import {
  ConfigVersionSnapshotV1,
  MembershipCreatedV1,
  SubmissionQaApprovedV1,
  type EventDefinition,
  type EventEnvelope,
  type SubmissionQaApprovedPayloadV1,
} from '@atp/contracts';
import type { ConfigSnapshot } from '@atp/approval-routing';
import { configureHttp, connectInboxConsumers } from '@atp/platform-runtime';
import { runAcrossWorkspaces } from '@atp/platform-database';
import { createHttpAdapter } from '@atp/platform-http';
import { startTestApp, testIssuerEnv, testKafka, testStack, waitFor } from '@atp/testing';
import { AppModule } from '../../src/app.module';
import { loadAppEnv } from '../../src/config/env';
import { Clock, ManualClock } from '../../src/clock/clock';
import { SlaSweeper } from '../../src/sla/sla-sweeper.service';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with npm test or export the WORKFLOW_* test URLs`);
  return value;
}

/** The real service module on the test database and Kafka, with a hand-driven clock. */
export class WorkflowHarness {
  app!: INestApplication;
  dataSource!: DataSource;
  sweeper!: SlaSweeper;
  readonly clock = new ManualClock(new Date());
  private kafka!: Kafka;
  private producer!: Producer;

  async start(): Promise<void> {
    const env = loadAppEnv({
      ...testIssuerEnv(),
      SERVICE_NAME: 'workflow-service',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: required('WORKFLOW_DATABASE_URL'),
      DATABASE_POOL_SIZE: '20',
      KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
      OUTBOX_POLL_INTERVAL_MS: '200',
      SLA_SWEEP_INTERVAL_MS: '0',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] })
      .overrideProvider(Clock)
      .useValue(this.clock)
      .compile();
    this.app = await startTestApp(moduleRef, createHttpAdapter, configureHttp);
    await connectInboxConsumers(this.app);
    this.dataSource = this.app.get(DataSourceToken);
    this.sweeper = this.app.get(SlaSweeper);
    this.kafka = testKafka('workflow-service-tests');
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    await this.waitForConsumerGroups([
      'workflow-service.workflow-start',
      'workflow-service.config-snapshot-replica',
      'workflow-service.reference-replica',
      'workflow-service.reference-rejections',
      'workflow-service.punchlist-claims',
    ]);
  }

  /**
   * A test's own look at the database, across workspaces (row-level security hides every tenant row from
   * unscoped code, and the app's code must stay unscoped where it would be in production).
   */
  query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    return runAcrossWorkspaces('workflow-service test inspection', () => this.dataSource.query(sql, params));
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.app?.close();
  }

  /**
   * Consumers join in the background; a message produced before the start consumer joins a new group would be skipped.
   */
  private async waitForConsumerGroups(groups: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const { groups: described } = await admin.describeGroups(groups);
          return described.every((g) => g.state === 'Stable' && g.members.length > 0);
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'workflow-service consumer groups to be stable' },
      );
    } finally {
      await admin.disconnect();
    }
  }

  async produce<P>(
    definition: EventDefinition<P>,
    workspaceId: string | null,
    aggregateId: string,
    payload: P,
    eventId: string = randomUUID(),
    aggregateVersion = 1,
  ): Promise<EventEnvelope<P>> {
    const envelope: EventEnvelope<P> = {
      eventId,
      eventType: definition.eventType,
      schemaVersion: definition.schemaVersion,
      occurredAt: new Date().toISOString(),
      workspaceId,
      aggregateType: definition.aggregateType,
      aggregateId,
      aggregateVersion,
      correlationId: randomUUID(),
      causationId: null,
      actorId: 'test',
      payload,
    };
    await this.sendRaw(definition.topic, aggregateId, envelope);
    return envelope;
  }

  /** Any value on any topic, as a producer outside this codebase might send it. */
  async sendRaw(topic: string, key: string, value: unknown, headers: Record<string, string> = {}): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(value), headers }] });
  }

  get kafkaClient(): Kafka {
    return this.kafka;
  }

  async publishSnapshot(snapshot: ConfigSnapshot): Promise<void> {
    await this.produce(ConfigVersionSnapshotV1, snapshot.workspaceId, snapshot.configVersionId, { snapshot } as never);
    await waitFor(
      async () =>
        (
          await this.query(`SELECT 1 FROM config_snapshot_replica WHERE config_version_id = $1`, [
            snapshot.configVersionId,
          ])
        ).length > 0,
      {
        what: `snapshot ${snapshot.configVersionId} in the replica`,
      },
    );
  }

  async addMember(
    workspaceId: string,
    userId: string,
    role: 'WORKSPACE_ADMIN' | 'DOC_CONTROL' | 'QA_ENGINEER' | 'APPROVER' | 'AUDITOR' = 'APPROVER',
  ): Promise<void> {
    const membershipId = `m-${workspaceId}-${userId}-${role}`;
    await this.produce(MembershipCreatedV1, workspaceId, membershipId, {
      membershipId,
      workspaceId,
      userId,
      role,
      status: 'ACTIVE',
    });
  }

  async waitForMembers(workspaceId: string, count: number): Promise<void> {
    await waitFor(
      async () =>
        Number(
          (await this.query(`SELECT count(*) AS n FROM member_replica WHERE workspace_id = $1`, [workspaceId]))[0].n,
        ) >= count,
      {
        what: `${count} members in the replica`,
      },
    );
  }

  async qaApproved(
    payload: SubmissionQaApprovedPayloadV1,
    eventId?: string,
  ): Promise<EventEnvelope<SubmissionQaApprovedPayloadV1>> {
    return this.produce(SubmissionQaApprovedV1, payload.workspaceId, payload.submissionId, payload, eventId);
  }

  async workflowOf(
    submissionId: string,
    attemptNumber = 1,
  ): Promise<{ id: string; status: string; current_stage_number: number | null }> {
    return waitFor(
      async () => {
        const rows = await this.query(
          `SELECT id, status, current_stage_number FROM workflow_instances WHERE submission_id = $1 AND attempt_number = $2`,
          [submissionId, attemptNumber],
        );
        return rows[0];
      },
      { what: `workflow of ${submissionId}` },
    );
  }

  async stages(instanceId: string): Promise<
    Array<{
      id: string;
      stage_number: number;
      role_code: string;
      parallel_group: string | null;
      status: string;
      approver_user_id: string | null;
      backup_user_id: string | null;
      sla_due_at: Date | null;
      sla_breached_at: Date | null;
    }>
  > {
    return this.query(
      `SELECT * FROM workflow_stages WHERE workflow_instance_id = $1 ORDER BY stage_number, parallel_group NULLS FIRST`,
      [instanceId],
    );
  }

  async actions(
    instanceId: string,
  ): Promise<Array<{ workflow_stage_id: string; action_type: string; actor_user_id: string | null }>> {
    return this.query(
      `SELECT workflow_stage_id, action_type, actor_user_id FROM workflow_stage_actions WHERE workflow_instance_id = $1 ORDER BY seq`,
      [instanceId],
    );
  }

  async eventTypes(instanceId: string): Promise<string[]> {
    const rows = (await this.query(`SELECT event_type FROM outbox WHERE aggregate_id = $1 ORDER BY id`, [
      instanceId,
    ])) as Array<{ event_type: string }>;
    return rows.map((r) => r.event_type);
  }
}

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { runAcrossWorkspaces } from '@atp/platform-database';
import {
  MembershipCreatedV1,
  StageApprovedWithPunchlistV1,
  StageRejectedV1,
  WorkflowStartedV1,
  type EventDefinition,
  type EventEnvelope,
  type PunchItemV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
import type { WorkspaceRole } from '@atp/platform-auth';
import { configureHttp, connectInboxConsumers } from '@atp/platform-runtime';
import { createHttpAdapter } from '@atp/platform-http';
import { startTestApp, testIssuer, testKafka, testStack, waitFor, type TestIssuer } from '@atp/testing';
import { AppModule } from '../../src/app.module';
import { Clock, ManualClock } from '../../src/clock/clock';
import { loadAppEnv } from '../../src/config/env';
import { StallSweeper } from '../../src/stall/stall-sweeper.service';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with npm test`);
  return value;
}

export const EVIDENCE_LIMIT_BYTES = 256 * 1024;

export interface StageDecision {
  workflowInstanceId: string;
  submissionId: string;
  stageId: string;
  stageNumber?: number;
  decidedBy: string;
}

/** The real service on the test database and Kafka, a hand-driven clock, and a producer for upstream events. */
export class PunchlistHarness {
  app!: INestApplication;
  dataSource!: DataSource;
  sweeper!: StallSweeper;
  issuer!: TestIssuer;
  readonly clock = new ManualClock(new Date());
  readonly evidenceDir = mkdtempSync(join(tmpdir(), 'punchlist-evidence-'));
  private kafka!: Kafka;
  private producer!: Producer;

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    // The run's key file (scripts/lib/issuer.mjs) names its key with a generated kid while @atp/testing signs
    // with the kid 'test-key-1': tokens would not verify. Until that is fixed, this process makes its own pair.
    delete process.env.ATP_TEST_ISSUER_KEY_FILE;
    this.issuer = await testIssuer();
    const env = loadAppEnv({
      SERVICE_NAME: 'punchlist-service',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: required('PUNCHLIST_DATABASE_URL'),
      DATABASE_POOL_SIZE: '20',
      KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
      OUTBOX_POLL_INTERVAL_MS: '200',
      PUNCHLIST_STALL_SWEEP_INTERVAL_MS: '0',
      UPLOAD_MAX_FILE_BYTES: String(EVIDENCE_LIMIT_BYTES),
      BLOB_STORE: 'local',
      BLOB_STORE_DIR: this.evidenceDir,
      ...this.issuer.env,
      ...extraEnv,
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] })
      .overrideProvider(Clock)
      .useValue(this.clock)
      .compile();
    this.app = await startTestApp(moduleRef, createHttpAdapter, configureHttp);
    await connectInboxConsumers(this.app);
    this.dataSource = this.app.get(DataSource);
    this.sweeper = this.app.get(StallSweeper);
    this.kafka = testKafka('punchlist-service-tests');
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    await this.waitForConsumerGroups([
      'punchlist-service.workflow-decisions',
      'punchlist-service.reference-replica',
      'punchlist-service.reference-rejections',
    ]);
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.app?.close();
  }

  /** Inspection queries of the tests see every workspace (a named bypass of row-level security). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of ad-hoc inspection SQL
  query(sql: string, params: unknown[] = []): Promise<any[]> {
    return runAcrossWorkspaces('punchlist-service test inspection', () => this.dataSource.query(sql, params));
  }

  http() {
    return this.app.getHttpServer();
  }

  async auth(userId: string): Promise<{ authorization: string }> {
    return this.issuer.headers(userId);
  }

  private async waitForConsumerGroups(groups: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const { groups: described } = await admin.describeGroups(groups);
          return described.every((g) => g.state === 'Stable' && g.members.length > 0);
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'punchlist-service consumer groups to be stable' },
      );
    } finally {
      await admin.disconnect();
    }
  }

  async produce<P>(
    definition: EventDefinition<P>,
    workspaceId: string,
    aggregateId: string,
    payload: P,
    eventId: string = randomUUID(),
  ): Promise<EventEnvelope<P>> {
    const envelope: EventEnvelope<P> = {
      eventId,
      eventType: definition.eventType,
      schemaVersion: definition.schemaVersion,
      occurredAt: this.clock.now().toISOString(),
      workspaceId,
      aggregateType: definition.aggregateType,
      aggregateId,
      aggregateVersion: 1,
      correlationId: randomUUID(),
      causationId: null,
      actorId: 'test',
      payload,
    };
    await this.producer.send({
      topic: definition.topic,
      acks: -1,
      messages: [{ key: aggregateId, value: JSON.stringify(envelope) }],
    });
    return envelope;
  }

  async addMembers(workspaceId: string, members: Array<[userId: string, role: WorkspaceRole]>): Promise<void> {
    for (const [userId, role] of members) {
      const membershipId = `m-${workspaceId}-${userId}-${role}`;
      await this.produce(MembershipCreatedV1, workspaceId, membershipId, {
        membershipId,
        workspaceId,
        userId,
        role,
        status: 'ACTIVE',
      });
    }
    await waitFor(
      async () =>
        Number(
          (await this.query(`SELECT count(*) AS n FROM member_replica WHERE workspace_id = $1`, [workspaceId]))[0].n,
        ) >= members.length,
      {
        what: `${members.length} members in the replica`,
      },
    );
  }

  async workflowStarted(
    workspaceId: string,
    facts: { workflowInstanceId: string; submissionId: string; siteCode: string; vendorCode: string | null },
  ) {
    const payload: WorkflowStartedPayloadV1 = {
      workflowInstanceId: facts.workflowInstanceId,
      submissionId: facts.submissionId,
      attemptNumber: 1,
      siteId: `site-${facts.siteCode}`,
      siteCode: facts.siteCode,
      vendorCode: facts.vendorCode,
      scopeId: 'scope-1',
      scopeCode: 'MW_NEW',
      vendorId: null,
      atpCategory: 'RAN_MW',
      configVersionId: 'cv-1',
      approvalPolicyId: 'pol-1',
      pinnedConfigVersions: { approvalMatrix: 'cv-1', clusterMapping: 'cv-2', scopeConfig: 'cv-3' },
      totalStages: 1,
      stages: [
        {
          stageId: 'stg-x',
          stageNumber: 1,
          stageName: 'Review',
          approvalRoleId: 'role-1',
          roleCode: 'FOP_RTS',
          parallelGroup: null,
          approverUserId: null,
          slaHours: 48,
        },
      ],
    };
    return this.produce(WorkflowStartedV1, workspaceId, facts.workflowInstanceId, payload);
  }

  private stageRef(decision: StageDecision) {
    return {
      workflowInstanceId: decision.workflowInstanceId,
      submissionId: decision.submissionId,
      stageId: decision.stageId,
      stageNumber: decision.stageNumber ?? 1,
      stageName: 'Review',
      approvalRoleId: 'role-1',
      roleCode: 'FOP_RTS',
      parallelGroup: null,
      approverUserId: decision.decidedBy,
      decidedBy: decision.decidedBy,
      decidedAt: this.clock.now().toISOString(),
      comment: 'see items',
    };
  }

  approvedWithPunchlist(workspaceId: string, decision: StageDecision, items: PunchItemV1[], eventId?: string) {
    return this.produce(
      StageApprovedWithPunchlistV1,
      workspaceId,
      decision.workflowInstanceId,
      { ...this.stageRef(decision), items },
      eventId,
    );
  }

  rejected(workspaceId: string, decision: StageDecision, findings: PunchItemV1[], eventId?: string) {
    return this.produce(
      StageRejectedV1,
      workspaceId,
      decision.workflowInstanceId,
      { ...this.stageRef(decision), findings },
      eventId,
    );
  }

  async punchlistOfStage(stageId: string): Promise<{ id: string; status: string }> {
    return waitFor(
      async () => (await this.query(`SELECT id, status FROM punchlists WHERE workflow_stage_id = $1`, [stageId]))[0],
      {
        what: `the punchlist of stage ${stageId}`,
      },
    );
  }

  async consumed(eventId: string): Promise<void> {
    await waitFor(async () => (await this.query(`SELECT 1 FROM inbox WHERE event_id = $1`, [eventId])).length > 0, {
      what: `event ${eventId} consumed`,
    });
  }

  async outbox(punchlistId: string): Promise<Array<{ eventType: string; payload: Record<string, unknown> }>> {
    const rows = (await this.query(`SELECT event_type, envelope FROM outbox WHERE aggregate_id = $1 ORDER BY id`, [
      punchlistId,
    ])) as Array<{
      event_type: string;
      envelope: { payload: Record<string, unknown> };
    }>;
    return rows.map((r) => ({ eventType: r.event_type, payload: r.envelope.payload }));
  }
}

/** Tiny but real files: the service judges type by content. */
export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('fake png body for a test'),
]);
export const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n');

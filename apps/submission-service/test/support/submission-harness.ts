import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import {
  ConfigVersionSnapshotV1,
  ContractValidator,
  eventCatalog,
  MembershipCreatedV1,
  SiteCreatedV1,
  WorkspaceCreatedV1,
  type EventDefinition,
  type EventEnvelope,
  type MembershipPayloadV1,
} from '@atp/contracts';
import { runAcrossWorkspaces } from '@atp/platform-database';
import { configureHttp, connectInboxConsumers } from '@atp/platform-runtime';
import { bootAppForTest, testIssuer, testKafka, testStack, waitFor } from '@atp/testing';
import { AppModule } from '../../src/app.module';
import { loadAppEnv } from '../../src/config/env';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with npm test`);
  return value;
}

export type Role = MembershipPayloadV1['role'];

export interface TestWorkspace {
  workspaceId: string;
  siteCode: string;
  siteId: string;
  versions: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
}

/** The real submission-service on the test database and Kafka, and a producer that plays the other services. */
export class SubmissionHarness {
  app!: INestApplication;
  dataSource!: DataSource;
  blobDir!: string;
  readonly validator = new ContractValidator(eventCatalog);
  private kafka!: Kafka;
  private producer!: Producer;
  private versions = new Map<string, number>();

  constructor(private readonly options: { maxUploadBytes?: number; env?: Record<string, string> } = {}) {}

  async start(): Promise<void> {
    this.blobDir = await mkdtemp(join(tmpdir(), 'submission-blobs-'));
    const issuer = await testIssuer();
    const env = loadAppEnv({
      ...issuer.env,
      SERVICE_NAME: 'submission-service',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: required('SUBMISSION_DATABASE_URL'),
      KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
      OUTBOX_POLL_INTERVAL_MS: '200',
      BLOB_STORE_DIR: this.blobDir,
      UPLOAD_MAX_FILE_BYTES: String(this.options.maxUploadBytes ?? 2 * 1024 * 1024),
      UPLOAD_SWEEP_INTERVAL_MS: '0',
      ...this.options.env,
    });
    this.app = await bootAppForTest(AppModule.forRoot(env), configureHttp);
    await connectInboxConsumers(this.app);
    this.dataSource = this.app.get(DataSourceToken);
    this.kafka = testKafka('submission-service-tests');
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await this.producer.connect();
    await this.waitForConsumerGroups([
      'submission-service.reference-replica',
      'submission-service.config-snapshot-replica',
      'submission-service.workflow-projection',
      'submission-service.punchlist-projection',
      'submission-service.reference-rejections',
      'submission-service.submission-claims',
    ]);
  }

  /**
   * A test's own look at the database, across workspaces (row-level security hides every tenant row from
   * unscoped code, and the app's code must stay unscoped where it would be in production).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any shape, as DataSource.query answers them
  query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    return runAcrossWorkspaces('submission-service test inspection', () => this.dataSource.query(sql, params));
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.app?.close();
    await rm(this.blobDir, { recursive: true, force: true });
  }

  http() {
    return request(this.app.getHttpServer());
  }

  async auth(userId: string): Promise<{ authorization: string }> {
    return (await testIssuer()).headers(userId);
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
        { timeoutMs: 90_000, intervalMs: 250, what: 'submission-service consumer groups to be stable' },
      );
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * An envelope as its producer would write it: aggregateVersion counted per aggregate, checked against the contract.
   */
  envelope<P>(
    definition: EventDefinition<P>,
    workspaceId: string | null,
    aggregateId: string,
    payload: P,
    version?: number,
  ): EventEnvelope<P> {
    const key = `${definition.aggregateType}:${aggregateId}`;
    const aggregateVersion = version ?? (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, Math.max(aggregateVersion, this.versions.get(key) ?? 0));
    const envelope: EventEnvelope<P> = {
      eventId: randomUUID(),
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
    const verdict = this.validator.validate(envelope);
    if (!verdict.ok) throw new Error(`test event breaks its contract: ${verdict.reason}`);
    return envelope;
  }

  async send(envelope: EventEnvelope, topic?: string): Promise<void> {
    const definition = eventCatalog.find((d) => d.eventType === envelope.eventType);
    await this.producer.send({
      topic: topic ?? (definition as EventDefinition).topic,
      acks: -1,
      messages: [{ key: envelope.aggregateId, value: JSON.stringify(envelope) }],
    });
  }

  async publish<P>(
    definition: EventDefinition<P>,
    workspaceId: string | null,
    aggregateId: string,
    payload: P,
    version?: number,
  ): Promise<EventEnvelope<P>> {
    const envelope = this.envelope(definition, workspaceId, aggregateId, payload, version);
    await this.send(envelope);
    return envelope;
  }

  async addMember(workspaceId: string, userId: string, role: Role): Promise<void> {
    const membershipId = `m-${workspaceId}-${userId}-${role}`;
    await this.publish(MembershipCreatedV1, workspaceId, membershipId, {
      membershipId,
      workspaceId,
      userId,
      role,
      status: 'ACTIVE',
    });
  }

  async publishScopeConfig(
    workspaceId: string,
    versionNumber: number,
    scopes: string[],
    vendors: string[],
  ): Promise<string> {
    const configVersionId = randomUUID();
    await this.publish(ConfigVersionSnapshotV1, workspaceId, configVersionId, {
      snapshot: {
        configVersionId,
        workspaceId,
        versionNumber,
        sourceType: 'SCOPE_CONFIG',
        scopes: scopes.map((code) => ({
          id: `scope-${code}-${configVersionId}`,
          scopeCode: code,
          scopeGroup: 'MICROWAVE',
          isActive: true,
        })),
        vendors: vendors.map((code) => ({ id: `vendor-${code}-${configVersionId}`, vendorCode: code, isActive: true })),
      },
    });
    return configVersionId;
  }

  async publishMatrix(workspaceId: string, versionNumber: number): Promise<string> {
    const configVersionId = randomUUID();
    await this.publish(ConfigVersionSnapshotV1, workspaceId, configVersionId, {
      snapshot: {
        configVersionId,
        workspaceId,
        versionNumber,
        sourceType: 'APPROVAL_MATRIX',
        roles: [],
        policies: [],
        policyStages: [],
      },
    });
    return configVersionId;
  }

  async publishClusterMapping(workspaceId: string, versionNumber: number): Promise<string> {
    const configVersionId = randomUUID();
    await this.publish(ConfigVersionSnapshotV1, workspaceId, configVersionId, {
      snapshot: {
        configVersionId,
        workspaceId,
        versionNumber,
        sourceType: 'CLUSTER_MAPPING',
        clusters: [],
        clusterApprovers: [],
      },
    });
    return configVersionId;
  }

  async waitForVersion(configVersionId: string): Promise<void> {
    await waitFor(
      async () =>
        (await this.query(`SELECT 1 FROM config_version_replica WHERE config_version_id = $1`, [configVersionId]))
          .length > 0,
      {
        what: `config version ${configVersionId} in the replica`,
      },
    );
  }

  /** A workspace with a site, members of every role and an ACTIVE version of each source type. */
  async workspace(members: Array<[string, Role]>): Promise<TestWorkspace> {
    const workspaceId = randomUUID();
    await this.publish(WorkspaceCreatedV1, workspaceId, workspaceId, {
      workspaceId,
      code: `WS-${workspaceId.slice(0, 8)}`,
      name: 'Test workspace',
      isActive: true,
    });
    for (const [userId, role] of members) await this.addMember(workspaceId, userId, role);
    const siteId = `site-${randomUUID()}`;
    const siteCode = `JKT-${workspaceId.slice(0, 6)}`;
    await this.publish(SiteCreatedV1, workspaceId, siteId, {
      siteId,
      workspaceId,
      siteCode,
      siteName: 'Jakarta Tower',
      region: 'JABODETABEK',
      city: 'Jakarta',
      clusterCode: 'JKT-C1',
      isActive: true,
    });
    const scopeConfig = await this.publishScopeConfig(workspaceId, 1, ['MW_NEW', 'PLN_UPGRADE'], ['AVIAT', 'ZTE']);
    const approvalMatrix = await this.publishMatrix(workspaceId, 1);
    const clusterMapping = await this.publishClusterMapping(workspaceId, 1);
    for (const id of [scopeConfig, approvalMatrix, clusterMapping]) await this.waitForVersion(id);
    await waitFor(
      async () => {
        const [{ n }] = await this.query(`SELECT count(*)::int AS n FROM member_replica WHERE workspace_id = $1`, [
          workspaceId,
        ]);
        const sites = await this.query(`SELECT 1 FROM site_replica WHERE site_id = $1`, [siteId]);
        return n === members.length && sites.length === 1;
      },
      { what: 'members and site in the replica' },
    );
    return { workspaceId, siteCode, siteId, versions: { approvalMatrix, clusterMapping, scopeConfig } };
  }

  async blobFiles(): Promise<string[]> {
    const list = async (dir: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const nested = await Promise.all(
        entries.map((e) => (e.isDirectory() ? list(join(dir, e.name)) : [join(dir, e.name)])),
      );
      return nested.flat();
    };
    return list(this.blobDir);
  }

  async outboxEvents(submissionId: string): Promise<EventEnvelope[]> {
    const rows = (await this.query(`SELECT envelope FROM outbox WHERE aggregate_id = $1 ORDER BY id`, [
      submissionId,
    ])) as Array<{
      envelope: EventEnvelope;
    }>;
    return rows.map((row) => row.envelope);
  }
}

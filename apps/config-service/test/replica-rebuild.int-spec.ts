import type { INestApplication } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import request from 'supertest';
import type { Client } from 'pg';
import { Topics, type EventEnvelope } from '@atp/contracts';
import { testKafka, uniqueSuffix, waitFor, bearer, PLATFORM_ADMIN } from '@atp/testing';
import { approvalMatrixRows, csv, scopeConfigFile, sql, startApp } from './support';

/**
 * Issue 3 §6: a replica rebuilt from offset 0 of the compacted topics equals the source tables. The directory is
 * written through the HTTP API (creates and updates, so "latest aggregateVersion wins" matters), the runtime's outbox
 * relay publishes it, and a fresh consumer group reads the whole topic into an in-memory replica.
 */

interface Replica {
  /** `${aggregateType}:${aggregateId}` → the latest envelope of that entity. */
  entities: Map<string, EventEnvelope>;
}

/**
 * Reads `topic` from offset 0 with a new consumer group up to the high watermarks taken now; latest aggregateVersion
 * wins.
 */
async function rebuildFromStart(kafka: Kafka, topic: string): Promise<Replica> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic))
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high) - 1n);
  } finally {
    await admin.disconnect();
  }
  const replica: Replica = { entities: new Map() };
  const reached = new Set<number>();
  const consumer = kafka.consumer({
    groupId: `config-replica-test-${uniqueSuffix()}`,
    maxBytesPerPartition: 64 * 1024 * 1024,
    maxBytes: 128 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value) {
          const envelope = JSON.parse(message.value.toString()) as EventEnvelope;
          const key = `${envelope.aggregateType}:${envelope.aggregateId}`;
          const known = replica.entities.get(key);
          if (!known || known.aggregateVersion < envelope.aggregateVersion) replica.entities.set(key, envelope);
        }
        const end = ends.get(partition);
        if (end !== undefined && BigInt(message.offset) >= end) reached.add(partition);
      },
    });
    await waitFor(() => reached.size === ends.size, { timeoutMs: 60000, what: `${topic} read to its end` });
  } finally {
    await consumer.disconnect();
  }
  return replica;
}

const byId = <T>(rows: T[], id: (row: T) => string) => Object.fromEntries(rows.map((r) => [id(r), r]));

describe('config-service: replicas rebuilt from offset 0 equal the source tables', () => {
  let app: INestApplication;
  let db: Client;
  let kafka: Kafka;
  let workspaceId: string;
  const salt = uniqueSuffix();
  const admin = `u-rep-admin-${salt}`;
  const users = [admin, `u-rep-qa-${salt}`, `u-rep-appr-${salt}`, `u-rep-doc-${salt}`];
  const activated: string[] = [];
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    kafka = testKafka('config-replica-test');

    // Directory through the HTTP API, including updates of every kind of entity.
    for (const [i, id] of users.entries()) {
      await http()
        .post('/api/v1/users')
        .set(bearer('bootstrap', PLATFORM_ADMIN))
        .send({
          id,
          email: `${id}@example.test`,
          fullName: `Replica user ${i}`,
          userType: i === 3 ? 'VENDOR' : 'INTERNAL',
        })
        .expect(201);
    }
    await http()
      .patch(`/api/v1/users/${users[3]}`)
      .set(bearer(admin, PLATFORM_ADMIN))
      .send({ status: 'SUSPENDED' })
      .expect(200);
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(admin, PLATFORM_ADMIN))
      .send({
        code: `REPL-${salt.toUpperCase()}`,
        name: 'Replica workspace',
        customerGroupId: 'cg',
        vendorOwnerId: 'vo',
      })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    const roles = ['WORKSPACE_ADMIN', 'QA_ENGINEER', 'APPROVER', 'DOC_CONTROL'];
    const memberships: string[] = [];
    for (const [i, id] of users.entries()) {
      if (id === admin) {
        // The creator of a workspace is its first WORKSPACE_ADMIN already.
        const listed = await http().get(`/api/v1/workspaces/${workspaceId}/members`).set(bearer(admin)).expect(200);
        memberships.push(listed.body.items.find((m: { userId: string }) => m.userId === admin).membershipId);
        continue;
      }
      const m = await http()
        .post(`/api/v1/workspaces/${workspaceId}/members`)
        .set(bearer(admin))
        .send({ userId: id, role: roles[i] })
        .expect(201);
      memberships.push(m.body.membershipId);
    }
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/members`)
      .set(bearer(admin))
      .send({ userId: users[2], role: 'AUDITOR' })
      .expect(201);
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/members/${memberships[3]}`)
      .set(bearer(admin))
      .send({ status: 'INACTIVE' })
      .expect(200);
    for (let i = 0; i < 5; i++) {
      await http()
        .put(`/api/v1/workspaces/${workspaceId}/sites`)
        .set(bearer(admin))
        .send({
          siteCode: `REP-${i}`,
          siteName: `Replica site ${i}`,
          region: i % 2 ? 'JABODETABEK' : 'SUMBAGUT',
          city: i === 0 ? undefined : 'Medan',
          clusterCode: `c-${i % 2}`,
        })
        .expect(200);
    }
    await http()
      .put(`/api/v1/workspaces/${workspaceId}/sites`)
      .set(bearer(admin))
      .send({ siteCode: 'REP-1', siteName: 'Replica site 1 renamed', clusterCode: 'C-9', isActive: false })
      .expect(200);

    // Two activations (and one supersession) for the snapshot topic.
    const importActivate = async (sourceType: string, file: Buffer) => {
      const imported = await http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
        .set(bearer(admin))
        .field('sourceType', sourceType)
        .attach('file', file, 'file.csv')
        .expect(201);
      await http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/${imported.body.version.id}/activate`)
        .set(bearer(admin))
        .expect(200);
      activated.push(imported.body.version.id);
    };
    await importActivate('SCOPE_CONFIG', scopeConfigFile(3, salt));
    await importActivate('APPROVAL_MATRIX', csv(approvalMatrixRows(6, 3, salt)));
    await importActivate('SCOPE_CONFIG', scopeConfigFile(4, salt));
    await http().post(`/api/v1/workspaces/${workspaceId}/deactivate`).set(bearer(admin)).expect(200);

    // The runtime's relay publishes the outbox; wait until every event of this test left it.
    const ids = [workspaceId, ...users, ...memberships, ...activated];
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND (aggregate_id = ANY($1) OR envelope->>'workspaceId' = $2)`,
          [ids, workspaceId],
        );
        return rows[0].n === 0;
      },
      { timeoutMs: 30000, what: "the outbox relay to publish this test's events" },
    );
  }, 90000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it('rebuilds workspaces, users, memberships and sites from the reference topic', async () => {
    const replica = await rebuildFromStart(kafka, Topics.configReference);
    const payloads = (type: string) =>
      [...replica.entities.values()]
        .filter((e) => e.aggregateType === type)
        .map((e) => e.payload as Record<string, unknown>);

    const [workspace] = (
      await db.query(`SELECT id AS "workspaceId", code, name, is_active AS "isActive" FROM workspaces WHERE id = $1`, [
        workspaceId,
      ])
    ).rows;
    expect(workspace.isActive).toBe(false);
    expect(replica.entities.get(`workspace:${workspaceId}`)?.payload).toEqual(workspace);

    const members = (
      await db.query(
        `SELECT id AS "membershipId", workspace_id AS "workspaceId", user_id AS "userId", role, status FROM workspace_members WHERE workspace_id = $1`,
        [workspaceId],
      )
    ).rows;
    expect(members).toHaveLength(5);
    const replicaMembers = payloads('membership').filter((m) => m.workspaceId === workspaceId);
    expect(byId(replicaMembers, (m) => m.membershipId as string)).toEqual(byId(members, (m) => m.membershipId));

    const sites = (
      await db.query(
        `SELECT id AS "siteId", workspace_id AS "workspaceId", site_code AS "siteCode", site_name AS "siteName", region, city, cluster_code AS "clusterCode",
         is_active AS "isActive" FROM sites WHERE workspace_id = $1`,
        [workspaceId],
      )
    ).rows;
    expect(sites).toHaveLength(5);
    expect(sites.find((s) => s.siteCode === 'REP-1')).toMatchObject({
      siteName: 'Replica site 1 renamed',
      isActive: false,
      clusterCode: 'C-9',
      region: null,
    });
    const replicaSites = payloads('site').filter((s) => s.workspaceId === workspaceId);
    expect(byId(replicaSites, (s) => s.siteId as string)).toEqual(byId(sites, (s) => s.siteId));

    const userRows = (
      await db.query(
        `SELECT id AS "userId", email, full_name AS "fullName", user_type AS "userType", status FROM users
       WHERE id IN (SELECT user_id FROM workspace_members WHERE workspace_id = $1)`,
        [workspaceId],
      )
    ).rows;
    expect(userRows.map((u) => u.userId).sort()).toEqual([...users].sort());
    expect(userRows.find((u) => u.userId === users[3]).status).toBe('SUSPENDED');
    const replicaUsers = payloads('user').filter((u) => users.includes(u.userId as string));
    expect(byId(replicaUsers, (u) => u.userId as string)).toEqual(byId(userRows, (u) => u.userId));
  }, 90000);

  it('keeps one snapshot per activated version that equals the version read from the tables', async () => {
    const replica = await rebuildFromStart(kafka, Topics.configSnapshots);
    expect(activated).toHaveLength(3);
    for (const versionId of activated) {
      const event = [...replica.entities.values()].find((e) => e.aggregateId === versionId);
      expect(event?.eventType).toBe('config.version.snapshot');
      const fromTables = await http()
        .get(`/api/v1/workspaces/${workspaceId}/config-versions/${versionId}/snapshot`)
        .set(bearer(admin))
        .expect(200);
      expect((event?.payload as { snapshot: unknown }).snapshot).toEqual(fromTables.body);
      // Independently of the reader: the same master rows, by id, as the tables hold.
      const { rows } = await db.query(
        `SELECT id FROM atp_scope_master WHERE config_version_id = $1 UNION ALL SELECT id FROM vendor_master WHERE config_version_id = $1
         UNION ALL SELECT id FROM approval_role_master WHERE config_version_id = $1 UNION ALL SELECT id FROM approval_policy_master WHERE config_version_id = $1
         UNION ALL SELECT id FROM approval_policy_stages WHERE config_version_id = $1`,
        [versionId],
      );
      const snapshot = (event?.payload as { snapshot: Record<string, unknown> }).snapshot;
      const snapshotIds = Object.values(snapshot)
        .filter(Array.isArray)
        .flatMap((list) => (list as Array<{ id: string }>).map((r) => r.id));
      expect(snapshotIds.sort()).toEqual(rows.map((r) => r.id).sort());
      expect(snapshot).toMatchObject({ configVersionId: versionId, workspaceId });
    }
  }, 90000);
});

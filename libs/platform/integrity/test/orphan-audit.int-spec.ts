import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import type { Client } from 'pg';
import type { Registry } from 'prom-client';
import {
  auditChecksOf,
  IntegrityOrphansDetectedV1,
  Topics,
  type EventEnvelope,
  type IntegrityService,
  type OrphansDetectedPayloadV1,
} from '@atp/contracts';
import { loadEnv, serviceEnvSchema } from '@atp/platform-config';
import { configureHttp, METRICS_REGISTRY, PlatformModule } from '@atp/platform-runtime';
import { bootAppForTest, serviceTestEnv, superuserClient, testKafka, uniqueSuffix, waitFor } from '@atp/testing';
import { integrityEnvSchema, IntegrityModule, OrphanAuditor, ORPHANS_GAUGE } from '../src';
import { injectOrphans } from './orphan-injection';

/** The runtime every service has plus the integrity module: the same audit each service runs. */
@Module({})
class AuditUnderTest {
  static forService(service: IntegrityService): DynamicModule {
    const env = loadEnv(
      { ...serviceEnvSchema, ...integrityEnvSchema },
      serviceTestEnv(service, `${service}-service`, {
        INTEGRITY_AUDIT_INTERVAL_MS: '0',
      }),
    );
    return {
      module: AuditUnderTest,
      imports: [PlatformModule.forService({ env, migrations: [] }), IntegrityModule.forService(service)],
    };
  }
}

async function gaugeValues(app: INestApplication): Promise<Record<string, number>> {
  const gauge = app.get<Registry>(METRICS_REGISTRY).getSingleMetric(ORPHANS_GAUGE);
  if (!gauge) throw new Error(`${ORPHANS_GAUGE} is not registered`);
  const metric = await gauge.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.check), v.value]));
}

/** Every `integrity.orphans.detected` of one workspace on the topic (read from the beginning). */
async function orphanEvents(workspaceId: string, count: number): Promise<EventEnvelope<OrphansDetectedPayloadV1>[]> {
  const kafka = testKafka('integrity-audit-tests');
  const consumer = kafka.consumer({ groupId: `integrity-audit-tests-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const seen: EventEnvelope<OrphansDetectedPayloadV1>[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: Topics.integrityEvents, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(String(message.value)) as EventEnvelope<OrphansDetectedPayloadV1>;
        if (event.workspaceId === workspaceId && event.eventType === IntegrityOrphansDetectedV1.eventType)
          seen.push(event);
      },
    });
    await waitFor(() => seen.length >= count, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `${count} orphan event(s) of ${workspaceId}`,
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe.each(['workflow', 'submission', 'punchlist', 'config'] as const)(
  'the orphan audit of %s-service',
  (service) => {
    let app: INestApplication;
    let auditor: OrphanAuditor;
    let db: Client;

    beforeAll(async () => {
      app = await bootAppForTest(AuditUnderTest.forService(service), configureHttp);
      auditor = app.get(OrphanAuditor);
      db = await superuserClient(String(process.env[`${service.toUpperCase()}_DATABASE_URL`]));
    }, 120_000);

    afterAll(async () => {
      await db?.end();
      await app?.close();
    });

    it('finds orphans written straight into the database: exact counts per check, in the log, the gauge and the event', async () => {
      const ws = randomUUID();
      const before = await auditor.run({ trigger: 'SCHEDULE' });
      const expected = await injectOrphans(db, service, ws, uniqueSuffix());
      const everyCheck = Object.fromEntries(auditChecksOf(service).map((c) => [c.id, expected[c.id] ?? 0]));

      // The workspace's own audit (what the endpoint runs) counts exactly what was injected, per check.
      const own = await auditor.run({ workspaceId: ws, trigger: 'REQUEST', requestedBy: 'u-auditor' });
      expect(own.counts).toEqual(everyCheck);
      expect(own.totalOrphans).toBe(Object.values(expected).reduce((a, b) => a + b, 0));
      expect(own.healthStatus).toBe('DATA INTEGRITY ISSUES DETECTED');

      const [logged] = (
        await db.query(
          `SELECT service, workspace_id, trigger, requested_by, counts, total_orphans, health_status, details FROM data_integrity_audit_log WHERE id = $1`,
          [own.auditId],
        )
      ).rows;
      expect(logged).toMatchObject({
        service,
        workspace_id: ws,
        trigger: 'REQUEST',
        requested_by: 'u-auditor',
        counts: everyCheck,
        total_orphans: own.totalOrphans,
        health_status: 'DATA INTEGRITY ISSUES DETECTED',
      });
      expect(Object.keys(logged.details.byWorkspace)).toEqual([ws]);

      // The run over every workspace moves each gauge by exactly the injected orphans.
      const after = await auditor.run({ trigger: 'SCHEDULE' });
      const gauges = await gaugeValues(app);
      const moved = Object.fromEntries(
        auditChecksOf(service).map((c) => [c.id, gauges[c.id] - (before.counts[c.id] ?? 0)]),
      );
      expect(moved).toEqual(everyCheck);
      expect(after.counts).toEqual(
        Object.fromEntries(auditChecksOf(service).map((c) => [c.id, before.counts[c.id] + everyCheck[c.id]])),
      );

      // Both runs that saw the workspace published its findings through the outbox.
      const events = await orphanEvents(ws, 2);
      for (const event of events) {
        expect(event.aggregateId).toBe(`${service}.${ws}`);
        expect(event.payload.counts).toEqual(everyCheck);
        expect(event.payload.findings.map((f) => [f.checkId, f.count]).sort()).toEqual(
          Object.entries(expected)
            .filter(([, n]) => n > 0)
            .sort(),
        );
      }
      expect(events.map((e) => e.payload.auditId).sort()).toEqual([own.auditId, after.auditId].sort());

      // The latest run read back for the workspace is the one over every workspace, narrowed to it.
      const latest = await auditor.latest(ws);
      expect(latest).toMatchObject({ auditId: after.auditId, workspaceId: null, counts: everyCheck });
    }, 120_000);

    it('reports a healthy workspace as HEALTHY and publishes nothing for it', async () => {
      const ws = randomUUID();
      const run = await auditor.run({ workspaceId: ws, trigger: 'REQUEST' });
      expect(run.totalOrphans).toBe(0);
      expect(run.healthStatus).toBe('HEALTHY');
      const [{ n }] = (
        await db.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope->>'workspaceId' = $1`, [ws])
      ).rows;
      expect(n).toBe(0);
    });
  },
);

/**
 * Orphan-audit benchmark (issue 13): one audit check over 1,000,000 rows (target ≤ 5 s) next to a plain
 * count(*) of the same table in the same run, and the detection latency of an injected orphan with the
 * schedule running (target ≤ one audit interval: the schedule leaves room for two runs in each interval). A scratch
 * database gets workflow-service's real migrations; the check is domain §7.1 #1 (workflow_instances.config_version_id →
 * config_snapshot_replica), run by the real OrphanAuditor. The database is dropped at the end.
 *   set -a; . .local/stack.env; set +a; npm run bench:integrity      # BENCH_ROWS=1000000 BENCH_INTERVAL_MS=2000
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { auditChecksOf, ContractValidator, eventCatalog } from '@atp/contracts';
import { createServiceDataSource, installTenantScope, onCrossWorkspaceScope } from '@atp/platform-database';
import { OutboxWriter } from '@atp/platform-messaging';
import { IntegrityMetrics, OrphanAuditor, orphanCountSql } from '@atp/platform-integrity';
import { AuditScheduler } from '../../libs/platform/integrity/src/audit-scheduler';
import { migrations } from '../../apps/workflow-service/src/database/migrations';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const VERSIONS = 1000;
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 2000);
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(work: () => Promise<T>, runs = 3): Promise<{ ms: number; result: T }> {
  const samples: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    result = await work();
    samples.push(ms(t0));
  }
  return { ms: median(samples), result };
}

async function main(): Promise<void> {
  onCrossWorkspaceScope(() => undefined); // every scheduled run would print the RLS-bypass notice
  const adminUrl = process.env.ATP_PG_ADMIN_URL;
  if (!adminUrl) throw new Error('ATP_PG_ADMIN_URL is not set: `set -a; . .local/stack.env; set +a` first');
  const name = `bench_integrity_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ds = installTenantScope(
    createServiceDataSource({ url: url.toString(), applicationName: 'integrity-bench', migrations, poolSize: 4 }),
  );
  try {
    await ds.initialize();
    await ds.runMigrations();
    const ws = randomUUID();
    const t0 = process.hrtime.bigint();
    await ds.query(
      `INSERT INTO config_snapshot_replica (config_version_id, workspace_id, source_type, version_number, snapshot)
       SELECT 'cv-' || g, $1, 'APPROVAL_MATRIX', g, '{}' FROM generate_series(1, ${VERSIONS}) g`,
      [ws],
    );
    await ds.query(
      `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id,
         scope_id, atp_category, total_stages, submitted_by, routing_snapshot)
       SELECT 'wf-' || g, $1, 'sub-' || g, 1, 'cv-' || (1 + g % ${VERSIONS}), 'pol', 'site', 'scope', 'RAN_MW', 3, 'u', '{}'
         FROM generate_series(1, ${ROWS}) g`,
      [ws],
    );
    await ds.query(`ANALYZE`);
    console.log(
      `setup: ${ROWS.toLocaleString('en')} workflow instances over ${VERSIONS} replicated versions in ${(ms(t0) / 1000).toFixed(1)} s`,
    );

    const check = auditChecksOf('workflow').find((c) => c.domainCheck === 1)!;
    const reference = await timed(() => ds.query(`SELECT count(*)::int AS n FROM workflow_instances`));
    const antiJoin = await timed(() => ds.query(orphanCountSql(check, 'h.id::text', 10), [null]));
    const plan = (await ds.query(`EXPLAIN ${orphanCountSql(check, 'h.id::text', 10)}`, [null])) as Array<{
      'QUERY PLAN': string;
    }>;
    console.log(`reference  count(*) of workflow_instances: ${reference.ms.toFixed(0)} ms (median of 3)`);
    console.log(
      `check #1   ${check.id} over ${ROWS.toLocaleString('en')} rows: ${antiJoin.ms.toFixed(0)} ms (median of 3), ` +
        `${(antiJoin.ms / reference.ms).toFixed(2)}x the count(*), orphans ${JSON.stringify(antiJoin.result.map((r: { count: number }) => r.count))}; target <= 5000 ms`,
    );
    console.log(
      `plan       ${plan
        .map((p) => p['QUERY PLAN'].trim())
        .filter((l) => /Join|Scan/.test(l))
        .join(' | ')}`,
    );

    // Detection latency: the schedule runs the check every INTERVAL_MS; an orphan is written at a random moment.
    const auditor = new OrphanAuditor(
      'workflow',
      ds,
      new OutboxWriter(new ContractValidator(eventCatalog)),
      new IntegrityMetrics(new Registry()),
      [check],
    );
    const scheduler = new AuditScheduler(
      auditor,
      { INTEGRITY_AUDIT_INTERVAL_MS: INTERVAL_MS },
      pino({ level: 'silent' }),
    );
    scheduler.onApplicationBootstrap();
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * INTERVAL_MS));
      const injectedAt = Date.now();
      await ds.query(
        `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id,
           scope_id, atp_category, total_stages, submitted_by, routing_snapshot)
         VALUES ($1, $2, $1, 1, 'cv-gone', 'pol', 'site', 'scope', 'RAN_MW', 3, 'u', '{}')`,
        [`wf-orphan-${i}`, ws],
      );
      for (;;) {
        const [row] = (await ds.query(
          `SELECT checked_at FROM data_integrity_audit_log WHERE (counts->>$1)::int >= $2 AND checked_at >= $3 ORDER BY id LIMIT 1`,
          [check.id, i + 1, new Date(injectedAt)],
        )) as Array<{ checked_at: Date }>;
        if (row) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      latencies.push(Date.now() - injectedAt);
    }
    await scheduler.onApplicationShutdown();
    console.log(
      `detection  injected orphan → audit log row: ${latencies.map((l) => `${l} ms`).join(', ')} ` +
        `(interval ${INTERVAL_MS} ms; target <= one interval; a fixed-rate schedule gave up to interval + one audit ≈ ` +
        `${(INTERVAL_MS + antiJoin.ms).toFixed(0)} ms)`,
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

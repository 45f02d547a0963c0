import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { runInWorkspace } from '@atp/platform-database';
import { createHttpAdapter } from '@atp/platform-http';
import { configureHttp } from '@atp/platform-runtime';
import { bearer, testIssuerEnv } from '@atp/testing';
import { AppModule } from '../../apps/config-service/src/app.module';
import { loadAppEnv } from '../../apps/config-service/src/config/env';
import { ConfigImportService } from '../../apps/config-service/src/config-versions/config-import.service';
import { ConfigVersionsService } from '../../apps/config-service/src/config-versions/config-versions.service';
import { MembershipsService } from '../../apps/config-service/src/directory/memberships.service';
import { SitesService } from '../../apps/config-service/src/directory/sites.service';
import { UsersService } from '../../apps/config-service/src/directory/users.service';
import { WorkspacesService } from '../../apps/config-service/src/directory/workspaces.service';
import { RoutingService } from '../../apps/config-service/src/routing/routing.service';
import { csvOf } from '../../apps/config-service/src/seed/csv-writer';

/**
 * config-service benchmark: import + validate + activate of a 10,000-row APPROVAL_MATRIX (target ≤ 3 s),
 * dry-run p99 in-process (target ≤ 2 ms) and over HTTP (target ≤ 10 ms).
 * Run: set -a; . .local/stack.env; set +a; DATABASE_URL=$CONFIG_DATABASE_URL node -r ./scripts/register.cjs
 * scripts/bench/config-bench.ts
 */
const VENDORS = ['ZTE', 'HTI', 'AVIAT', 'ALITA', 'LTE', 'HUAWEI', 'NOKIA', 'ERICSSON'];
const CATEGORIES = ['RAN_MW', 'PLN_UPGRADE', 'DISMANTLE_DROP', 'DISMANTLE_KEEP', 'SOFTWARE_LICENSE'];
const ROLES = ['FOP_RTS', 'REGION_TEAM', 'RTH', 'ROH', 'PMO', 'BO', 'SME', 'HEAD_NOC'];

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function main(): Promise<void> {
  const env = loadAppEnv({
    ...process.env,
    ...testIssuerEnv(),
    SERVICE_NAME: 'config-service-bench',
    PORT: '0',
    LOG_LEVEL: 'error',
  });
  const app: INestApplication = await NestFactory.create(AppModule.forRoot(env), createHttpAdapter(), {
    logger: ['error'],
    bodyParser: false, // configureHttp installs the one parser, as in main.ts
  });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  try {
    const salt = randomBytes(4).toString('hex');
    const actor = `u-bench-${salt}`;
    await app.get(UsersService).create({ id: actor, email: `${actor}@bench.example`, fullName: 'Bench' }, null);
    await app
      .get(UsersService)
      .create({ id: `${actor}-b`, email: `${actor}-b@bench.example`, fullName: 'Bench backup' }, null);
    const ws = await app
      .get(WorkspacesService)
      .create({ code: `BENCH-${salt.toUpperCase()}`, name: 'Bench', customerGroupId: 'b', vendorOwnerId: 'b' }, actor);
    const workspaceId = ws.workspaceId;
    // Row-level security: what follows runs in the workspace's scope, as a request to /workspaces/{ws} does.
    await runInWorkspace(workspaceId, async () => {
      await app.get(MembershipsService).add(workspaceId, { userId: actor, role: 'APPROVER' }, actor);
      await app
        .get(SitesService)
        .upsert(
          workspaceId,
          { siteCode: 'S-1', siteName: 'Site 1', region: 'R', city: null, clusterCode: 'C-1', isActive: true },
          actor,
        );
      const importer = app.get(ConfigImportService);
      const lifecycle = app.get(ConfigVersionsService);
      const importActivate = async (
        sourceType: 'SCOPE_CONFIG' | 'APPROVAL_MATRIX' | 'CLUSTER_MAPPING',
        buffer: Buffer,
      ) => {
        const { version, report } = await importer.import(
          workspaceId,
          sourceType,
          { fileName: `${sourceType}.csv`, buffer },
          actor,
          null,
        );
        await lifecycle.activate(workspaceId, version.id, actor);
        return report;
      };
      await importActivate(
        'SCOPE_CONFIG',
        csvOf({
          scopes: Array.from({ length: 50 }, (_, i) => ({
            scope_code: `SCOPE_${i}`,
            scope_name: `Scope ${i}`,
            scope_group: 'MICROWAVE',
          })),
          vendors: VENDORS.map((v) => ({ vendor_code: v, vendor_name: v, vendor_type: 'OEM' })),
        }),
      );

      const policies = Array.from({ length: 2000 }, (_, i) => ({
        policy_key: `P${i}`,
        scope_code: `SCOPE_${Math.floor(i / 40)}`,
        vendor_code: VENDORS[Math.floor(i / 5) % 8],
        atp_category: CATEGORIES[i % 5],
      }));
      const stages = policies
        .flatMap((p) =>
          [0, 1, 2, 3].map((s) => ({
            policy_key: p.policy_key,
            stage_number: s + 1,
            stage_name: `S${s + 1}`,
            role_code: ROLES[s],
            sequence_order: s + 1,
            sla_hours: 48,
          })),
        )
        .slice(0, 7992);
      const matrix = csvOf({
        roles: ROLES.map((r, i) => ({ role_code: r, role_name: r, hierarchy_order: i + 1 })),
        policies,
        stages,
      });
      const started = performance.now();
      const report = await importActivate('APPROVAL_MATRIX', matrix);
      const importMs = performance.now() - started;
      console.log(
        `import + validate + activate of ${report.rowCount} matrix rows (${(matrix.length / 1024).toFixed(0)} KiB CSV): ${fmt(importMs)} (target ≤ 3000 ms)`,
      );

      await importActivate(
        'CLUSTER_MAPPING',
        csvOf({
          clusters: [{ cluster_code: 'C-1', scope_code: 'SCOPE_0', region_name: 'R' }],
          cluster_approvers: ROLES.map((r) => ({
            cluster_code: 'C-1',
            role_code: r,
            primary_user: actor,
            backup_user: `${actor}-b`,
          })),
        }),
      );

      const routing = app.get(RoutingService);
      const request = { scopeCode: 'SCOPE_0', vendorCode: 'ZTE', atpCategory: 'RAN_MW' as const, siteCode: 'S-1' };
      const check = await routing.dryRun(workspaceId, request);
      if (!check.ok) throw new Error(`dry run did not resolve: ${JSON.stringify(check)}`);
      const compiled = await routing.routingFor(workspaceId);
      const asOf = new Date().toISOString().slice(0, 10);
      const resolverSamples: number[] = [];
      for (let i = 0; i < 20000; i++) {
        const t = performance.now();
        compiled.resolveRoute(
          {
            workspaceId,
            scopeCode: 'SCOPE_0',
            vendorCode: 'ZTE',
            atpCategory: 'RAN_MW',
            asOf,
            site: { clusterCode: 'C-1' },
          },
          { directory: { isActiveMember: () => true, openStageCount: () => 0 } },
        );
        if (i >= 1000) resolverSamples.push(performance.now() - t);
      }
      console.log(
        `dry-run resolver in-process (compiled, 19,000 calls): p50 ${fmt(percentile(resolverSamples, 50))}, p99 ${fmt(percentile(resolverSamples, 99))} (target ≤ 2 ms)`,
      );
      const serviceSamples: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const t = performance.now();
        await routing.dryRun(workspaceId, request);
        if (i >= 100) serviceSamples.push(performance.now() - t);
      }
      console.log(
        `dry-run service in-process (incl. site + member queries, 1,900 calls): p50 ${fmt(percentile(serviceSamples, 50))}, p99 ${fmt(percentile(serviceSamples, 99))}`,
      );
      const url = `${await app.getUrl()}/api/v1/workspaces/${workspaceId}/routing/dry-run`.replace(
        '[::1]',
        '127.0.0.1',
      );
      const httpSamples: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const t = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(actor) },
          body: JSON.stringify(request),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        if (i >= 100) httpSamples.push(performance.now() - t);
      }
      console.log(
        `dry-run over HTTP (1,900 sequential requests): p50 ${fmt(percentile(httpSamples, 50))}, p99 ${fmt(percentile(httpSamples, 99))} (target ≤ 10 ms)`,
      );
    });
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

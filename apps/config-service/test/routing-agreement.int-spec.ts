import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { Client } from 'pg';
import {
  ATP_CATEGORIES,
  CATEGORY_CHAINS,
  resolveRoute,
  routeRequestOfSubmission,
  type ConfigSnapshot,
  type RoutingSnapshots,
} from '@atp/approval-routing';
import { bearer, PLATFORM_ADMIN, uniqueSuffix } from '@atp/testing';
import { demoConfigFiles } from '../src/seed/demo-config-files';
import { APPROVAL_ROLES, approverId, REGIONS, SCOPES, SITES, STAFF } from '../src/seed/demo-workspace.data';
import { sql, startApp } from './support';

interface Resolved {
  ok: boolean;
  matchedRule?: string;
  policy?: { source: string; policyId?: string; templateCode?: string; atpCategory: string };
  stages?: Array<{
    roleCode: string;
    stageName: string;
    slaHours: number;
    approverUserId: string | null;
    assignment: { source: string; reason: string | null };
  }>;
}

const summary = (route: Resolved) => ({
  ok: route.ok,
  matchedRule: route.matchedRule,
  policy: route.policy,
  stages: route.stages?.map((s) => [
    s.roleCode,
    s.stageName,
    s.slaHours,
    s.approverUserId,
    s.assignment.source,
    s.assignment.reason,
  ]),
});

/**
 * The seeded workspace of `npm start` (same files, imported through this service): for every site × scope ×
 * category × {no vendor, AVIAT} the dry run over HTTP and the start's resolution (the routing library on the
 * snapshots this service publishes to workflow-service, with the request built as the start builds it from a
 * `submission.qa-approved` payload) must agree on policy, rule, chain and approvers, and every chain must be the
 * requested category's (domain §5.3).
 */
describe('config-service: dry run and start agree over the seeded configuration', () => {
  jest.setTimeout(180_000);
  let app: INestApplication;
  let db: Client;
  let workspaceId: string;
  const admin = 'u-admin';
  const submitter = 'u-doc-control';
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApp();
    db = await sql();
    const approvers = REGIONS.flatMap((region) =>
      APPROVAL_ROLES.flatMap(([role]) => [false, true].map((b) => approverId(role, region.code, b))),
    );
    const users = [...STAFF.map(([id]) => id as string), ...approvers];
    for (const id of users) {
      const created = await http()
        .post('/api/v1/users')
        .set(bearer('bootstrap', PLATFORM_ADMIN))
        .send({ id, email: `${id}@seed.example`, fullName: id });
      expect([201, 409]).toContain(created.status);
    }
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(admin, PLATFORM_ADMIN))
      .send({
        code: `SEED-${uniqueSuffix().toUpperCase()}`,
        name: 'Seeded',
        customerGroupId: 'XLSMART',
        vendorOwnerId: 'AVIAT',
      })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    const roles = new Map<string, string>([
      ...STAFF.map(([id, , , , role]) => [id, role] as [string, string]),
      ...approvers.map((id) => [id, 'APPROVER'] as [string, string]),
    ]);
    for (const [userId, role] of roles) {
      // The workspace's creator is its first WORKSPACE_ADMIN already (409 MEMBERSHIP_EXISTS for that one).
      if (userId === admin && role === 'WORKSPACE_ADMIN') continue;
      await http()
        .post(`/api/v1/workspaces/${workspaceId}/members`)
        .set(bearer(admin))
        .send({ userId, role })
        .expect(201);
    }
    for (const [siteCode, siteName, region, city, clusterCode] of SITES) {
      await http()
        .put(`/api/v1/workspaces/${workspaceId}/sites`)
        .set(bearer(admin))
        .send({ siteCode, siteName, region, city, clusterCode })
        .expect(200);
    }
    const files = demoConfigFiles();
    for (const sourceType of ['SCOPE_CONFIG', 'APPROVAL_MATRIX', 'CLUSTER_MAPPING'] as const) {
      const imported = await http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
        .set(bearer(admin))
        .field('sourceType', sourceType)
        .attach('file', files[sourceType], `demo-${sourceType.toLowerCase()}.csv`)
        .expect(201);
      await http()
        .post(`/api/v1/workspaces/${workspaceId}/config-versions/${imported.body.version.id}/activate`)
        .set(bearer(admin))
        .expect(200);
    }
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await app?.close();
  });

  it("agree on chain, policy and approvers for all 360 combinations, and every chain is the requested category's", async () => {
    // What workflow-service receives: the snapshot events of the ACTIVE versions, and the active members.
    const { rows } = await db.query(
      `SELECT o.envelope->'payload'->'snapshot' AS snapshot FROM outbox o JOIN config_versions v ON v.id = o.aggregate_id
       WHERE v.workspace_id = $1 AND v.status = 'ACTIVE' AND o.event_type = 'config.version.snapshot'`,
      [workspaceId],
    );
    const byType = Object.fromEntries(
      (rows as Array<{ snapshot: ConfigSnapshot }>).map((r) => [r.snapshot.sourceType, r.snapshot]),
    );
    const snapshots = {
      approvalMatrix: byType.APPROVAL_MATRIX,
      clusterMapping: byType.CLUSTER_MAPPING,
      scopeConfig: byType.SCOPE_CONFIG,
    } as RoutingSnapshots;
    expect(Object.values(snapshots).every(Boolean)).toBe(true);
    const members = new Set(
      (
        await db.query(`SELECT user_id FROM workspace_members WHERE workspace_id = $1 AND status = 'ACTIVE'`, [
          workspaceId,
        ])
      ).rows.map((r: { user_id: string }) => r.user_id),
    );
    const asOf = new Date().toISOString().slice(0, 10);

    const rules = new Map<string, number>();
    let combinations = 0;
    for (const [siteCode, , region, , clusterCode] of SITES) {
      for (const { scope_code: scopeCode } of SCOPES) {
        for (const atpCategory of ATP_CATEGORIES) {
          for (const vendorCode of [null, 'AVIAT']) {
            combinations++;
            const dryRun = await http()
              .post(`/api/v1/workspaces/${workspaceId}/routing/dry-run`)
              .set(bearer(admin))
              .send({ siteCode, scopeCode, atpCategory, submittedBy: submitter, ...(vendorCode ? { vendorCode } : {}) })
              .expect(200);
            const request_ = routeRequestOfSubmission(
              {
                workspaceId,
                submissionId: `sub-${combinations}`,
                submittedBy: submitter,
                scopeCode,
                vendorCode,
                siteCode,
                clusterCode,
                regionCode: region,
              },
              atpCategory,
              asOf,
            );
            const start = resolveRoute({
              snapshots,
              request: request_,
              directory: { isActiveMember: (u) => members.has(u), openStageCount: () => 0 },
              overrides: [],
            }) as unknown as Resolved;
            const label = `${siteCode} ${scopeCode} ${atpCategory} ${vendorCode ?? '-'}`;
            expect([label, summary(dryRun.body as Resolved)]).toEqual([label, summary(start)]);
            expect([label, start.ok]).toEqual([label, true]);
            expect([label, start.policy?.atpCategory]).toEqual([label, atpCategory]);
            expect([label, start.stages?.map((s) => s.roleCode)]).toEqual([
              label,
              CATEGORY_CHAINS[atpCategory].map((s) => s.roleCode),
            ]);
            expect([label, start.stages?.every((s) => s.approverUserId !== null)]).toEqual([label, true]);
            rules.set(start.matchedRule ?? '', (rules.get(start.matchedRule ?? '') ?? 0) + 1);
          }
        }
      }
    }
    expect(combinations).toBe(360);
    process.stdout.write(`routing agreement: ${JSON.stringify(Object.fromEntries(rules))}\n`);
    // No cross-category fallback: only the category's own policies or its built-in chain.
    expect([...rules.keys()].filter((rule) => rule === 'FALLBACK_PRIORITY' || rule === 'ATP_COMBINED')).toEqual([]);
    expect(rules.get('CATEGORY_TEMPLATE')).toBeGreaterThan(0);
  });
});

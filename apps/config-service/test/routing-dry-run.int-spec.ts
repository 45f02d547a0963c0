import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { uniqueSuffix, bearer, PLATFORM_ADMIN } from '@atp/testing';
import { approvalMatrixRows, csv, scopeConfigFile, startApp } from './support';

/**
 * The dry-run endpoint over HTTP, and its cached routing context: writes through this service (site, membership,
 * activation) are visible to the very next dry run.
 */
describe('config-service: routing dry run', () => {
  let app: INestApplication;
  let workspaceId: string;
  const salt = uniqueSuffix();
  const admin = `u-dry-admin-${salt}`;
  const primary = `u-dry-primary-${salt}`;
  const backup = `u-dry-backup-${salt}`;
  const memberships: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const dryRun = (body: Record<string, unknown>) =>
    http().post(`/api/v1/workspaces/${workspaceId}/routing/dry-run`).set(bearer(admin)).send(body);
  const importActivate = async (sourceType: string, file: Buffer) => {
    const imported = await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/import`)
      .set(bearer(admin))
      .field('sourceType', sourceType)
      .attach('file', file, 'f.csv')
      .expect(201);
    await http()
      .post(`/api/v1/workspaces/${workspaceId}/config-versions/${imported.body.version.id}/activate`)
      .set(bearer(admin))
      .expect(200);
    return imported.body.version.id as string;
  };
  const clusterMapping = (clusterCode: string) =>
    csv({
      clusters: [{ cluster_code: clusterCode, scope_code: 'SCOPE_0', region_name: 'JABODETABEK' }],
      cluster_approvers: ['FOP_RTS', 'REGION_TEAM'].map((role) => ({
        cluster_code: clusterCode,
        role_code: role,
        primary_user: primary,
        backup_user: backup,
      })),
    });

  beforeAll(async () => {
    app = await startApp();
    for (const id of [admin, primary, backup]) {
      await http()
        .post('/api/v1/users')
        .set(bearer('bootstrap', PLATFORM_ADMIN))
        .send({ id, email: `${id}@example.test`, fullName: id })
        .expect(201);
    }
    const ws = await http()
      .post('/api/v1/workspaces')
      .set(bearer(admin, PLATFORM_ADMIN))
      .send({ code: `DRY-${salt.toUpperCase()}`, name: 'Dry run', customerGroupId: 'cg', vendorOwnerId: 'vo' })
      .expect(201);
    workspaceId = ws.body.workspaceId;
    for (const id of [primary, backup]) {
      memberships[id] = (
        await http()
          .post(`/api/v1/workspaces/${workspaceId}/members`)
          .set(bearer(admin))
          .send({ userId: id, role: 'APPROVER' })
          .expect(201)
      ).body.membershipId;
    }
    await importActivate('SCOPE_CONFIG', scopeConfigFile(1, salt));
    await importActivate('APPROVAL_MATRIX', csv(approvalMatrixRows(5, 2, salt)));
    await importActivate('CLUSTER_MAPPING', clusterMapping('C-1'));
    await http()
      .put(`/api/v1/workspaces/${workspaceId}/sites`)
      .set(bearer(admin))
      .send({ siteCode: 'S-1', siteName: 'Site 1', clusterCode: 'C-1' })
      .expect(200);
  }, 60000);

  afterAll(async () => {
    await app?.close();
  });

  it("resolves the policy and the approver of each stage, and sees this service's writes at once", async () => {
    const body = { scopeCode: 'SCOPE_0', vendorCode: 'ZTE', atpCategory: 'RAN_MW', siteCode: 'S-1' };
    const first = await dryRun(body).expect(200);
    expect(first.body).toMatchObject({ ok: true, totalStages: 2 });
    expect(
      first.body.stages.map((s: { approverUserId: string; assignment: { source: string } }) => [
        s.approverUserId,
        s.assignment.source,
      ]),
    ).toEqual([
      [primary, 'PRIMARY'],
      [primary, 'PRIMARY'],
    ]);

    // The primary leaves the workspace: the next dry run falls back to the backup (membership write invalidates).
    await http()
      .patch(`/api/v1/workspaces/${workspaceId}/members/${memberships[primary]}`)
      .set(bearer(admin))
      .send({ status: 'INACTIVE' })
      .expect(200);
    const second = await dryRun(body).expect(200);
    expect(
      second.body.stages.map((s: { approverUserId: string; assignment: { source: string } }) => [
        s.approverUserId,
        s.assignment.source,
      ]),
    ).toEqual([
      [backup, 'BACKUP'],
      [backup, 'BACKUP'],
    ]);

    // The site moves to a cluster the ACTIVE mapping lacks, then a new mapping is activated (site and activation
    // invalidate).
    await http()
      .put(`/api/v1/workspaces/${workspaceId}/sites`)
      .set(bearer(admin))
      .send({ siteCode: 'S-1', siteName: 'Site 1', clusterCode: 'C-2' })
      .expect(200);
    const third = await dryRun(body).expect(200);
    expect(third.body.stages[0].approverUserId).toBeNull();
    const mappingId = await importActivate('CLUSTER_MAPPING', clusterMapping('C-2'));
    const fourth = await dryRun(body).expect(200);
    expect(fourth.body.pinned.clusterMappingVersionId).toBe(mappingId);
    expect(fourth.body.stages[0].approverUserId).toBe(backup);
  });

  it('refuses an unknown site (422) and an unknown workspace (404)', async () => {
    const unknownSite = await dryRun({ scopeCode: 'SCOPE_0', atpCategory: 'RAN_MW', siteCode: 'NOPE' });
    expect(unknownSite.status).toBe(422);
    expect(unknownSite.body).toMatchObject({ code: 'UNKNOWN_REFERENCE', field: 'siteCode' });
    await http()
      .post('/api/v1/workspaces/00000000-0000-4000-8000-000000000000/routing/dry-run')
      .set(bearer(admin))
      .send({ scopeCode: 'SCOPE_0', atpCategory: 'RAN_MW' })
      .expect(404);
  });

  it('#6 normalises scope, vendor and site codes as the start does: case and spacing do not change the answer', async () => {
    const canonical = await dryRun({
      scopeCode: 'SCOPE_0',
      vendorCode: 'ZTE',
      atpCategory: 'RAN_MW',
      siteCode: 'S-1',
    }).expect(200);
    const sloppy = await dryRun({
      scopeCode: ' scope_0 ',
      vendorCode: 'zte',
      atpCategory: 'RAN_MW',
      siteCode: 's-1',
    }).expect(200);
    expect(sloppy.body.policy).toEqual(canonical.body.policy);
    expect(sloppy.body.matchedRule).toBe('EXACT_VENDOR');
    expect(sloppy.body.stages.map((s: { approverUserId: string }) => s.approverUserId)).toEqual(
      canonical.body.stages.map((s: { approverUserId: string }) => s.approverUserId),
    );
  });

  it('#18 refuses an impossible asOf (400), warns about an unknown vendor, and says NO_SITE when no site was given', async () => {
    const impossible = await dryRun({ scopeCode: 'SCOPE_0', atpCategory: 'RAN_MW', asOf: '2025-13-45' }).expect(400);
    expect(impossible.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(impossible.body)).toContain('asOf');
    await dryRun({ scopeCode: 'SCOPE_0', atpCategory: 'RAN_MW', asOf: '2026-02-30' }).expect(400);

    const unknownVendor = await dryRun({
      scopeCode: 'SCOPE_0',
      vendorCode: 'UNKNOWNV',
      atpCategory: 'RAN_MW',
      siteCode: 'S-1',
    }).expect(200);
    expect(unknownVendor.body.warnings).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_VENDOR', field: 'vendorCode' }),
    ]);
    const knownVendor = await dryRun({
      scopeCode: 'SCOPE_0',
      vendorCode: 'ZTE',
      atpCategory: 'RAN_MW',
      siteCode: 'S-1',
    }).expect(200);
    expect(knownVendor.body.warnings).toEqual([]);

    const noSite = await dryRun({ scopeCode: 'SCOPE_0', vendorCode: 'ZTE', atpCategory: 'RAN_MW' }).expect(200);
    expect(noSite.body.stages.map((s: { assignment: { reason: string } }) => s.assignment.reason)).toEqual([
      'NO_SITE',
      'NO_SITE',
    ]);
  });
});

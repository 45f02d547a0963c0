import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { SourceType } from '@atp/approval-routing';
import { runInWorkspace } from '@atp/platform-database';
import { DomainError } from '@atp/platform-http';
import { AppModule } from '../app.module';
import { loadAppEnv } from '../config/env';
import { ConfigImportService } from '../config-versions/config-import.service';
import { ConfigVersionsService } from '../config-versions/config-versions.service';
import { MembershipsService } from '../directory/memberships.service';
import { SitesService } from '../directory/sites.service';
import { UsersService } from '../directory/users.service';
import { WorkspacesService } from '../directory/workspaces.service';
import { demoConfigFiles } from './demo-config-files';
import { DataSource } from 'typeorm';
import {
  APPROVAL_ROLES,
  approverId,
  DEMO_WORKSPACE,
  PLATFORM_ADMIN_USER,
  REGIONS,
  SECOND_SITES,
  SECOND_STAFF,
  SECOND_WORKSPACE,
  SITES,
  STAFF,
} from './demo-workspace.data';

const SEED_ACTOR = 'u-admin';

/**
 * Loads the demo workspace through the service's own code (validation, triggers, outbox events). Idempotent:
 * existing users, members and sites are left alone, and a config file whose checksum is already imported is
 * only activated if it is still a DRAFT.
 */
async function main(): Promise<void> {
  const env = loadAppEnv({
    ...process.env,
    SERVICE_NAME: 'config-service-seed',
    PORT: process.env.PORT ?? '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(env), { logger: ['error', 'warn'] });
  const log = (line: string) => console.log(`[seed] ${line}`);
  try {
    const users = app.get(UsersService);
    const workspaces = app.get(WorkspacesService);
    const members = app.get(MembershipsService);
    const sites = app.get(SitesService);
    const importer = app.get(ConfigImportService);
    const lifecycle = app.get(ConfigVersionsService);
    let created = 0;

    const ensureUser = async (
      id: string,
      email: string,
      fullName: string,
      userType: 'INTERNAL' | 'CUSTOMER' | 'VENDOR',
    ) => {
      try {
        await users.get(id);
      } catch (error) {
        if (!(error instanceof DomainError && error.status === 404)) throw error;
        await users.create({ id, email, fullName: fullName, userType: userType }, SEED_ACTOR);
        created++;
      }
    };
    for (const [id, email, name, type] of [...STAFF, ...SECOND_STAFF, PLATFORM_ADMIN_USER])
      await ensureUser(id, email, name, type);
    const granted = (await app
      .get(DataSource)
      .query(
        `INSERT INTO platform_role_grants (user_id, role, granted_by) VALUES ($1, 'PLATFORM_ADMIN', 'seed') ON CONFLICT DO NOTHING RETURNING user_id`,
        [PLATFORM_ADMIN_USER[0]],
      )) as unknown[];
    created += granted.length;
    const approvers: string[] = [];
    for (const region of REGIONS) {
      for (const [role, roleName] of APPROVAL_ROLES) {
        for (const backup of [false, true]) {
          const id = approverId(role, region.code, backup);
          approvers.push(id);
          await ensureUser(
            id,
            `${id.slice(2)}@xlsmart.example`,
            `${roleName} ${region.name}${backup ? ' (backup)' : ''}`,
            'CUSTOMER',
          );
        }
      }
    }

    const workspace =
      (await workspaces.findByCode(DEMO_WORKSPACE.code)) ??
      (created++, await workspaces.create(DEMO_WORKSPACE, SEED_ACTOR));
    const workspaceId = workspace.workspaceId;
    // Row-level security: each workspace's members, sites and config are written in that workspace's scope.
    const membersOf = async (id: string) =>
      (await runInWorkspace(id, () => members.all(id))).map((m) => `${m.userId}|${m.role}`);
    const existing = new Set(await membersOf(workspaceId));
    const wanted: Array<[string, 'WORKSPACE_ADMIN' | 'DOC_CONTROL' | 'QA_ENGINEER' | 'APPROVER' | 'AUDITOR']> = [
      ...STAFF.map(([id, , , , role]) => [id, role] as [string, typeof role]),
      ...approvers.map((id) => [id, 'APPROVER'] as [string, 'APPROVER']),
    ];
    for (const [userId, role] of wanted) {
      if (existing.has(`${userId}|${role}`)) continue;
      await runInWorkspace(workspaceId, () => members.add(workspaceId, { userId: userId, role }, SEED_ACTOR));
      created++;
    }
    for (const [siteCode, siteName, region, city, clusterCode] of SITES) {
      const site = { siteCode, siteName, region, city, clusterCode, isActive: true };
      if (await runInWorkspace(workspaceId, () => sites.upsert(workspaceId, site, SEED_ACTOR))) created++;
    }

    const importAndActivate = (sourceType: SourceType, content: Buffer, into = workspaceId, actor = SEED_ACTOR) =>
      runInWorkspace(into, async () => {
        try {
          const file = { fileName: `demo-${sourceType.toLowerCase()}.csv`, buffer: content };
          const { version } = await importer.import(into, sourceType, file, actor, 'demo seed');
          await lifecycle.activate(into, version.id, actor);
          created++;
          log(`${sourceType} v${version.versionNumber} imported and activated`);
        } catch (error) {
          if (!(error instanceof DomainError && error.code === 'DUPLICATE_FILE')) throw error;
          const existingId = String(error.extensions.existingVersionId);
          const version = await lifecycle.get(into, existingId);
          if (version.status === 'DRAFT') {
            await lifecycle.activate(into, existingId, actor);
            created++;
          }
        }
      });
    // The files the routing sweep test imports too; the scope configuration first (the other two name its codes).
    const files = demoConfigFiles();
    for (const sourceType of ['SCOPE_CONFIG', 'APPROVAL_MATRIX', 'CLUSTER_MAPPING'] as const) {
      await importAndActivate(sourceType, files[sourceType]);
    }
    log(`workspace ${DEMO_WORKSPACE.code} (${workspaceId}) ready`);

    // The second workspace: created by its own admin, who becomes its first WORKSPACE_ADMIN.
    const secondAdmin = SECOND_STAFF[0][0];
    const second =
      (await workspaces.findByCode(SECOND_WORKSPACE.code)) ??
      (created++, await workspaces.create(SECOND_WORKSPACE, secondAdmin));
    const secondMembers = new Set(await membersOf(second.workspaceId));
    for (const [userId, , , , role] of SECOND_STAFF) {
      if (secondMembers.has(`${userId}|${role}`)) continue;
      await runInWorkspace(second.workspaceId, () => members.add(second.workspaceId, { userId, role }, secondAdmin));
      created++;
    }
    for (const [siteCode, siteName, region, city, clusterCode] of SECOND_SITES) {
      const site = { siteCode, siteName, region, city, clusterCode, isActive: true };
      if (await runInWorkspace(second.workspaceId, () => sites.upsert(second.workspaceId, site, secondAdmin)))
        created++;
    }
    await importAndActivate('SCOPE_CONFIG', files.SCOPE_CONFIG, second.workspaceId, secondAdmin);
    log(
      `workspace ${SECOND_WORKSPACE.code} (${second.workspaceId}) ready; ${created === 0 ? 'nothing changed' : `${created} change(s)`}`,
    );
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error('[seed] failed:', error);
  process.exit(1);
});

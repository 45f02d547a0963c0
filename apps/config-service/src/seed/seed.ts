import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { SourceType } from '@atp/approval-routing';
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
import { APPROVAL_ROLES, approverId, DEMO_WORKSPACE, REGIONS, SITES, STAFF } from './demo-workspace.data';

const SEED_ACTOR = 'u-admin';

/**
 * Loads the demo workspace through the service's own code (validation, triggers, outbox events). Idempotent:
 * existing users, members and sites are left alone, and a config file whose checksum is already imported is
 * only activated if it is still a DRAFT.
 */
async function main(): Promise<void> {
  const env = loadAppEnv({ ...process.env, SERVICE_NAME: 'config-service-seed', PORT: process.env.PORT ?? '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
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

    const ensureUser = async (id: string, email: string, fullName: string, userType: 'INTERNAL' | 'CUSTOMER' | 'VENDOR') => {
      try {
        await users.get(id);
      } catch (error) {
        if (!(error instanceof DomainError && error.status === 404)) throw error;
        await users.create({ id, email, fullName: fullName, userType: userType }, SEED_ACTOR);
        created++;
      }
    };
    for (const [id, email, name, type] of STAFF) await ensureUser(id, email, name, type);
    const approvers: string[] = [];
    for (const region of REGIONS) {
      for (const [role, roleName] of APPROVAL_ROLES) {
        for (const backup of [false, true]) {
          const id = approverId(role, region.code, backup);
          approvers.push(id);
          await ensureUser(id, `${id.slice(2)}@xlsmart.example`, `${roleName} ${region.name}${backup ? ' (backup)' : ''}`, 'CUSTOMER');
        }
      }
    }

    const workspace = (await workspaces.findByCode(DEMO_WORKSPACE.code)) ?? (created++, await workspaces.create(DEMO_WORKSPACE, SEED_ACTOR));
    const workspaceId = workspace.workspaceId;
    const existing = new Set((await members.list(workspaceId)).map((m) => `${m.userId}|${m.role}`));
    const wanted: Array<[string, 'WORKSPACE_ADMIN' | 'DOC_CONTROL' | 'QA_ENGINEER' | 'APPROVER' | 'AUDITOR']> = [
      ...STAFF.map(([id, , , , role]) => [id, role] as [string, typeof role]),
      ...approvers.map((id) => [id, 'APPROVER'] as [string, 'APPROVER']),
    ];
    for (const [userId, role] of wanted) {
      if (existing.has(`${userId}|${role}`)) continue;
      await members.add(workspaceId, { userId: userId, role }, SEED_ACTOR);
      created++;
    }
    for (const [siteCode, siteName, region, city, clusterCode] of SITES) {
      if (await sites.upsert(workspaceId, { siteCode, siteName, region, city, clusterCode, isActive: true }, SEED_ACTOR)) created++;
    }

    const importAndActivate = async (sourceType: SourceType, content: Buffer) => {
      try {
        const { version } = await importer.import(workspaceId, sourceType, { fileName: `demo-${sourceType.toLowerCase()}.csv`, buffer: content }, SEED_ACTOR, 'demo seed');
        await lifecycle.activate(workspaceId, version.id, SEED_ACTOR);
        created++;
        log(`${sourceType} v${version.versionNumber} imported and activated`);
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'DUPLICATE_FILE')) throw error;
        const existingId = String(error.extensions.existingVersionId);
        const version = await lifecycle.get(workspaceId, existingId);
        if (version.status === 'DRAFT') {
          await lifecycle.activate(workspaceId, existingId, SEED_ACTOR);
          created++;
        }
      }
    };
    const files = demoConfigFiles();
    // Scopes first (the matrix refers to them), then the matrix (the mapping refers to its roles).
    for (const sourceType of ['SCOPE_CONFIG', 'APPROVAL_MATRIX', 'CLUSTER_MAPPING'] as const) await importAndActivate(sourceType, files[sourceType]);
    log(`workspace ${DEMO_WORKSPACE.code} (${workspaceId}) ready; ${created === 0 ? 'nothing changed' : `${created} change(s)`}`);
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error('[seed] failed:', error);
  process.exit(1);
});

import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import type { IntegrityService } from '@atp/contracts';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { DomainError } from '@atp/platform-http';
import { ApiProblems } from '@atp/platform-openapi';
import { INTEGRITY_SERVICE } from './integrity.tokens';
import { OrphanAuditor, type AuditRun } from './orphan-auditor';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AuditRunSchema } from './audit-run.schema';

/**
 * Contract "Integrity": the orphan audit of this service for one workspace, run on demand or the last one
 * read back; workspace admins and auditors. The gateway forwards `/integrity/{service}/…` here by name.
 */
@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/integrity/:service/audits')
export class IntegrityController {
  constructor(
    private readonly auditor: OrphanAuditor,
    @Inject(INTEGRITY_SERVICE) private readonly service: IntegrityService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: AuditRunSchema, description: 'the audit just run' })
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'AUDITOR')
  run(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('service') service: string,
    @CallerId() callerId: string,
  ): Promise<AuditRun> {
    this.ensureOwn(service);
    return this.auditor.run({ workspaceId, trigger: 'REQUEST', requestedBy: callerId });
  }

  @Get('latest')
  @ApiOkResponse({ type: AuditRunSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'AUDITOR')
  async latest(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('service') service: string,
  ): Promise<AuditRun> {
    this.ensureOwn(service);
    const run = await this.auditor.latest(workspaceId);
    if (!run)
      throw new DomainError(404, 'NO_AUDIT_YET', `no ${this.service} orphan audit has run for this workspace yet`);
    return run;
  }

  /** The gateway routes by the segment; a request that reaches the wrong service names nothing here. */
  private ensureOwn(service: string): void {
    if (service !== this.service)
      throw new DomainError(404, 'NOT_FOUND', `this is the ${this.service} service, not ${service}`);
  }
}

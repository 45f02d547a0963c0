import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CallerId } from '@atp/platform-http';
import { MemberDirectory } from '../replica/member-directory';
import { InboxQueryDto } from './dto/inbox-query.dto';
import { WorkflowQueries } from './workflow-queries.service';

@Controller('api/v1/workspaces/:workspaceId')
export class QueriesController {
  constructor(
    private readonly queries: WorkflowQueries,
    private readonly members: MemberDirectory,
    private readonly dataSource: DataSource,
  ) {}

  /** Stages waiting for the caller's decision. */
  @Get('inbox')
  async inbox(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @CallerId() actorId: string, @Query() query: InboxQueryDto) {
    await this.members.requireMember(this.dataSource.manager, workspaceId, actorId);
    return this.queries.inbox(workspaceId, actorId, { ...query, limit: query.limit ?? 50 });
  }

  @Get('workflows/:workflowId')
  async workflow(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Param('workflowId') workflowId: string, @CallerId() actorId: string) {
    await this.members.requireMember(this.dataSource.manager, workspaceId, actorId);
    return this.queries.workflow(workspaceId, workflowId);
  }

  @Get('sla/violations')
  async violations(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @CallerId() actorId: string) {
    await this.members.requireMember(this.dataSource.manager, workspaceId, actorId);
    return { items: await this.queries.slaViolations(workspaceId, 500) };
  }
}

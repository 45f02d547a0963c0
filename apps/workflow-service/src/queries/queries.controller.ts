import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { CallerId, RequireMember, RequireWorkspaceRole } from '@atp/platform-auth';
import { InboxQueryDto } from './dto/inbox-query.dto';
import { PageQueryDto } from '@atp/platform-http';
import { WorkflowListQueryDto } from './dto/page-query.dto';
import { WorkflowQueries } from './workflow-queries.service';
import { ApiPageResponse, ApiProblems } from '@atp/platform-openapi';
import { ApiOkResponse } from '@nestjs/swagger';
import { InboxItemSchema, SlaViolationSchema, WorkflowDetailSchema, WorkflowSummarySchema } from './dto/workflow.view';

/** Membership and roles are checked by the access guard before any of these runs. */
@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId')
export class QueriesController {
  constructor(private readonly queries: WorkflowQueries) {}

  /** Stages waiting for the caller's decision (any member: an empty inbox is an answer too). */
  @Get('inbox')
  @ApiPageResponse(InboxItemSchema)
  @RequireMember()
  inbox(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @Query() query: InboxQueryDto,
  ) {
    return this.queries.inbox(workspaceId, actorId, { ...query, limit: query.limit ?? 50 });
  }

  /**
   * The workspace's workflows, newest first, optionally of one submission (its attempts); same audience as one
   * workflow.
   */
  @Get('workflows')
  @ApiPageResponse(WorkflowSummarySchema)
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'QA_ENGINEER', 'APPROVER', 'AUDITOR')
  workflows(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Query() query: WorkflowListQueryDto) {
    return this.queries.workflows(workspaceId, { ...query, limit: query.limit ?? 50 });
  }

  /** Approvers, comments and the routing snapshot: not for vendor document control. */
  @Get('workflows/:workflowId')
  @ApiOkResponse({ type: WorkflowDetailSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'QA_ENGINEER', 'APPROVER', 'AUDITOR')
  workflow(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Param('workflowId') workflowId: string) {
    return this.queries.workflow(workspaceId, workflowId);
  }

  @Get('sla/violations')
  @ApiPageResponse(SlaViolationSchema)
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'QA_ENGINEER', 'AUDITOR')
  violations(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Query() query: PageQueryDto) {
    return this.queries.slaViolations(workspaceId, { cursor: query.cursor, limit: query.limit ?? 50 });
  }
}

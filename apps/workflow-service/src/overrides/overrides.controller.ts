import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey, type StoredResponse } from '@atp/platform-http';
import { CreateOverrideDto, DecideOverrideDto, ListOverridesQueryDto } from './dto/override.dto';
import { OverrideService } from './override.service';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { ApiPageResponse, ApiProblems } from '@atp/platform-openapi';
import { OverrideAnswerSchema, OverrideViewSchema } from './dto/override.view';

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/overrides')
export class OverridesController {
  constructor(private readonly overrides: OverrideService) {}

  /**
   * Request an override (an approver delegating, or an admin); it has no effect until a workspace admin approves it.
   */
  @Post()
  @ApiCreatedResponse({ type: OverrideAnswerSchema })
  @RequireWorkspaceRole('APPROVER', 'WORKSPACE_ADMIN')
  request(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: CreateOverrideDto,
  ): Promise<StoredResponse> {
    return this.overrides.request(workspaceId, actorId, idempotencyKey, body);
  }

  @Post(':overrideId/approve')
  @ApiOkResponse({ type: OverrideAnswerSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  approve(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('overrideId') overrideId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: DecideOverrideDto,
  ): Promise<StoredResponse> {
    return this.overrides.approve(workspaceId, overrideId, actorId, idempotencyKey, body);
  }

  @Post(':overrideId/reject')
  @ApiOkResponse({ type: OverrideAnswerSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  reject(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('overrideId') overrideId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: DecideOverrideDto,
  ): Promise<StoredResponse> {
    return this.overrides.reject(workspaceId, overrideId, actorId, idempotencyKey, body);
  }

  @Get()
  @ApiPageResponse(OverrideViewSchema)
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'APPROVER', 'AUDITOR')
  async list(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @Query() query: ListOverridesQueryDto,
  ) {
    return this.overrides.list(workspaceId, actorId, query);
  }

  @Get(':overrideId')
  @ApiOkResponse({ type: OverrideViewSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'APPROVER', 'AUDITOR')
  get(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('overrideId') overrideId: string,
    @CallerId() actorId: string,
  ) {
    return this.overrides.get(workspaceId, actorId, overrideId);
  }
}

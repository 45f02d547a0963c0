import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey } from '@atp/platform-http';
import { CreateOverrideDto, DecideOverrideDto, ListOverridesQueryDto } from './dto/override.dto';
import { OverrideService } from './override.service';

@Controller('api/v1/workspaces/:workspaceId/overrides')
export class OverridesController {
  constructor(private readonly overrides: OverrideService) {}

  /** Request an override (an approver delegating, or an admin); it has no effect until a workspace admin approves it. */
  @Post()
  @RequireWorkspaceRole('APPROVER', 'WORKSPACE_ADMIN')
  async request(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: CreateOverrideDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.overrides.request(workspaceId, actorId, idempotencyKey, body);
    response.status(result.status);
    return result.body;
  }

  @Post(':overrideId/approve')
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  async approve(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('overrideId') overrideId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: DecideOverrideDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.overrides.approve(workspaceId, overrideId, actorId, idempotencyKey, body);
    response.status(result.status);
    return result.body;
  }

  @Post(':overrideId/reject')
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  async reject(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('overrideId') overrideId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: DecideOverrideDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.overrides.reject(workspaceId, overrideId, actorId, idempotencyKey, body);
    response.status(result.status);
    return result.body;
  }

  @Get()
  @RequireWorkspaceRole('WORKSPACE_ADMIN', 'APPROVER', 'AUDITOR')
  async list(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @CallerId() actorId: string, @Query() query: ListOverridesQueryDto) {
    return this.overrides.list(workspaceId, actorId, query);
  }
}

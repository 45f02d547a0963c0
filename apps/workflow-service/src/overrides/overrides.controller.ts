import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CallerId, IdempotencyKey, type StoredResponse } from '@atp/platform-http';
import { CreateOverrideDto, DecideOverrideDto, ListOverridesQueryDto } from './dto/override.dto';
import { OverrideService } from './override.service';

@Controller('api/v1/workspaces/:workspaceId/overrides')
export class OverridesController {
  constructor(private readonly overrides: OverrideService) {}

  /** Request an override (any member); it has no effect until a workspace admin approves it. */
  @Post()
  request(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: CreateOverrideDto,
  ): Promise<StoredResponse> {
    return this.overrides.request(workspaceId, actorId, idempotencyKey, body);
  }

  @Post(':overrideId/approve')
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
  async list(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @CallerId() actorId: string, @Query() query: ListOverridesQueryDto) {
    return this.overrides.list(workspaceId, actorId, query);
  }
}

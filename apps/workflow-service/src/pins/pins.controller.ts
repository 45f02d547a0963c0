import { Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { ApiProblems } from '@atp/platform-openapi';
import { PinsReassertService } from './pins-reassert.service';
import { ApiOkResponse } from '@nestjs/swagger';
import { PinsReassertedSchema } from './pins.view';

/**
 * Part of the workspace's integrity tools (gateway: `/workspaces/{ws}/integrity/workflow/…`). Repeating it is
 * harmless: config-service records each running workflow's pins once.
 */
@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/integrity/workflow/pins')
export class PinsController {
  constructor(private readonly pins: PinsReassertService) {}

  @Post('reassert')
  @ApiOkResponse({ type: PinsReassertedSchema })
  @HttpCode(200)
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  reassert(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
  ): Promise<{ workspaceId: string; asserted: number }> {
    return this.pins.reassert(workspaceId, actorId);
  }
}

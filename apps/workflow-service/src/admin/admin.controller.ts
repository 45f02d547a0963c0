import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey } from '@atp/platform-http';
import { AdminActionsService } from './admin-actions.service';
import { AdminReasonDto, ReassignStageDto } from './dto/admin-action.dto';

/** WORKSPACE_ADMIN only (declared here; the service checks it again inside the action's transaction). */
@Controller('api/v1/workspaces/:workspaceId/workflows/:workflowId')
@RequireWorkspaceRole('WORKSPACE_ADMIN')
export class AdminController {
  constructor(private readonly admin: AdminActionsService) {}

  @Post('stages/:stageId/reassign')
  @HttpCode(200)
  async reassign(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @Param('stageId') stageId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: ReassignStageDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.admin.reassign({ workspaceId, workflowInstanceId, actorId, idempotencyKey, stageId }, body);
    response.status(result.status);
    return result.body;
  }

  @Post('hold')
  async hold(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AdminReasonDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.admin.hold({ workspaceId, workflowInstanceId, actorId, idempotencyKey }, body);
    response.status(result.status);
    return result.body;
  }

  @Post('resume')
  async resume(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AdminReasonDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.admin.resume({ workspaceId, workflowInstanceId, actorId, idempotencyKey }, body);
    response.status(result.status);
    return result.body;
  }

  @Post('cancel')
  async cancel(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AdminReasonDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.admin.cancel({ workspaceId, workflowInstanceId, actorId, idempotencyKey }, body);
    response.status(result.status);
    return result.body;
  }
}

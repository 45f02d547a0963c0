import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey, type StoredResponse } from '@atp/platform-http';
import { AdminActionsService } from './admin-actions.service';
import { AdminReasonDto, ReassignStageDto } from './dto/admin-action.dto';
import { ApiProblems } from '@atp/platform-openapi';
import { ApiOkResponse } from '@nestjs/swagger';
import {
  CancelResultSchema,
  HoldResultSchema,
  ReassignResultSchema,
  ResumeResultSchema,
} from './dto/admin-action.view';

/** WORKSPACE_ADMIN only (declared here; the service checks it again inside the action's transaction). */
@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/workflows/:workflowId')
@RequireWorkspaceRole('WORKSPACE_ADMIN')
export class AdminController {
  constructor(private readonly admin: AdminActionsService) {}

  @Post('stages/:stageId/reassign')
  @ApiOkResponse({ type: ReassignResultSchema })
  @HttpCode(200)
  reassign(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @Param('stageId') stageId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: ReassignStageDto,
  ): Promise<StoredResponse> {
    return this.admin.reassign({ workspaceId, workflowInstanceId, actorId, idempotencyKey, stageId }, body);
  }

  @Post('hold')
  @ApiOkResponse({ type: HoldResultSchema })
  hold(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AdminReasonDto,
  ): Promise<StoredResponse> {
    return this.admin.hold({ workspaceId, workflowInstanceId, actorId, idempotencyKey }, body);
  }

  @Post('resume')
  @ApiOkResponse({ type: ResumeResultSchema })
  resume(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AdminReasonDto,
  ): Promise<StoredResponse> {
    return this.admin.resume({ workspaceId, workflowInstanceId, actorId, idempotencyKey }, body);
  }

  @Post('cancel')
  @ApiOkResponse({ type: CancelResultSchema })
  cancel(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AdminReasonDto,
  ): Promise<StoredResponse> {
    return this.admin.cancel({ workspaceId, workflowInstanceId, actorId, idempotencyKey }, body);
  }
}

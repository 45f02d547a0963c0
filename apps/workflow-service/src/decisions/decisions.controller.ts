import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey } from '@atp/platform-http';
import { DecisionDto } from './dto/decision.dto';
import { StageDecisionService } from './stage-decision.service';

@Controller('api/v1/workspaces/:workspaceId/workflows/:workflowId/stages/:stageId/decisions')
export class DecisionsController {
  constructor(private readonly decisions: StageDecisionService) {}

  /**
   * Decide a PENDING stage. Declared for approvers; which stage an approver may decide (assigned, or an
   * approved override's target) is the stage authority's call. A replay with the same Idempotency-Key
   * answers the first result.
   */
  @Post()
  @RequireWorkspaceRole('APPROVER')
  async decide(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @Param('stageId') stageId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: DecisionDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.decisions.decide({ workspaceId, workflowInstanceId, stageId, actorId, idempotencyKey, body });
    response.status(result.status);
    return result.body;
  }
}

import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CallerId, IdempotencyKey } from '@atp/platform-http';
import { DecisionDto } from './dto/decision.dto';
import { StageDecisionService } from './stage-decision.service';

@Controller('api/v1/workspaces/:workspaceId/workflows/:workflowId/stages/:stageId/decisions')
export class DecisionsController {
  constructor(private readonly decisions: StageDecisionService) {}

  /** Decide a PENDING stage. A replay with the same Idempotency-Key answers the first result. */
  @Post()
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

import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CallerId, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey, JsonBodyLimit, type StoredResponse } from '@atp/platform-http';
import { DecisionDto } from './dto/decision.dto';
import { StageDecisionService } from './stage-decision.service';
import { ApiProblems } from '@atp/platform-openapi';
import { ApiOkResponse } from '@nestjs/swagger';
import { DecisionResultSchema } from './dto/decision.view';

/**
 * The largest valid decision (decision.dto.ts): 200 items × 2,000 characters plus a 4,000-character
 * comment, up to 4 UTF-8 bytes a character, is about 1.7 MB; over the 1 MB default.
 */
const MAX_DECISION_BODY_BYTES = 2 * 1024 * 1024;

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/workflows/:workflowId/stages/:stageId/decisions')
export class DecisionsController {
  constructor(private readonly decisions: StageDecisionService) {}

  /**
   * Decide a PENDING stage. Declared for approvers; which stage an approver may decide (assigned, or an
   * approved override's target) is the stage authority's call. A replay with the same Idempotency-Key
   * answers the first result.
   */
  @Post()
  @ApiOkResponse({ type: DecisionResultSchema })
  @RequireWorkspaceRole('APPROVER')
  @JsonBodyLimit(MAX_DECISION_BODY_BYTES)
  decide(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('workflowId') workflowInstanceId: string,
    @Param('stageId') stageId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: DecisionDto,
  ): Promise<StoredResponse> {
    return this.decisions.decide({ workspaceId, workflowInstanceId, stageId, actorId, idempotencyKey, body });
  }
}

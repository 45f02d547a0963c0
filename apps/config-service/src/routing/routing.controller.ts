import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { RequireMember } from '@atp/platform-auth';
import { DryRunDto } from './dry-run.dto';
import { RoutingService } from './routing.service';
import { ApiProblems } from '@atp/platform-openapi';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { DryRunFailureSchema, DryRunRouteSchema } from './dry-run.view';

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/routing')
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  /** Which policy, fallback rule, stages and approvers a submission would get now; writes nothing. */
  @Post('dry-run')
  @ApiExtraModels(DryRunRouteSchema, DryRunFailureSchema)
  @ApiOkResponse({
    description: 'the route a submission would get now (ok: true), or why there is none (ok: false)',
    schema: { oneOf: [{ $ref: getSchemaPath(DryRunRouteSchema) }, { $ref: getSchemaPath(DryRunFailureSchema) }] },
  })
  @RequireMember()
  @HttpCode(200)
  dryRun(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Body() dto: DryRunDto) {
    return this.routing.dryRun(workspaceId, dto);
  }
}

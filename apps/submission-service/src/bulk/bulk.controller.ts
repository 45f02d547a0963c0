import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallerId, RequireMember, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey } from '@atp/platform-http';
import { ApiProblems } from '@atp/platform-openapi';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse } from '@nestjs/swagger';
import { BulkRegistrationService } from './bulk-registration.service';
import { JobAcceptedSchema, JobViewSchema } from './bulk.view';

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId')
export class BulkController {
  constructor(private readonly bulk: BulkRegistrationService) {}

  /** multipart/form-data: `manifest` (CSV or XLSX) + `documents` (zip) → 202 `{jobId}`; the rows run as a job. */
  @Post('submissions/bulk')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['manifest', 'documents'],
      properties: {
        manifest: {
          type: 'string',
          format: 'binary',
          description: 'CSV or XLSX with columns site_code, scope_code, vendor_code, atp_category, file_name',
        },
        documents: { type: 'string', format: 'binary', description: 'a zip of the documents the manifest names' },
      },
    },
  })
  @ApiAcceptedResponse({ type: JobAcceptedSchema, description: 'the rows run as a job: poll GET /jobs/{jobId}' })
  @RequireWorkspaceRole('DOC_CONTROL')
  async register(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() key: string | null,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<unknown> {
    const result = await this.bulk.start(workspaceId, actorId, key, request.raw);
    response.status(result.status);
    return result.body;
  }

  @Get('jobs/:jobId')
  @ApiOkResponse({ type: JobViewSchema })
  @RequireMember()
  job(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Param('jobId') jobId: string) {
    return this.bulk.getJob(workspaceId, jobId);
  }
}

import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { CallerId, RequireMember, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey, type StoredResponse } from '@atp/platform-http';
import { categorizeFileName } from '../categorization/categorizer';
import {
  CategorizeDto,
  CategoryOverrideDto,
  CreateSubmissionDto,
  ListSubmissionsQueryDto,
  QaReviewDto,
} from './dto/submission.dto';
import { SubmissionQueries } from './submission-queries';
import { SubmissionViews } from './submission-view';
import { SubmissionService } from './submission.service';
import { ApiPageResponse, ApiProblems } from '@atp/platform-openapi';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { CategorizeResultSchema, SubmissionSummarySchema, SubmissionViewSchema } from './dto/submission.view';

function answer(response: FastifyReply, result: StoredResponse): unknown {
  response.status(result.status);
  return result.body;
}

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId')
export class SubmissionsController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly queries: SubmissionQueries,
    private readonly views: SubmissionViews,
    private readonly dataSource: DataSource,
  ) {}

  @Post('submissions')
  @ApiCreatedResponse({ type: SubmissionViewSchema, description: 'a DRAFT' })
  @RequireWorkspaceRole('DOC_CONTROL')
  async create(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() key: string | null,
    @Body() body: CreateSubmissionDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<unknown> {
    return answer(response, await this.submissions.create(workspaceId, actorId, key, body));
  }

  @Get('submissions')
  @ApiPageResponse(SubmissionSummarySchema)
  @RequireMember()
  list(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Query() query: ListSubmissionsQueryDto) {
    return this.queries.list(workspaceId, query);
  }

  @Get('submissions/:submissionId')
  @ApiOkResponse({ type: SubmissionViewSchema })
  @RequireMember()
  get(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Param('submissionId') submissionId: string) {
    return this.views.get(this.dataSource.manager, workspaceId, submissionId);
  }

  @Post('submissions/:submissionId/category')
  @ApiOkResponse({ type: SubmissionViewSchema })
  @RequireWorkspaceRole('DOC_CONTROL')
  async overrideCategory(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('submissionId') submissionId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() key: string | null,
    @Body() body: CategoryOverrideDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<unknown> {
    return answer(response, await this.submissions.overrideCategory(workspaceId, submissionId, actorId, key, body));
  }

  @Post('submissions/:submissionId/submit')
  @ApiOkResponse({ type: SubmissionViewSchema })
  @RequireWorkspaceRole('DOC_CONTROL')
  async submit(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('submissionId') submissionId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() key: string | null,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<unknown> {
    return answer(response, await this.submissions.submit(workspaceId, submissionId, actorId, key));
  }

  @Post('submissions/:submissionId/qa-review')
  @ApiOkResponse({ type: SubmissionViewSchema })
  @RequireWorkspaceRole('QA_ENGINEER')
  async qaReview(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('submissionId') submissionId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() key: string | null,
    @Body() body: QaReviewDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<unknown> {
    return answer(response, await this.submissions.qaReview(workspaceId, submissionId, actorId, key, body));
  }

  /** The classifier alone (domain §5.4): no state, so no idempotency key is needed. */
  @Post('categorize')
  @ApiOkResponse({ type: CategorizeResultSchema })
  @RequireMember()
  categorize(@Body() body: CategorizeDto, @Res({ passthrough: true }) response: FastifyReply) {
    response.status(200);
    const { category, confidence, method, reason, needsReview } = categorizeFileName(body.fileName);
    return { category, confidence, method, reason, needsReview };
  }
}

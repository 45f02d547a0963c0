import { Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireMember } from '@atp/platform-auth';
import { ListPunchlistsQuery } from '../punchlists/dto/punchlist.dto';
import { OpenItemsQuery } from '../punchlists/dto/team-query.dto';
import { BLOB_STORE, type BlobStore } from '@atp/platform-blob-store';
import { PunchlistQueries } from './punchlist-queries.service';
import { ApiBinaryResponse, ApiPageResponse, ApiProblems } from '@atp/platform-openapi';
import { ApiOkResponse } from '@nestjs/swagger';
import { PunchlistDetailSchema, PunchlistSummarySchema, TeamOpenItemSchema } from './dto/punchlist.view';

/** Reads: any member of the workspace (vendors, QA, approvers and auditors all follow punchlists). */
@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/punchlists')
export class PunchlistQueriesController {
  constructor(
    private readonly queries: PunchlistQueries,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
  ) {}

  @Get()
  @ApiPageResponse(PunchlistSummarySchema)
  @RequireMember()
  list(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Query() query: ListPunchlistsQuery) {
    return this.queries.list(workspaceId, query);
  }

  /** Declared before `:punchlistId`: punchlist ids are UUIDs, so the word never names a punchlist. */
  @Get('open-items')
  @ApiPageResponse(TeamOpenItemSchema)
  @RequireMember()
  openItems(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Query() query: OpenItemsQuery) {
    return this.queries.openItemsOfTeam(workspaceId, query.team, query);
  }

  @Get(':punchlistId')
  @ApiOkResponse({ type: PunchlistDetailSchema })
  @RequireMember()
  one(@Param('workspaceId', new ParseUUIDPipe()) workspaceId: string, @Param('punchlistId') punchlistId: string) {
    return this.queries.one(workspaceId, punchlistId);
  }

  /** The evidence file's bytes, streamed, with the type judged from its content at upload. */
  @Get(':punchlistId/items/:itemId/evidence/:evidenceId/content')
  @ApiBinaryResponse('the evidence file’s bytes, served with the content type judged at upload')
  @RequireMember()
  async content(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Param('itemId') itemId: string,
    @Param('evidenceId') evidenceId: string,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const evidence = await this.queries.evidenceBlob(workspaceId, punchlistId, itemId, evidenceId);
    const { stream, sizeBytes } = await this.store.get(evidence.blobKey);
    // Fastify streams the file out; a read error after the headers cuts the connection.
    void response
      .code(200)
      .header('content-type', evidence.contentType)
      .header('content-length', String(sizeBytes))
      .header('content-disposition', `attachment; filename="${evidence.fileName.replace(/["\\\r\n]/g, '_')}"`)
      .header('x-content-type-options', 'nosniff')
      .header('etag', `"${evidence.sha256}"`)
      .send(stream);
  }
}

import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallerId, RequireMember, RequireWorkspaceRole } from '@atp/platform-auth';
import { IdempotencyKey } from '@atp/platform-http';
import { DocumentService } from './document.service';
import { ApiBinaryResponse, ApiFileUpload, ApiProblems } from '@atp/platform-openapi';
import { ApiCreatedResponse } from '@nestjs/swagger';
import { UploadedDocumentSchema } from '../submissions/dto/submission.view';

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/submissions/:submissionId/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentService) {}

  /** multipart/form-data: `file` (+ `documentType`, `notes`); streamed to the blob store, never buffered whole. */
  @Post()
  @ApiFileUpload('the document, streamed to the blob store', {
    documentType: { type: 'string', description: 'a document type; ATP_DOCUMENT when absent' },
    notes: { type: 'string' },
  })
  @ApiCreatedResponse({ type: UploadedDocumentSchema })
  @RequireWorkspaceRole('DOC_CONTROL')
  async upload(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('submissionId') submissionId: string,
    @CallerId() actorId: string,
    @IdempotencyKey() key: string | null,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<unknown> {
    const result = await this.documents.upload(workspaceId, submissionId, actorId, key, request.raw);
    response.status(result.status);
    return result.body;
  }

  @Get(':documentId/content')
  @ApiBinaryResponse('the document’s bytes, served with the content type it was uploaded with')
  @RequireMember()
  async content(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('submissionId') submissionId: string,
    @Param('documentId') documentId: string,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { blob, contentType, fileName, sha256 } = await this.documents.content(workspaceId, submissionId, documentId);
    // Fastify streams the blob out (never buffered whole); a read error after the headers cuts the connection.
    void response
      .code(200)
      .header('content-type', contentType)
      .header('content-length', String(blob.sizeBytes))
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('etag', `"${sha256}"`)
      .send(blob.stream);
  }
}

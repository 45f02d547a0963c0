import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
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
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<unknown> {
    const result = await this.documents.upload(workspaceId, submissionId, actorId, key, request);
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
    @Res() response: Response,
  ): Promise<void> {
    const { blob, contentType, fileName, sha256 } = await this.documents.content(workspaceId, submissionId, documentId);
    response.status(200);
    response.setHeader('content-type', contentType);
    response.setHeader('content-length', String(blob.sizeBytes));
    response.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('etag', `"${sha256}"`);
    await pipeline(blob.stream, response);
  }
}

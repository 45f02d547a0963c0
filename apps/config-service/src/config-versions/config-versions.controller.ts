import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import contentDisposition from 'content-disposition';
import { DataSource } from 'typeorm';
import { SOURCE_TYPES, type SourceType } from '@atp/approval-routing';
import { Idempotency, ValidationFailedError, type IdempotentRequest } from '@atp/platform-http';
import { CallerId, RequireMember, RequireWorkspaceRole } from '@atp/platform-auth';
import { FormFileInterceptor } from '@atp/platform-blob-store';
import { ImportLimits } from '../import/import-limits';
import { diffSnapshots } from './config-diff';
import { ConfigExportService } from './config-export.service';
import { ConfigImportService } from './config-import.service';
import { ConfigVersionsRepository } from './config-versions.repository';
import { ConfigVersionsService } from './config-versions.service';
import { DraftEditService } from './draft-edit.service';
import { ImportConfigDto, ListConfigVersionsQuery } from './dto/import-config.dto';
import { PatchPolicyStageDto } from './dto/patch-policy-stage.dto';
import { SnapshotReader } from './snapshot.reader';
import { ApiBinaryResponse, ApiFileUpload, ApiPageResponse, ApiProblems } from '@atp/platform-openapi';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CONFIG_SNAPSHOT_SCHEMAS } from './dto/config-snapshot.view';
import {
  CollectionDiffSchema,
  ConfigDiffSchema,
  ConfigVersionSchema,
  ImportResultSchema,
  PatchedPolicyStageSchema,
} from './dto/config-version.view';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId')
export class ConfigVersionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: ConfigVersionsService,
    private readonly importer: ConfigImportService,
    private readonly drafts: DraftEditService,
    private readonly exporter: ConfigExportService,
    private readonly versions: ConfigVersionsRepository,
    private readonly snapshots: SnapshotReader,
  ) {}

  /**
   * Multipart: `file` (XLSX or sectioned CSV), `source_type`, optional `notes`. 201 DRAFT + report; 422 INVALID report;
   * 409 duplicate.
   */
  @Post('config-versions/import')
  @ApiFileUpload('the configuration workbook (XLSX) or sectioned CSV', ImportConfigDto)
  @ApiCreatedResponse({ type: ImportResultSchema, description: 'a new DRAFT and its validation report' })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  @UseInterceptors(FormFileInterceptor('file', ImportLimits.maxFileBytes))
  async import(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @Body() body: ImportConfigDto,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    if (!file) throw new ValidationFailedError([{ field: 'file', message: 'a file part named "file" is required' }]);
    const upload = { fileName: file.originalname, buffer: file.buffer };
    return this.importer.import(
      workspaceId,
      body.sourceType,
      upload,
      actorId,
      body.notes ?? null,
      undefined,
      idempotency,
    );
  }

  @Get('config-versions')
  @ApiPageResponse(ConfigVersionSchema)
  @RequireMember()
  list(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Query() query: ListConfigVersionsQuery) {
    return this.lifecycle.list(workspaceId, {
      sourceType: query.sourceType,
      cursor: query.cursor,
      limit: query.limit ?? 50,
    });
  }

  @Get('config-versions/:id')
  @ApiOkResponse({ type: ConfigVersionSchema })
  @RequireMember()
  get(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Param('id') id: string) {
    return this.lifecycle.get(workspaceId, id);
  }

  @Get('config-versions/:id/snapshot')
  @ApiExtraModels(...CONFIG_SNAPSHOT_SCHEMAS)
  @ApiOkResponse({ schema: { oneOf: CONFIG_SNAPSHOT_SCHEMAS.map((schema) => ({ $ref: getSchemaPath(schema) })) } })
  @RequireMember()
  async snapshot(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Param('id') id: string) {
    const version = await this.versions.find(this.dataSource.manager, workspaceId, id);
    return this.snapshots.read(this.dataSource.manager, version);
  }

  @Post('config-versions/:id/activate')
  @ApiOkResponse({ type: ConfigVersionSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  @HttpCode(200)
  activate(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('id') id: string,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.lifecycle.activate(workspaceId, id, actorId, idempotency);
  }

  @Post('config-versions/:id/archive')
  @ApiOkResponse({ type: ConfigVersionSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  @HttpCode(200)
  archive(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('id') id: string,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.lifecycle.archive(workspaceId, id, actorId, idempotency);
  }

  /** Clones version `:id` into a new ACTIVE version (201 with the new version). */
  @Post('config-versions/:id/rollback')
  @ApiCreatedResponse({ type: ConfigVersionSchema, description: 'the new ACTIVE version' })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  rollback(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('id') id: string,
    @CallerId() actorId: string,
    @Idempotency() idempotency: IdempotentRequest | null,
  ) {
    return this.lifecycle.rollback(workspaceId, id, actorId, idempotency);
  }

  @Delete('config-versions/:id')
  @ApiNoContentResponse({ description: 'the DRAFT is gone' })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  @HttpCode(204)
  async remove(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('id') id: string,
    @CallerId() actorId: string,
  ): Promise<void> {
    await this.lifecycle.delete(workspaceId, id, actorId);
  }

  @Patch('config-versions/:id/policy-stages/:stageId')
  @ApiOkResponse({ type: PatchedPolicyStageSchema })
  @RequireWorkspaceRole('WORKSPACE_ADMIN')
  patchStage(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('id') id: string,
    @Param('stageId') stageId: string,
    @Body() patch: PatchPolicyStageDto,
    @CallerId() actorId: string,
  ) {
    return this.drafts.patchPolicyStage(workspaceId, id, stageId, patch, actorId);
  }

  /** What activating `:id` would change against the ACTIVE version of the same source type. */
  @Get('config-versions/:id/diff')
  @ApiExtraModels(CollectionDiffSchema)
  @ApiOkResponse({ type: ConfigDiffSchema })
  @RequireMember()
  async diff(@Param('workspaceId', ParseUUIDPipe) workspaceId: string, @Param('id') id: string) {
    const manager = this.dataSource.manager;
    const version = await this.versions.find(manager, workspaceId, id);
    const active = await this.versions.findActive(manager, workspaceId, version.sourceType);
    return {
      versionId: id,
      activeVersionId: active?.id ?? null,
      changes: diffSnapshots(
        active ? await this.snapshots.read(manager, active) : null,
        await this.snapshots.read(manager, version),
      ),
    };
  }

  @Get('config-versions/:id/export')
  @ApiBinaryResponse('the version as a workbook (attachment)', XLSX_TYPE)
  @RequireMember()
  async export(
    @Param('workspaceId', ParseUUIDPipe) workspaceId: string,
    @Param('id') id: string,
    @Res() response: FastifyReply,
  ): Promise<void> {
    const { fileName, content } = await this.exporter.export(workspaceId, id);
    void response.type(XLSX_TYPE).header('content-disposition', contentDisposition(fileName)).send(content);
  }

  /** The documented empty workbook for a source type (sheet `readme` explains every column). */
  @Get('config-templates/:sourceType')
  @ApiBinaryResponse('the empty workbook of the source type (attachment)', XLSX_TYPE)
  @RequireMember()
  async template(@Param('sourceType') sourceType: string, @Res() response: FastifyReply): Promise<void> {
    if (!(SOURCE_TYPES as readonly string[]).includes(sourceType)) {
      throw new ValidationFailedError([
        { field: 'sourceType', message: `must be one of ${SOURCE_TYPES.join(', ')}`, value: sourceType },
      ]);
    }
    const content = await this.exporter.template(sourceType as SourceType);
    void response
      .type(XLSX_TYPE)
      .header('content-disposition', contentDisposition(`${sourceType.toLowerCase()}-template.xlsx`))
      .send(content);
  }
}

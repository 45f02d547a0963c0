import { Body, Controller, Inject, Param, ParseUUIDPipe, Patch, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Caller, RequireWorkspaceRole, type AuthenticatedCaller } from '@atp/platform-auth';
import { IdempotencyKey } from '@atp/platform-http';
import { SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { BLOB_STORE, type BlobStore } from '@atp/platform-blob-store';
import { receiveEvidence } from '../evidence/evidence-upload';
import { AddItemsDto, AssignItemDto, MoveCommentDto, RejectDto } from '../punchlists/dto/punchlist.dto';
import { PunchlistEditing } from '../punchlists/punchlist-editing.service';
import { ItemLifecycle, type MoveCommand } from './item-lifecycle.service';
import type { ItemAction } from './item-transitions';
import { ApiFileUpload, ApiProblems } from '@atp/platform-openapi';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { AssignedItemSchema, ItemsAddedSchema, MoveResultSchema } from './dto/item.view';

/**
 * Item moves (domain §4.6). The route names the role; the transition table decides the rest (the
 * issuer alone closes, QA or the issuer rejects), and every refusal says why.
 */
@ApiProblems()
@Controller('api/v1/workspaces/:workspaceId/punchlists/:punchlistId/items')
export class ItemsController {
  constructor(
    private readonly lifecycle: ItemLifecycle,
    private readonly editing: PunchlistEditing,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(SERVICE_ENV) private readonly env: AppEnv,
  ) {}

  /** The issuing approver adds items while the punchlist is OPEN. */
  @Post()
  @ApiCreatedResponse({ type: ItemsAddedSchema })
  @RequireWorkspaceRole('APPROVER')
  async add(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Caller() caller: AuthenticatedCaller,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: AddItemsDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const result = await this.editing.addItems(workspaceId, punchlistId, caller.userId, body, idempotencyKey);
    response.status(result.status);
    return result.body;
  }

  @Patch(':itemId')
  @ApiOkResponse({ type: AssignedItemSchema })
  @RequireWorkspaceRole('APPROVER', 'DOC_CONTROL', 'WORKSPACE_ADMIN')
  assign(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Param('itemId') itemId: string,
    @Caller() caller: AuthenticatedCaller,
    @Body() body: AssignItemDto,
  ) {
    return this.editing.assign(
      workspaceId,
      punchlistId,
      itemId,
      { id: caller.userId, roles: caller.workspaceRoles },
      body,
    );
  }

  /** Multipart `file` (evidence, streamed into the store) + `comment` → RECTIFIED. */
  @Post(':itemId/rectify')
  @ApiFileUpload('the evidence, streamed to the blob store', { comment: { type: 'string', maxLength: 4000 } })
  @ApiOkResponse({ type: MoveResultSchema, description: 'the item is RECTIFIED' })
  @RequireWorkspaceRole('DOC_CONTROL')
  async rectify(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Param('itemId') itemId: string,
    @Caller() caller: AuthenticatedCaller,
    @IdempotencyKey() idempotencyKey: string | null,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const target = {
      workspaceId,
      punchlistId,
      itemId,
      action: 'RECTIFY' as const,
      actorId: caller.userId,
      actorRoles: caller.workspaceRoles,
    };
    await this.lifecycle.precheck(target);
    const blobKey = `punchlist-evidence/${workspaceId}/${punchlistId}/${itemId}/${randomUUID()}`;
    const evidence = await receiveEvidence(request.raw, this.store, blobKey, this.env.UPLOAD_MAX_FILE_BYTES);
    try {
      const result = await this.lifecycle.move({ ...target, comment: evidence.comment, idempotencyKey, evidence });
      // A replay answers the first upload's result; this second copy of the file is referenced by nothing.
      if (!(await this.lifecycle.blobInUse(blobKey))) await this.store.delete(blobKey);
      response.status(result.status);
      return result.body;
    } catch (error) {
      await this.store.delete(blobKey);
      throw error;
    }
  }

  @Post(':itemId/verify')
  @ApiOkResponse({ type: MoveResultSchema, description: 'the item is QA_VERIFIED' })
  @RequireWorkspaceRole('QA_ENGINEER')
  verify(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Param('itemId') itemId: string,
    @Caller() caller: AuthenticatedCaller,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: MoveCommentDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.move('VERIFY', {
      workspaceId,
      punchlistId,
      itemId,
      caller,
      idempotencyKey,
      comment: body.comment,
      response,
    });
  }

  /** Only the approver who issued the punchlist (checked against the punchlist, not just the role). */
  @Post(':itemId/close')
  @ApiOkResponse({ type: MoveResultSchema, description: 'the item is CLOSED' })
  @RequireWorkspaceRole('APPROVER')
  close(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Param('itemId') itemId: string,
    @Caller() caller: AuthenticatedCaller,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: MoveCommentDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.move('CLOSE', {
      workspaceId,
      punchlistId,
      itemId,
      caller,
      idempotencyKey,
      comment: body.comment,
      response,
    });
  }

  /** QA rejects a RECTIFIED item, the issuer a QA_VERIFIED one: back to the vendor. */
  @Post(':itemId/reject')
  @ApiOkResponse({ type: MoveResultSchema, description: 'the item is REJECTED' })
  @RequireWorkspaceRole('QA_ENGINEER', 'APPROVER')
  reject(
    @Param('workspaceId', new ParseUUIDPipe()) workspaceId: string,
    @Param('punchlistId') punchlistId: string,
    @Param('itemId') itemId: string,
    @Caller() caller: AuthenticatedCaller,
    @IdempotencyKey() idempotencyKey: string | null,
    @Body() body: RejectDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return this.move('REJECT', {
      workspaceId,
      punchlistId,
      itemId,
      caller,
      idempotencyKey,
      comment: body.comment,
      response,
    });
  }

  private async move(action: ItemAction, call: MoveCall) {
    const command: MoveCommand = {
      workspaceId: call.workspaceId,
      punchlistId: call.punchlistId,
      itemId: call.itemId,
      action,
      actorId: call.caller.userId,
      actorRoles: call.caller.workspaceRoles,
      comment: call.comment?.trim() || null,
      idempotencyKey: call.idempotencyKey,
    };
    const result = await this.lifecycle.move(command);
    call.response.status(result.status);
    return result.body;
  }
}

interface MoveCall {
  workspaceId: string;
  punchlistId: string;
  itemId: string;
  caller: AuthenticatedCaller;
  idempotencyKey: string | null;
  comment: string | undefined;
  response: FastifyReply;
}

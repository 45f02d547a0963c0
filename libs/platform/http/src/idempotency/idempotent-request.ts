import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../problem-details';
import { IDEMPOTENCY_KEY_HEADER, validIdempotencyKey } from './idempotency-key';
import { canonicalJson, PLATFORM_SCOPE, type IdempotencyScope } from './idempotency.store';

/**
 * An `Idempotency-Key` request, as the handler received it: whose key (workspace, caller), the
 * fingerprint of what was asked (method, path, body, uploaded file) and the status the route answers.
 */
export interface IdempotentRequest extends IdempotencyScope {
  key: string;
  fingerprint: string;
  status: number;
  /** Set by the store when the answer is the stored one; the interceptor then says so in a header. */
  replayed: boolean;
}

export interface RequestWithIdempotency {
  idempotency?: IdempotentRequest;
}

interface UploadedFileLike {
  originalname: string;
  buffer: Buffer;
}

/** The caller the access guard verified: keys are scoped per caller (a key of another user is not a replay). */
function callerOfRequest(request: FastifyRequest): string {
  const verified = (request as { caller?: { userId?: string } }).caller?.userId;
  if (!verified) throw new DomainError(401, 'UNAUTHENTICATED', 'An Idempotency-Key needs an authenticated caller');
  return verified;
}

export function idempotentRequestOf(context: ExecutionContext): IdempotentRequest | null {
  const request = context
    .switchToHttp()
    .getRequest<
      FastifyRequest<{ Params: Record<string, unknown> }> & RequestWithIdempotency & { file?: UploadedFileLike }
    >();
  const key = validIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
  if (key === null) return null;
  const file = request.file
    ? { name: request.file.originalname, sha256: createHash('sha256').update(request.file.buffer).digest('hex') }
    : null;
  const status =
    (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
    (request.method === 'POST' ? 201 : 200);
  const workspaceId = typeof request.params.workspaceId === 'string' ? request.params.workspaceId : PLATFORM_SCOPE;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ method: request.method, path: request.url.split('?')[0] }))
    .update(canonicalJson({ body: request.body ?? null, file }))
    .digest('hex');
  request.idempotency = { workspaceId, callerId: callerOfRequest(request), key, fingerprint, status, replayed: false };
  return request.idempotency;
}

/**
 * `@Idempotency() idempotency: IdempotentRequest | null`: the request's key and fingerprint for
 * `IdempotencyStore.once`, or null without the header. On multipart routes the file is part of it.
 */
export const Idempotency = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  idempotentRequestOf(context),
);

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ValidationFailedError } from '@atp/platform-http';

export const ACTOR_HEADER = 'x-actor-id';

/**
 * The authenticated user id the gateway forwards. config-service records it (`imported_by`, event actorId);
 * the gateway has already authenticated and authorised the caller.
 */
export const ActorId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<Request>();
  const actor = request.header(ACTOR_HEADER);
  if (!actor || actor.length > 100) {
    throw new ValidationFailedError([{ field: ACTOR_HEADER, message: `header ${ACTOR_HEADER} is required (max 100 characters)`, value: actor ?? null }]);
  }
  return actor;
});

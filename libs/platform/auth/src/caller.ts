import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { WorkspaceRole } from './access-policy';

/** The verified caller of a request, set by the access guard. */
export interface AuthenticatedCaller {
  /** The token's `sub`: the user id of the directory. */
  userId: string;
  platformRoles: readonly string[];
  /** The caller's active roles in the route's workspace; empty on routes without a workspace. */
  workspaceRoles: readonly WorkspaceRole[];
}

export interface RequestWithCaller {
  caller?: AuthenticatedCaller;
}

export function callerOf(request: RequestWithCaller): AuthenticatedCaller {
  // The guard runs before every handler; a missing caller here is a wiring bug, not a client error.
  if (!request.caller) throw new Error('no authenticated caller on the request: is the access guard installed?');
  return request.caller;
}

/** The verified caller (`@Caller() caller: AuthenticatedCaller`). */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedCaller =>
    callerOf(context.switchToHttp().getRequest<RequestWithCaller>()),
);

/** The verified caller's user id (`@CallerId() actorId: string`). */
export const CallerId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    callerOf(context.switchToHttp().getRequest<RequestWithCaller>()).userId,
);

import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { runInWorkspace } from '@atp/platform-database';
import { DomainError } from '@atp/platform-http';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy';
import type { RequestWithCaller } from './caller';
import { MembershipSource } from './membership-source';
import { TokenVerifier } from './token-verifier';

interface HttpRequest extends RequestWithCaller {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one guard of every service: verifies the bearer token and applies the handler's declared
 * access policy against the service's own membership data. A handler that declares nothing is
 * refused (and `assertEveryRouteDeclaresAccess` keeps such an application from starting).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenVerifier,
    private readonly memberships: MembershipSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers are not requests of a caller
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) throw new DomainError(403, 'ACCESS_UNDECLARED', 'This route declares no access policy');
    if (policy.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<HttpRequest>();
    const header = request.headers.authorization;
    const token = await this.tokens.verify(Array.isArray(header) ? header[0] : header);
    request.caller = { userId: token.userId, platformRoles: token.platformRoles, workspaceRoles: [] };

    switch (policy.kind) {
      case 'authenticated':
        return true;
      case 'platform':
        if (policy.roles.some((role) => token.platformRoles.includes(role))) return true;
        throw new DomainError(
          403,
          'PLATFORM_ROLE_REQUIRED',
          `This action needs the platform role ${policy.roles.join(' or ')}`,
        );
      case 'member':
      case 'workspace-role': {
        const workspaceId = request.params?.workspaceId;
        // Not a UUID, not a member: the same 404, so ids of other tenants cannot be probed.
        const roles =
          workspaceId && UUID.test(workspaceId)
            ? await runInWorkspace(workspaceId, () => this.memberships.activeRoles(workspaceId, token.userId))
            : [];
        if (roles.length === 0) throw new DomainError(404, 'NOT_FOUND', `workspace ${workspaceId} was not found`);
        request.caller.workspaceRoles = roles;
        if (policy.kind === 'member' || policy.roles.some((role) => roles.includes(role))) return true;
        throw new DomainError(
          403,
          'ROLE_REQUIRED',
          `This action needs the workspace role ${policy.roles.join(' or ')}`,
          {
            requiredRoles: policy.roles,
          },
        );
      }
    }
  }
}

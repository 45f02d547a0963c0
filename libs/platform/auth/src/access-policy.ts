import { SetMetadata, type CustomDecorator } from '@nestjs/common';

/** Roles a workspace membership can carry (config-service owns them; the other services replicate them). */
export const WORKSPACE_ROLES = ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** Roles carried by the token itself, for actions above any one workspace. */
export const PLATFORM_ROLES = ['PLATFORM_ADMIN'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/**
 * Who may call a route. Every handler declares exactly one; the guard refuses a route that declares
 * nothing, and the route-access check stops an application that has one from starting.
 * - `public`: no token (health and metrics only);
 * - `authenticated`: any valid token (e.g. "my workspaces");
 * - `platform`: a token carrying one of the platform roles;
 * - `member`: an active member of the route's `:workspaceId`, any role;
 * - `workspace-role`: an active member holding one of the roles.
 */
export type AccessPolicy =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'platform'; roles: readonly PlatformRole[] }
  | { kind: 'member' }
  | { kind: 'workspace-role'; roles: readonly WorkspaceRole[] };

export const ACCESS_POLICY = 'atp:access-policy';

const declare = (policy: AccessPolicy): CustomDecorator<string> => SetMetadata(ACCESS_POLICY, policy);

/** No token needed. Only for probes and metrics, never for data. */
export const Public = (): CustomDecorator<string> => declare({ kind: 'public' });

/** Any caller with a valid token; the handler decides what the caller sees of its own data. */
export const Authenticated = (): CustomDecorator<string> => declare({ kind: 'authenticated' });

export const RequirePlatformRole = (...roles: [PlatformRole, ...PlatformRole[]]): CustomDecorator<string> =>
  declare({ kind: 'platform', roles });

/** Any active member of the route's workspace. A non-member gets 404: the workspace is not theirs to see. */
export const RequireMember = (): CustomDecorator<string> => declare({ kind: 'member' });

/** An active member holding one of `roles`; a member without them gets 403, a non-member 404. */
export const RequireWorkspaceRole = (...roles: [WorkspaceRole, ...WorkspaceRole[]]): CustomDecorator<string> =>
  declare({ kind: 'workspace-role', roles });

/** A short, stable text of a policy, for the access matrix and the declaration snapshot. */
export function describePolicy(policy: AccessPolicy | undefined): string {
  if (!policy) return 'UNDECLARED';
  switch (policy.kind) {
    case 'public':
      return 'public';
    case 'authenticated':
      return 'any authenticated user';
    case 'platform':
      return `platform: ${policy.roles.join(' | ')}`;
    case 'member':
      return 'any workspace member';
    case 'workspace-role':
      return `workspace: ${policy.roles.join(' | ')}`;
  }
}

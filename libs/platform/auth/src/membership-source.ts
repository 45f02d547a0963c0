import type { WorkspaceRole } from './access-policy';

/**
 * Where a service learns a caller's roles in a workspace: config-service reads its own
 * `workspace_members`, the other services their replica of it. An empty answer means "not an active
 * member" (answered 404, so a stranger cannot even learn that the workspace exists).
 */
export abstract class MembershipSource {
  abstract activeRoles(workspaceId: string, userId: string): Promise<WorkspaceRole[]>;
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { WorkspacePayloadV1 } from '@atp/contracts';
import { MembershipSource } from '@atp/platform-auth';
import { inTransaction, setTransactionWorkspace } from '@atp/platform-database';
import {
  ConflictError,
  NotFoundError,
  IdempotencyStore,
  UnknownReferenceError,
  type IdempotentRequest,
} from '@atp/platform-http';
import type { MembershipPayloadV1 } from '@atp/contracts';
import { RoutingContextCache } from '../routing/routing-context.cache';
import { DirectoryEvents } from './directory-events';
import { withOwnMemberships } from './own-memberships';
import type { CreateWorkspaceDto } from './dto/directory.dto';

export interface WorkspaceView extends WorkspacePayloadV1 {
  customerGroupId: string;
  vendorOwnerId: string;
}

const COLUMNS = `id AS "workspaceId", code, name, is_active AS "isActive", customer_group_id AS "customerGroupId", vendor_owner_id AS "vendorOwnerId"`;
const toPayload = (w: WorkspaceView): WorkspacePayloadV1 => ({
  workspaceId: w.workspaceId,
  code: w.code,
  name: w.name,
  isActive: w.isActive,
});

/** Workspaces are deactivated, never deleted (architecture §6 Q1); deactivation is published. */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DirectoryEvents,
    private readonly routingContexts: RoutingContextCache,
    private readonly idempotency: IdempotencyStore,
    private readonly access: MembershipSource,
  ) {}

  /** Creates the workspace with `creatorId` as its first WORKSPACE_ADMIN (published like any membership). */
  create(
    dto: CreateWorkspaceDto,
    creatorId: string,
    idempotency: IdempotentRequest | null = null,
  ): Promise<WorkspaceView> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.once(manager, idempotency, async () => {
        const existing = (await manager.query(`SELECT id FROM workspaces WHERE code = $1`, [dto.code])) as Array<{
          id: string;
        }>;
        if (existing.length > 0)
          throw new ConflictError('WORKSPACE_CODE_TAKEN', `workspace code ${dto.code} is taken`, {
            existingWorkspaceId: existing[0].id,
          });
        const [workspace] = (await manager.query(
          `INSERT INTO workspaces (code, name, customer_group_id, vendor_owner_id) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [dto.code, dto.name, dto.customerGroupId, dto.vendorOwnerId],
        )) as WorkspaceView[];
        // A platform route runs outside any tenant: from here on the transaction works in the new workspace (RLS).
        await setTransactionWorkspace(manager, workspace.workspaceId);
        await this.events.workspace(manager, 'created', toPayload(workspace), creatorId);
        const creator = (await manager.query(`SELECT 1 FROM users WHERE id = $1`, [creatorId])) as unknown[];
        if (creator.length === 0) throw new UnknownReferenceError('caller', creatorId, 'user');
        const [admin] = (await manager.query(
          `INSERT INTO workspace_members (workspace_id, user_id, role, is_default) VALUES ($1, $2, 'WORKSPACE_ADMIN', true)
         RETURNING id AS "membershipId", workspace_id AS "workspaceId", user_id AS "userId", role, status`,
          [workspace.workspaceId, creatorId],
        )) as MembershipPayloadV1[];
        await this.events.membership(manager, true, admin, creatorId);
        return workspace;
      }),
    ).finally(() => this.access.forget()); // the creator's new membership
  }

  async get(id: string): Promise<WorkspaceView> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM workspaces WHERE id = $1`, [
      id,
    ])) as WorkspaceView[];
    if (rows.length === 0) throw new NotFoundError('workspace', id);
    return rows[0];
  }

  /**
   * The workspaces `userId` is an active member of: `role` is the strongest of its roles there (the order of
   * the list below), `roles` all of them.
   */
  async listForMember(
    userId: string,
  ): Promise<Array<{ workspaceId: string; code: string; name: string; role: string; roles: string[] }>> {
    // Row-level security shows this transaction the memberships of `userId` in every workspace, and no one else's.
    return withOwnMemberships(
      this.dataSource,
      userId,
      async (manager) =>
        (await manager.query(
          `SELECT w.id AS "workspaceId", w.code, w.name,
              (array_agg(m.role ORDER BY array_position($2::text[], m.role::text)))[1] AS role,
              array_agg(m.role ORDER BY array_position($2::text[], m.role::text)) AS roles
         FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.user_id = $1 AND m.status = 'ACTIVE'
        GROUP BY w.id ORDER BY w.code`,
          [userId, ['WORKSPACE_ADMIN', 'QA_ENGINEER', 'DOC_CONTROL', 'APPROVER', 'AUDITOR']],
        )) as Array<{ workspaceId: string; code: string; name: string; role: string; roles: string[] }>,
    );
  }

  async findByCode(code: string): Promise<WorkspaceView | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM workspaces WHERE code = $1`, [
      code,
    ])) as WorkspaceView[];
    return rows[0] ?? null;
  }

  deactivate(id: string, actorId: string | null, idempotency: IdempotentRequest | null = null): Promise<WorkspaceView> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.once(manager, idempotency, async () => {
        const rows = (await manager.query(`SELECT ${COLUMNS} FROM workspaces WHERE id = $1 FOR UPDATE`, [
          id,
        ])) as WorkspaceView[];
        if (rows.length === 0) throw new NotFoundError('workspace', id);
        if (!rows[0].isActive) return rows[0];
        const [workspace] = (await manager.query(
          `UPDATE workspaces SET is_active = false, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
          [id],
        )) as [WorkspaceView[]];
        await this.events.workspace(manager, 'deactivated', toPayload(workspace[0]), actorId);
        return workspace[0];
      }),
    ).finally(() => this.routingContexts.invalidate(id));
  }
}

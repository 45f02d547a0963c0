import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MembershipPayloadV1 } from '@atp/contracts';
import { MembershipSource } from '@atp/platform-auth';
import { inTransaction } from '@atp/platform-database';
import {
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  UnknownReferenceError,
  IdempotencyStore,
  type IdempotentRequest,
  type Page,
} from '@atp/platform-http';
import { assertWorkspaceExists, lockWorkspace } from '../common/workspace-access';
import { RoutingContextCache } from '../routing/routing-context.cache';
import { DirectoryEvents } from './directory-events';
import type { AddMemberDto, UpdateMemberDto } from './dto/directory.dto';

const COLUMNS = `id AS "membershipId", workspace_id AS "workspaceId", user_id AS "userId", role, status`;

/** Per-workspace RBAC roles (architecture §7); one row per (workspace, user, role). */
@Injectable()
export class MembershipsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DirectoryEvents,
    private readonly routingContexts: RoutingContextCache,
    private readonly idempotency: IdempotencyStore,
    private readonly access: MembershipSource,
  ) {}

  /** After the commit (or the rollback): routing contexts and the access guard's answers read it again. */
  private changed(workspaceId: string): void {
    this.routingContexts.invalidate(workspaceId);
    this.access.forget();
  }

  add(
    workspaceId: string,
    dto: AddMemberDto,
    actorId: string | null,
    idempotency: IdempotentRequest | null = null,
  ): Promise<MembershipPayloadV1> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.once(manager, idempotency, async () => {
        await lockWorkspace(manager, workspaceId);
        const user = (await manager.query(`SELECT 1 FROM users WHERE id = $1`, [dto.userId])) as unknown[];
        if (user.length === 0) throw new UnknownReferenceError('userId', dto.userId, 'user');
        const existing = (await manager.query(
          `SELECT id FROM workspace_members WHERE workspace_id = $1 AND user_id = $2 AND role = $3`,
          [workspaceId, dto.userId, dto.role],
        )) as Array<{ id: string }>;
        if (existing.length > 0)
          throw new ConflictError('MEMBERSHIP_EXISTS', `user ${dto.userId} already has role ${dto.role}`, {
            membershipId: existing[0].id,
          });
        const [member] = (await manager.query(
          `INSERT INTO workspace_members (workspace_id, user_id, role, is_default) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [workspaceId, dto.userId, dto.role, dto.isDefault ?? false],
        )) as MembershipPayloadV1[];
        await this.events.membership(manager, true, member, actorId);
        return member;
      }),
    ).finally(() => this.changed(workspaceId));
  }

  /** Every membership of a workspace at once (the seed compares against it). */
  async all(workspaceId: string): Promise<MembershipPayloadV1[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM workspace_members WHERE workspace_id = $1 ORDER BY user_id, role`,
      [workspaceId],
    )) as MembershipPayloadV1[];
  }

  /** By (user, role), unique in a workspace, keyset-paginated on it. */
  async list(workspaceId: string, f: { limit: number; cursor?: string }): Promise<Page<MembershipPayloadV1>> {
    await assertWorkspaceExists(this.dataSource.manager, workspaceId);
    const after = decodeCursor<{ user: string; role: string }>(f.cursor, ['user', 'role']);
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM workspace_members WHERE workspace_id = $1 AND ($2::text IS NULL OR (user_id, role) > ($2::text, $3::text))
       ORDER BY user_id, role LIMIT $4`,
      [workspaceId, after?.user ?? null, after?.role ?? null, f.limit + 1],
    )) as MembershipPayloadV1[];
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > f.limit && last ? encodeCursor({ user: last.userId, role: last.role }) : null,
    };
  }

  update(
    workspaceId: string,
    membershipId: string,
    dto: UpdateMemberDto,
    actorId: string | null,
  ): Promise<MembershipPayloadV1> {
    return inTransaction(this.dataSource, async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE workspace_members SET status = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [workspaceId, membershipId, dto.status],
      )) as [MembershipPayloadV1[]];
      if (rows.length === 0) throw new NotFoundError('membership', membershipId);
      await this.events.membership(manager, false, rows[0], actorId);
      return rows[0];
    }).finally(() => this.changed(workspaceId));
  }
}

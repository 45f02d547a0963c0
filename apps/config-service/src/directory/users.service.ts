import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UserPayloadV1 } from '@atp/contracts';
import { MembershipSource, type AuthenticatedCaller } from '@atp/platform-auth';
import { inTransaction } from '@atp/platform-database';
import {
  ConflictError,
  decodeCursor,
  encodeCursor,
  NotFoundError,
  IdempotencyStore,
  type IdempotentRequest,
  type Page,
} from '@atp/platform-http';
import { DirectoryEvents } from './directory-events';
import { withOwnMemberships } from './own-memberships';
import type { CreateUserDto, UpdateUserStatusDto } from './dto/directory.dto';

const COLUMNS = `id AS "userId", email, full_name AS "fullName", user_type AS "userType", status`;

/** Users are platform-wide (not per workspace); their ids are chosen by the identity provider (TEXT). */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DirectoryEvents,
    private readonly idempotency: IdempotencyStore,
    private readonly access: MembershipSource,
  ) {}

  create(
    dto: CreateUserDto,
    actorId: string | null,
    idempotency: IdempotentRequest | null = null,
  ): Promise<UserPayloadV1> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.once(manager, idempotency, async () => {
        const clash = (await manager.query(`SELECT id, email FROM users WHERE id = $1 OR lower(email) = lower($2)`, [
          dto.id,
          dto.email,
        ])) as Array<{ id: string }>;
        if (clash.length > 0)
          throw new ConflictError('USER_EXISTS', `a user with id ${dto.id} or e-mail ${dto.email} exists`, {
            existingUserId: clash[0].id,
          });
        const [user] = (await manager.query(
          `INSERT INTO users (id, email, full_name, user_type, status, is_active) VALUES ($1, $2, $3, $4, 'ACTIVE', true) RETURNING ${COLUMNS}`,
          [dto.id, dto.email, dto.fullName, dto.userType ?? 'INTERNAL'],
        )) as UserPayloadV1[];
        await this.events.user(manager, true, user, actorId);
        return user;
      }),
    );
  }

  /** Every user of the platform by id, keyset-paginated on it (platform admins only). */
  async list(f: { limit: number; cursor?: string }): Promise<Page<UserPayloadV1>> {
    const after = decodeCursor<{ id: string }>(f.cursor, ['id']);
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM users WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [after?.id ?? null, f.limit + 1],
    )) as UserPayloadV1[];
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > f.limit && last ? encodeCursor({ id: last.userId }) : null };
  }

  async get(id: string): Promise<UserPayloadV1> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id])) as UserPayloadV1[];
    if (rows.length === 0) throw new NotFoundError('user', id);
    return rows[0];
  }

  /** `get`, for a caller who is the user, a platform admin, or an active member of a workspace the user is in. */
  async getVisibleTo(id: string, caller: AuthenticatedCaller): Promise<UserPayloadV1> {
    const mayRead =
      caller.userId === id ||
      caller.platformRoles.includes('PLATFORM_ADMIN') ||
      (await this.shareWorkspace(caller.userId, id));
    // The same 404 as for a missing user: e-mail addresses of other tenants cannot be probed.
    if (!mayRead) throw new NotFoundError('user', id);
    return this.get(id);
  }

  /**
   * Under row-level security each side is read as that user's own memberships (own-memberships.ts): the caller's
   * active workspaces, then whether the user is in one of them.
   */
  private async shareWorkspace(callerId: string, userId: string): Promise<boolean> {
    const mine = (await withOwnMemberships(this.dataSource, callerId, (manager) =>
      manager.query(
        `SELECT DISTINCT workspace_id AS "workspaceId" FROM workspace_members WHERE user_id = $1 AND status = 'ACTIVE'`,
        [callerId],
      ),
    )) as Array<{ workspaceId: string }>;
    if (mine.length === 0) return false;
    const shared = (await withOwnMemberships(this.dataSource, userId, (manager) =>
      manager.query(`SELECT 1 FROM workspace_members WHERE user_id = $1 AND workspace_id = ANY($2::uuid[]) LIMIT 1`, [
        userId,
        mine.map((m) => m.workspaceId),
      ]),
    )) as unknown[];
    return shared.length > 0;
  }

  updateStatus(id: string, dto: UpdateUserStatusDto, actorId: string | null): Promise<UserPayloadV1> {
    return inTransaction(this.dataSource, async (manager) => {
      const [rows] = (await manager.query(
        `UPDATE users SET status = $2::text, is_active = ($2::text = 'ACTIVE'), updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.status],
      )) as [UserPayloadV1[]];
      if (rows.length === 0) throw new NotFoundError('user', id);
      await this.events.user(manager, false, rows[0], actorId);
      return rows[0];
    }).finally(() => this.access.forget()); // a suspended user reaches no workspace: the guard reads it again
  }
}

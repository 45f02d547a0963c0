import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { WorkspacePayloadV1 } from '@atp/contracts';
import { inTransaction } from '@atp/platform-database';
import { ConflictError, NotFoundError, IdempotencyStore, type IdempotentRequest } from '@atp/platform-http';
import { RoutingContextCache } from '../routing/routing-context.cache';
import { DirectoryEvents } from './directory-events';
import type { CreateWorkspaceDto } from './dto/directory.dto';

export interface WorkspaceView extends WorkspacePayloadV1 {
  customerGroupId: string;
  vendorOwnerId: string;
}

const COLUMNS = `id AS "workspaceId", code, name, is_active AS "isActive", customer_group_id AS "customerGroupId", vendor_owner_id AS "vendorOwnerId"`;
const toPayload = (w: WorkspaceView): WorkspacePayloadV1 => ({ workspaceId: w.workspaceId, code: w.code, name: w.name, isActive: w.isActive });

/** Workspaces are deactivated, never deleted (architecture §6 Q1); deactivation is published. */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: DirectoryEvents,
    private readonly routingContexts: RoutingContextCache,
    private readonly idempotency: IdempotencyStore,
  ) {}

  create(dto: CreateWorkspaceDto, actorId: string | null, idempotency: IdempotentRequest | null = null): Promise<WorkspaceView> {
    return inTransaction(this.dataSource, (manager) => this.idempotency.once(manager, idempotency, async () => {
      const existing = (await manager.query(`SELECT id FROM workspaces WHERE code = $1`, [dto.code])) as Array<{ id: string }>;
      if (existing.length > 0) throw new ConflictError('WORKSPACE_CODE_TAKEN', `workspace code ${dto.code} is taken`, { existingWorkspaceId: existing[0].id });
      const [workspace] = (await manager.query(
        `INSERT INTO workspaces (code, name, customer_group_id, vendor_owner_id) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [dto.code, dto.name, dto.customerGroupId, dto.vendorOwnerId],
      )) as WorkspaceView[];
      await this.events.workspace(manager, 'created', toPayload(workspace), actorId);
      return workspace;
    }));
  }

  async get(id: string): Promise<WorkspaceView> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM workspaces WHERE id = $1`, [id])) as WorkspaceView[];
    if (rows.length === 0) throw new NotFoundError('workspace', id);
    return rows[0];
  }

  async findByCode(code: string): Promise<WorkspaceView | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM workspaces WHERE code = $1`, [code])) as WorkspaceView[];
    return rows[0] ?? null;
  }

  deactivate(id: string, actorId: string | null, idempotency: IdempotentRequest | null = null): Promise<WorkspaceView> {
    return inTransaction(this.dataSource, (manager) => this.idempotency.once(manager, idempotency, async () => {
      const rows = (await manager.query(`SELECT ${COLUMNS} FROM workspaces WHERE id = $1 FOR UPDATE`, [id])) as WorkspaceView[];
      if (rows.length === 0) throw new NotFoundError('workspace', id);
      if (!rows[0].isActive) return rows[0];
      const [workspace] = (await manager.query(`UPDATE workspaces SET is_active = false, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id])) as [WorkspaceView[]];
      await this.events.workspace(manager, 'deactivated', toPayload(workspace[0]), actorId);
      return workspace[0];
    })).finally(() => this.routingContexts.invalidate(id));
  }
}

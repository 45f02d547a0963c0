import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PunchlistItemsAddedV1 } from '@atp/contracts';
import {
  ConflictError,
  DomainError,
  IdempotencyStore,
  ValidationFailedError,
  type StoredResponse,
} from '@atp/platform-http';
import { inTransaction } from '@atp/platform-database';
import { Clock } from '../clock/clock';
import { PunchlistEventsPublisher } from './punchlist-events.publisher';
import { PunchlistRepository } from './punchlist.repository';
import { punchItemErrors } from './punch-item-rules';
import type { AddItemsDto, AssignItemDto } from './dto/punchlist.dto';

/** Changes to a punchlist other than item moves: the issuer adds items; the team and target date of an item. */
@Injectable()
export class PunchlistEditing {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly punchlists: PunchlistRepository,
    private readonly events: PunchlistEventsPublisher,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async addItems(
    workspaceId: string,
    punchlistId: string,
    actorId: string,
    body: AddItemsDto,
    idempotencyKey: string | null,
  ): Promise<StoredResponse> {
    return inTransaction(this.dataSource, async (manager) => {
      return this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key: idempotencyKey },
        `add-items:${punchlistId}`,
        body,
        async () => {
          const now = this.clock.now();
          const punchlist = await this.punchlists.lockPunchlist(manager, workspaceId, punchlistId);
          if (punchlist.issuedBy !== actorId)
            throw new DomainError(403, 'NOT_ISSUER', 'Only the approver who issued this punchlist may add items');
          if (punchlist.status !== 'OPEN')
            throw new ConflictError('PUNCHLIST_CLEARED', `punchlist ${punchlist.id} is ${punchlist.status}`, {
              currentStatus: punchlist.status,
            });
          const items = body.items.map((i) => ({ ...i, itemCode: i.itemCode ?? null }));
          const errors = punchItemErrors(punchlist.origin, items);
          if (errors.length > 0)
            throw new DomainError(422, 'SEVERITY_NOT_ALLOWED', 'An item does not fit this punchlist', {}, errors);
          const added = await this.punchlists.insertItems(manager, punchlist, items, actorId, now);
          await this.punchlists.recordProgress(manager, punchlist.id, now);
          await this.events.publish(
            manager,
            PunchlistItemsAddedV1,
            punchlist.id,
            {
              punchlistId: punchlist.id,
              workflowInstanceId: punchlist.workflowInstanceId,
              submissionId: punchlist.submissionId,
              addedBy: actorId,
              addedAt: now.toISOString(),
              items: added,
            },
            { workspaceId, actorId, occurredAt: now },
          );
          return {
            status: 201,
            body: {
              punchlistId: punchlist.id,
              items: added.map(({ itemId, ...rest }) => ({ id: itemId, ...rest, status: 'OPEN' })),
            },
          };
        },
      );
    });
  }

  /** Team and target date, set by the issuer, DOC_CONTROL or a workspace admin while the item is not CLOSED. */
  async assign(
    workspaceId: string,
    punchlistId: string,
    itemId: string,
    actor: { id: string; roles: readonly string[] },
    body: AssignItemDto,
  ) {
    if (body.assignedTeam === undefined && body.targetDate === undefined) {
      throw new ValidationFailedError([{ field: 'assignedTeam', message: 'send assignedTeam, targetDate or both' }]);
    }
    return inTransaction(this.dataSource, async (manager) => {
      const punchlist = await this.punchlists.lockPunchlist(manager, workspaceId, punchlistId);
      const isIssuer = punchlist.issuedBy === actor.id;
      if (!isIssuer && !actor.roles.some((r) => r === 'DOC_CONTROL' || r === 'WORKSPACE_ADMIN')) {
        throw new DomainError(
          403,
          'NOT_ISSUER',
          'Only the issuer, DOC_CONTROL or a workspace admin may assign an item',
        );
      }
      const item = await this.punchlists.itemOf(manager, punchlist.id, itemId);
      if (item.status === 'CLOSED')
        throw new ConflictError('ITEM_CLOSED', `item ${item.id} is CLOSED`, { currentStatus: item.status });
      // UPDATE … RETURNING answers [rows, affected count].
      const [[row]] = (await manager.query(
        `UPDATE punchlist_items SET
           assigned_team = CASE WHEN $2 THEN $3 ELSE assigned_team END,
           target_date = CASE WHEN $4 THEN $5::date ELSE target_date END, updated_at = now()
         WHERE id = $1 RETURNING id, assigned_team AS "assignedTeam", to_char(target_date, 'YYYY-MM-DD') AS "targetDate"`,
        [
          item.id,
          body.assignedTeam !== undefined,
          body.assignedTeam ?? null,
          body.targetDate !== undefined,
          body.targetDate ?? null,
        ],
      )) as [Array<{ id: string; assignedTeam: string | null; targetDate: string | null }>, number];
      return row;
    });
  }
}

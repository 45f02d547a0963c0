import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  MembershipCreatedV1,
  MembershipUpdatedV1,
  SiteCreatedV1,
  SiteUpdatedV1,
  UserCreatedV1,
  UserUpdatedV1,
  WorkspaceCreatedV1,
  WorkspaceDeactivatedV1,
  WorkspaceUpdatedV1,
  type EventDefinition,
  type MembershipPayloadV1,
  type SitePayloadV1,
  type UserPayloadV1,
  type WorkspacePayloadV1,
} from '@atp/contracts';
import { OutboxWriter } from '@atp/platform-messaging';
import { correlationId } from '../common/correlation';

/**
 * Reference events: the full current state of each entity, keyed by its id on the compacted reference topic,
 * so a replica is the latest event per key.
 */
@Injectable()
export class DirectoryEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  private async append<P>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    workspaceId: string | null,
    aggregateId: string,
    payload: P,
    actorId: string | null,
  ) {
    await this.outbox.append(manager, {
      definition,
      workspaceId,
      aggregateId,
      payload,
      correlationId: correlationId(),
      actorId,
    });
  }

  workspace(
    manager: EntityManager,
    kind: 'created' | 'updated' | 'deactivated',
    payload: WorkspacePayloadV1,
    actorId: string | null,
  ) {
    const definition = {
      created: WorkspaceCreatedV1,
      updated: WorkspaceUpdatedV1,
      deactivated: WorkspaceDeactivatedV1,
    }[kind];
    return this.append(manager, definition, payload.workspaceId, payload.workspaceId, payload, actorId);
  }

  user(manager: EntityManager, created: boolean, payload: UserPayloadV1, actorId: string | null) {
    return this.append(manager, created ? UserCreatedV1 : UserUpdatedV1, null, payload.userId, payload, actorId);
  }

  membership(manager: EntityManager, created: boolean, payload: MembershipPayloadV1, actorId: string | null) {
    return this.append(
      manager,
      created ? MembershipCreatedV1 : MembershipUpdatedV1,
      payload.workspaceId,
      payload.membershipId,
      payload,
      actorId,
    );
  }

  site(manager: EntityManager, created: boolean, payload: SitePayloadV1, actorId: string | null) {
    return this.append(
      manager,
      created ? SiteCreatedV1 : SiteUpdatedV1,
      payload.workspaceId,
      payload.siteId,
      payload,
      actorId,
    );
  }
}

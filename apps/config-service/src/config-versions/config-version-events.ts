import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConfigSnapshot } from '@atp/approval-routing';
import {
  ConfigVersionActivatedV1,
  ConfigVersionArchivedV1,
  ConfigVersionDeletedV1,
  ConfigVersionDraftEditedV1,
  ConfigVersionImportedV1,
  ConfigVersionRolledBackV1,
  ConfigVersionSnapshotV1,
  ConfigVersionSupersededV1,
  type ConfigSnapshotPayloadV1,
  type ConfigVersionPayloadV1,
  type EventDefinition,
} from '@atp/contracts';
import { OutboxWriter } from '@atp/platform-messaging';
import { correlationId } from '../common/correlation';
import { toEventPayload, type ConfigVersionRecord } from './config-version.record';

export const ConfigVersionEvent = {
  imported: ConfigVersionImportedV1,
  draftEdited: ConfigVersionDraftEditedV1,
  activated: ConfigVersionActivatedV1,
  superseded: ConfigVersionSupersededV1,
  archived: ConfigVersionArchivedV1,
  rolledBack: ConfigVersionRolledBackV1,
  deleted: ConfigVersionDeletedV1,
} as const;

/** Writes config-version events into the outbox of the caller's transaction. */
@Injectable()
export class ConfigVersionEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async lifecycle(
    manager: EntityManager,
    definition: EventDefinition<ConfigVersionPayloadV1>,
    version: ConfigVersionRecord,
    actorId: string,
  ): Promise<void> {
    await this.outbox.append(manager, {
      definition,
      workspaceId: version.workspaceId,
      aggregateId: version.id,
      payload: toEventPayload(version),
      correlationId: correlationId(),
      actorId,
    });
  }

  /** One event per activation with every master row; the compacted topic keeps it under the version id. */
  async snapshot(manager: EntityManager, snapshot: ConfigSnapshot, actorId: string): Promise<void> {
    await this.outbox.append<ConfigSnapshotPayloadV1>(manager, {
      definition: ConfigVersionSnapshotV1,
      workspaceId: snapshot.workspaceId,
      aggregateId: snapshot.configVersionId,
      payload: { snapshot: snapshot as unknown as ConfigSnapshotPayloadV1['snapshot'] },
      correlationId: correlationId(),
      actorId,
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type WorkflowEndEventType = 'workflow.completed' | 'workflow.rejected' | 'workflow.cancelled';

/**
 * `workflow_pins`: what each workflow pinned, and whether it still runs. The pins of a version are counted from
 * these rows (`ConfigVersionsRepository.pinnedCount`): no shared counter row that every workflow start of a
 * workspace would update. Every method runs inside the inbox transaction of the consumer and is idempotent by
 * state, so a redelivered or re-asserted event changes nothing.
 */
@Injectable()
export class PinsRepository {
  /**
   * Records a started workflow with the claimed versions this service knows in that workspace. A second start of
   * the same instance (another event id) or a start after its end changes nothing.
   */
  async started(
    manager: EntityManager,
    workflowInstanceId: string,
    workspaceId: string | null,
    claimedVersionIds: string[],
  ): Promise<string[]> {
    // FOR KEY SHARE: a concurrent archive/delete of the version (which locks it FOR UPDATE) is serialised with the
    // count.
    const known = (await manager.query(
      `SELECT id FROM config_versions WHERE id = ANY($1::text[]) AND workspace_id = $2::uuid ORDER BY id FOR KEY SHARE`,
      [[...new Set(claimedVersionIds)], workspaceId],
    )) as Array<{ id: string }>;
    const ids = known.map((k) => k.id);
    const inserted = (await manager.query(
      `INSERT INTO workflow_pins (workflow_instance_id, workspace_id, config_version_ids, started_at) VALUES ($1, $2, $3::text[], now())
       ON CONFLICT (workflow_instance_id) DO NOTHING RETURNING workflow_instance_id`,
      [workflowInstanceId, workspaceId, ids],
    )) as unknown[];
    return inserted.length === 0 ? [] : ids;
  }

  /** Releases the pins of an ended workflow, once; an end without a known start leaves a tombstone. */
  async ended(
    manager: EntityManager,
    workflowInstanceId: string,
    workspaceId: string | null,
    eventType: WorkflowEndEventType,
  ): Promise<string[]> {
    const [rows] = (await manager.query(
      `UPDATE workflow_pins SET ended_at = now(), end_event_type = $2, updated_at = now()
       WHERE workflow_instance_id = $1 AND ended_at IS NULL RETURNING config_version_ids`,
      [workflowInstanceId, eventType],
    )) as [Array<{ config_version_ids: string[] }>, number];
    if (rows.length === 0) {
      await manager.query(
        `INSERT INTO workflow_pins (workflow_instance_id, workspace_id, ended_at, end_event_type) VALUES ($1, $2, now(), $3)
         ON CONFLICT (workflow_instance_id) DO NOTHING`,
        [workflowInstanceId, workspaceId, eventType],
      );
      return [];
    }
    return rows[0].config_version_ids;
  }
}

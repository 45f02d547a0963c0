import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WorkflowPinsAssertedV1 } from '@atp/contracts';
import { inTransaction } from '@atp/platform-database';
import { Clock } from '../clock/clock';
import { WorkflowEventsPublisher } from '../workflow/workflow-events.publisher';
import type { FrozenRouting } from '../workflow/workflow-rows';

/** Small transactions: each holds its outbox rows only as long as one batch takes. */
const BATCH_SIZE = 500;

interface RunningWorkflow {
  id: string;
  submissionId: string;
  pinned: FrozenRouting['pinnedConfigVersions'];
}

/**
 * Re-asserts, from this service's own rows, the config versions every running workflow of a workspace pins
 * (`workflow.pins-asserted`), so config-service can rebuild its RESTRICT feed after the workflow topic's retention
 * has dropped the starts (issue 12, item 3). Reads take no lock: a workflow that ends meanwhile publishes its end
 * on the same partition, and the feed never reopens an ended workflow, so either order leaves it released.
 */
@Injectable()
export class PinsReassertService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: WorkflowEventsPublisher,
  ) {}

  async reassert(workspaceId: string, actorId: string): Promise<{ workspaceId: string; asserted: number }> {
    let after = '';
    let asserted = 0;
    for (;;) {
      const batch = await inTransaction(this.dataSource, async (manager) => {
        const rows = (await manager.query(
          `SELECT id, submission_id AS "submissionId", routing_snapshot->'pinnedConfigVersions' AS pinned
             FROM workflow_instances
            WHERE workspace_id = $1 AND status IN ('IN_PROGRESS', 'ON_HOLD') AND id > $2
            ORDER BY id LIMIT $3`,
          [workspaceId, after, BATCH_SIZE],
        )) as RunningWorkflow[];
        const now = this.clock.now();
        for (const row of rows) {
          await this.events.publish(
            manager,
            WorkflowPinsAssertedV1,
            row.id,
            {
              workflowInstanceId: row.id,
              submissionId: row.submissionId,
              pinnedConfigVersions: row.pinned,
              assertedAt: now.toISOString(),
            },
            { workspaceId, actorId, occurredAt: now },
          );
        }
        return rows;
      });
      asserted += batch.length;
      if (batch.length < BATCH_SIZE) return { workspaceId, asserted };
      after = batch[batch.length - 1].id;
    }
  }
}

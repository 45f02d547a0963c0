import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApproverOverride } from '@atp/approval-routing';
import { StatementBuilder } from '@atp/platform-database';
import { IDEMPOTENCY_CLAIM, IdempotencyStore, type IdempotencyScope } from '@atp/platform-http';
import { replacedUserOfRow, replacedUserQuery, type ReplacedUserRow } from '../overrides/covered-stages';
import { ROUTABLE_OVERRIDE, ROUTING_OVERRIDE_COLUMNS } from '../overrides/override.repository';
import { INSTANCE_COLUMNS, STAGE_COLUMNS, type InstanceRow, type StageRow } from '../workflow/workflow-rows';
import type { AuthorityFacts } from './stage-authority';

export interface DecisionTarget {
  workspaceId: string;
  workflowInstanceId: string;
  stageId: string;
  actorId: string;
}

/** Everything a decision reads, as of the workflow lock. */
export interface LoadedDecision {
  /** False when the Idempotency-Key was taken already (nothing else was read: replay). */
  claimed: boolean;
  /** The caller's active roles in the workspace (none: not a member). */
  roles: string[];
  instance: InstanceRow | null;
  /** Every stage of the workflow, in stage order (locked with the instance). */
  stages: StageRow[];
  authority: AuthorityFacts;
}

interface LoadRow {
  claimed: boolean;
  fresh: boolean;
  roles: string[];
  instance: (Omit<InstanceRow, 'heldAt'> & { heldAt: string | null }) | null;
  stages: Array<
    Omit<StageRow, 'slaDueAt' | 'slaBreachedAt'> & { slaDueAt: string | null; slaBreachedAt: string | null }
  >;
  overrides: ApproverOverride[];
  activeTargets: string[];
  replaced: ReplacedUserRow | null;
}

/**
 * The decision's one read (code review fd7f7ac §2.1): claims the Idempotency-Key, locks the workflow and its stages
 * (in that order, the order every writer of a workflow takes), and returns the stages, the caller's roles and the
 * overrides that can apply, in one round trip.
 *
 * A statement reads through the snapshot it started with, also after waiting for the workflow lock; only the locked
 * rows come back in their latest version. So the statement also compares the locked versions with the ones its
 * snapshot sees: when a writer committed in between (the lock was contended), everything is read again, now under
 * the lock, in a second statement.
 */
@Injectable()
export class DecisionLoader {
  constructor(private readonly idempotency: IdempotencyStore) {}

  async load(
    manager: EntityManager,
    target: DecisionTarget,
    claim: { scope: IdempotencyScope & { key: string }; fingerprint: string } | null,
  ): Promise<LoadedDecision> {
    const first = await this.read(manager, target, claim);
    const row = first.claimed && !first.fresh ? await this.read(manager, target, null) : first;
    return {
      claimed: first.claimed,
      roles: row.roles,
      instance: row.instance && {
        ...row.instance,
        heldAt: row.instance.heldAt === null ? null : new Date(row.instance.heldAt),
      },
      stages: row.stages.map((s) => ({
        ...s,
        slaDueAt: s.slaDueAt === null ? null : new Date(s.slaDueAt),
        slaBreachedAt: s.slaBreachedAt === null ? null : new Date(s.slaBreachedAt),
      })),
      authority: {
        overrides: row.overrides,
        activeTargets: new Set(row.activeTargets),
        replacedUserId: replacedUserOfRow(row.replaced),
      },
    };
  }

  private async read(
    manager: EntityManager,
    target: DecisionTarget,
    claim: { scope: IdempotencyScope & { key: string }; fingerprint: string } | null,
  ): Promise<LoadRow> {
    const statement = new StatementBuilder();
    if (claim) this.idempotency.claimIn(statement, claim.scope, claim.fingerprint);
    const workspace = statement.param(target.workspaceId, '::uuid');
    const instanceId = statement.param(target.workflowInstanceId, '::text');
    const stageId = statement.param(target.stageId, '::text');
    const actor = statement.param(target.actorId, '::text');
    // A replay locks nothing: the claim's CTE gates the lock (and is evaluated before it).
    const firstUse = claim ? `AND EXISTS (SELECT 1 FROM ${IDEMPOTENCY_CLAIM})` : '';
    // The workspace is compared with IS NOT DISTINCT FROM (workspace_id is NOT NULL, so it means `=`) because that
    // form cannot drive an index: the lookup always goes by primary key. With `=`, a generic plan made while the
    // table's statistics were stale chose (workspace_id, submission_id) and scanned the workspace's every workflow on
    // each decision (136 buffers at 300 workflows, growing with the workspace), for the connection's lifetime.
    statement.with(
      'instance',
      `SELECT ${INSTANCE_COLUMNS}, ctid::text AS "rowVersion" FROM workflow_instances
       WHERE id = ${instanceId} AND workspace_id IS NOT DISTINCT FROM ${workspace} ${firstUse} FOR UPDATE`,
    );
    statement.with(
      'stages',
      `SELECT ${STAGE_COLUMNS}, ctid::text AS "rowVersion" FROM workflow_stages
       WHERE workflow_instance_id = (SELECT id FROM instance) FOR NO KEY UPDATE`,
    );
    statement.with(
      'overrides',
      `SELECT ${ROUTING_OVERRIDE_COLUMNS} FROM approver_overrides
       WHERE workspace_id = ${workspace} AND ${ROUTABLE_OVERRIDE}
         AND role_code = (SELECT "roleCode" FROM stages WHERE id = ${stageId})`,
    );
    const [row] = await statement.run<LoadRow>(
      manager,
      `SELECT ${claim ? `EXISTS (SELECT 1 FROM ${IDEMPOTENCY_CLAIM})` : 'true'} AS claimed,
         (SELECT coalesce(json_agg(DISTINCT role), '[]'::json) FROM member_replica
           WHERE workspace_id = ${workspace} AND user_id = ${actor} AND is_active) AS roles,
         (SELECT to_json(i) FROM (SELECT ${INSTANCE_FIELDS} FROM instance) i) AS instance,
         (SELECT coalesce(json_agg(s ORDER BY s."stageNumber", s."parallelGroup" NULLS FIRST, s.id), '[]'::json)
            FROM (SELECT ${STAGE_FIELDS} FROM stages) s) AS stages,
         (SELECT coalesce(json_agg(o), '[]'::json) FROM overrides o) AS overrides,
         (SELECT coalesce(json_agg(DISTINCT user_id), '[]'::json) FROM member_replica
           WHERE workspace_id = ${workspace} AND is_active AND user_id IN (SELECT "toUserId" FROM overrides)) AS "activeTargets",
         (SELECT to_json(r) FROM (${replacedUserQuery(stageId)}) r) AS replaced,
         (SELECT "rowVersion" FROM instance) IS NOT DISTINCT FROM (SELECT ctid::text FROM workflow_instances WHERE id = (SELECT id FROM instance))
           AND (SELECT array_agg("rowVersion" ORDER BY id) FROM stages)
             IS NOT DISTINCT FROM (SELECT array_agg(ctid::text ORDER BY id) FROM workflow_stages WHERE workflow_instance_id = (SELECT id FROM instance))
           AS fresh`,
      { prepared: true },
    );
    return row;
  }
}

/** The columns of the CTEs without their row versions (`INSTANCE_COLUMNS`'s aliases). */
const INSTANCE_FIELDS = `id, "workspaceId", "submissionId", "attemptNumber", status, "currentStageNumber", "totalStages", "submittedBy", "heldAt",
  "routingSnapshot"`;
const STAGE_FIELDS = `id, "workspaceId", "workflowInstanceId", "stageNumber", "stageName", "approvalRoleId", "roleCode", "isParallel",
  "parallelGroup", "approverUserId", "backupUserId", status, "slaHours", "slaDueAt", "slaBreachedAt", decision, "isRequired"`;

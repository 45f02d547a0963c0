import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  StageActivatedV1,
  StageSkippedV1,
  StageUnassignedV1,
  WorkflowStartedV1,
  WorkflowStartRefusedV1,
  type EventDefinition,
  type StartRefusalReason,
} from '@atp/contracts';
import {
  compileRouting,
  CompiledRoutingCache,
  normaliseRouteCodes,
  routeRequestOfSubmission,
  slaDueAt,
  type ApprovalMatrixSnapshot,
  type ApproverOverride,
  type AtpCategory,
  type ClusterMappingSnapshot,
  type CompiledRouting,
  type RoutePlan,
} from '@atp/approval-routing';
import { runPrepared, StatementBuilder } from '@atp/platform-database';
import type { EventDraft } from '@atp/platform-messaging';
import { Clock } from '../clock/clock';
import { ReplicaRepository, type PinnedSnapshots, type PinnedVersionIds } from '../replica/replica.repository';
import { WorkflowEventsPublisher, type PublishContext } from '../workflow/workflow-events.publisher';
import { WorkflowRepository, type ActionDraft } from '../workflow/workflow.repository';
import { openNext } from '../workflow/progression';
import type { StageStatus } from '../workflow/state-machine';
import type { FrozenRouting } from '../workflow/workflow-rows';
import { ROUTABLE_OVERRIDE, ROUTING_OVERRIDE_COLUMNS } from '../overrides/override.repository';
import { backupOf, type StartRequest } from './start-request';

/** What `readContext` returns. */
interface StartContext {
  alreadyStarted: boolean;
  conflict: { attemptNumber: number; status: string } | null;
  /** Null when the workspace is not in the replica (yet). */
  workspaceActive: boolean | null;
  overrides: ApproverOverride[];
  /** The active members among the users routing may ask about. */
  members: string[];
  openStageCounts: Record<string, number>;
}

type PinnedRouting = { ok: true; routing: CompiledRouting } | Extract<PinnedSnapshots, { ok: false }>;

/** The workflow_instances row of a start, besides what the request carries. */
interface NewInstance {
  id: string;
  policyId: string;
  scopeId: string;
  vendorId: string | null;
  firstNumber: number;
  frozen: FrozenRouting;
}

interface PlannedStage {
  id: string;
  key: string;
  stageNumber: number;
  stageName: string;
  approvalRoleId: string;
  roleCode: string;
  isParallel: boolean;
  parallelGroup: string | null;
  approverUserId: string | null;
  backupUserId: string | null;
  slaHours: number;
  policyStageId: string | null;
  unassignedReason: string | null;
  /** The override that chose the approver at start, and the user it replaced (for later override precedence). */
  overrideId: string | null;
  baseUserId: string | null;
  isRequired: boolean;
  /** What the stage is created as: the opening number PENDING, its non-required stages SKIPPED, the rest WAITING. */
  status: StageStatus;
}

export type StartOutcome =
  | { kind: 'STARTED'; workflowInstanceId: string }
  | { kind: 'ALREADY_STARTED' }
  | { kind: 'REFUSED'; reason: StartRefusalReason };

/**
 * Starts the workflow of a QA-approved submission attempt (architecture §3 step 4): routing from the
 * replica of the pinned versions, every stage and approver frozen, first stage number opened. Runs
 * inside the consumer's inbox transaction, so rows and events commit with the inbox entry.
 */
@Injectable()
export class WorkflowStarter {
  /** Compiled routings of pinned versions (immutable, so never stale), and the users each may ask about. */
  private readonly compiled = new CompiledRoutingCache();
  private readonly candidates = new WeakMap<CompiledRouting, Candidates>();

  constructor(
    private readonly clock: Clock,
    private readonly replica: ReplicaRepository,
    private readonly workflows: WorkflowRepository,
    private readonly events: WorkflowEventsPublisher,
  ) {}

  async start(manager: EntityManager, request: StartRequest): Promise<StartOutcome> {
    const { payload } = request;
    const now = this.clock.now();
    const context: PublishContext = {
      workspaceId: payload.workspaceId,
      actorId: null,
      causationId: request.eventId,
      correlationId: request.correlationId,
      occurredAt: now,
    };
    const pinned = await this.routingFor(manager, payload.workspaceId, payload.pinnedConfigVersions);
    const facts = await this.readContext(manager, payload, pinned.ok ? pinned.routing : null);
    // Idempotent per attempt even if the event is republished with a new event id (the inbox only
    // deduplicates event ids); the unique key on the table backs this check.
    if (facts.alreadyStarted) return { kind: 'ALREADY_STARTED' };
    const conflict = attemptConflictOf(facts.conflict, payload.submissionId, payload.attemptNumber);
    if (conflict) return this.refuse(manager, request, context, 'ATTEMPT_CONFLICT', conflict);

    if (!request.category)
      return this.refuse(manager, request, context, 'UNKNOWN_CATEGORY', `unknown ATP category ${payload.atpCategory}`);
    if (facts.workspaceActive === false)
      return this.refuse(
        manager,
        request,
        context,
        'WORKSPACE_INACTIVE',
        `workspace ${payload.workspaceId} is deactivated`,
      );
    if (!pinned.ok) return this.refuse(manager, request, context, pinned.reason, pinned.detail);
    const { routing } = pinned;
    const { clusterMapping } = routing.snapshots;

    const activeMembers = new Set(facts.members);
    if (!activeMembers.has(payload.submittedBy)) {
      return this.refuse(
        manager,
        request,
        context,
        'SUBMITTER_NOT_MEMBER',
        `submitter ${payload.submittedBy} is not an active member of the workspace`,
      );
    }
    if (
      payload.clusterCode &&
      !clusterMapping.clusters.some((c) => c.clusterCode === payload.clusterCode && c.isActive)
    ) {
      return this.refuse(
        manager,
        request,
        context,
        'UNKNOWN_CLUSTER',
        `cluster ${payload.clusterCode} of site ${payload.siteCode ?? payload.siteId} is not in CLUSTER_MAPPING v${clusterMapping.versionNumber}: nobody could be assigned`,
      );
    }
    const openStageCounts = new Map(Object.entries(facts.openStageCounts));
    const asOf = now.toISOString().slice(0, 10);
    // Built by the routing library, with the dry run's normalisation (#6) and the submitter never assigned (#4).
    const routeRequest = routeRequestOfSubmission(payload, request.category, asOf);
    const codes = { scopeCode: routeRequest.scopeCode, vendorCode: routeRequest.vendorCode };
    const route = routing.resolveRoute(routeRequest, {
      directory: {
        isActiveMember: (userId) => activeMembers.has(userId),
        openStageCount: (userId) => openStageCounts.get(userId) ?? 0,
      },
      overrides: facts.overrides,
    });
    if (!route.ok) return this.refuse(manager, request, context, 'NO_POLICY', route.message);
    if (route.stages.length === 0)
      return this.refuse(manager, request, context, 'NO_POLICY', 'the chosen policy has no active stage');

    const stages = this.planStages(route, clusterMapping.clusterApprovers, payload.submittedBy);
    // Non-required stages before (and beside) the first required one are SKIPPED right away (domain §4.2).
    const opening = openNext(
      stages.map((s) => ({
        id: s.id,
        stageNumber: s.stageNumber,
        status: 'WAITING' as const,
        isRequired: s.isRequired,
      })),
    );
    if (opening.kind === 'COMPLETE')
      return this.refuse(manager, request, context, 'NO_POLICY', 'the chosen policy has no required stage');
    const pendingIds = new Set(opening.stageIds);
    const skippedIds = new Set(opening.skippedStageIds);
    for (const stage of stages)
      stage.status = pendingIds.has(stage.id) ? 'PENDING' : skippedIds.has(stage.id) ? 'SKIPPED' : 'WAITING';
    const frozen: FrozenRouting = {
      request: {
        ...routeRequest,
        siteCode: payload.siteCode,
        clusterCode: payload.clusterCode,
        region: payload.regionCode ?? null,
      },
      pinnedConfigVersions: payload.pinnedConfigVersions,
      plan: route,
    };
    const { scopeConfig } = routing.snapshots;
    const scope = scopeConfig.scopes.find((s) => s.scopeCode === codes.scopeCode);
    const vendor = codes.vendorCode ? scopeConfig.vendors.find((v) => v.vendorCode === codes.vendorCode) : undefined;
    const row: NewInstance = {
      id: randomUUID(),
      policyId: route.policy.source === 'MATRIX' ? route.policy.policyId : `template:${route.policy.templateCode}`,
      scopeId: scope?.id ?? `scope-code:${codes.scopeCode}`,
      vendorId: vendor?.id ?? null,
      firstNumber: opening.stageNumber,
      frozen,
    };
    // One statement for every row of the new workflow: instance, stages, audit rows and events.
    const statement = new StatementBuilder();
    this.insertInstance(statement, request, row, stages.length, now);
    this.insertStages(statement, payload.workspaceId, row.id, payload.pinnedConfigVersions.approvalMatrix, stages, now);
    this.workflows.appendActionsTo(statement, this.creationActions(payload.workspaceId, row.id, stages, now));
    this.events.appendTo(statement, this.startEvents(request, request.category, row, stages, context));
    await statement.run(manager, 'SELECT 1', { prepared: true });
    return { kind: 'STARTED', workflowInstanceId: row.id };
  }

  /**
   * The compiled routing of the pinned versions, from the cache (versions are immutable) or compiled from the
   * replica; a refusal when a version is missing or belongs to another workspace or type.
   */
  private async routingFor(manager: EntityManager, workspaceId: string, ids: PinnedVersionIds): Promise<PinnedRouting> {
    const cached = this.compiled.find(ids);
    if (cached && pinnedBy(cached, workspaceId)) return { ok: true, routing: cached };
    const pinned = await this.replica.loadPinned(manager, workspaceId, ids);
    if (!pinned.ok) return pinned;
    const { approvalMatrix, clusterMapping, scopeConfig } = pinned;
    const routing = this.compiled.remember(ids, compileRouting({ approvalMatrix, clusterMapping, scopeConfig }));
    this.candidates.set(routing, candidatesOf(approvalMatrix, clusterMapping));
    return { ok: true, routing };
  }

  /**
   * Everything a start reads besides the routing, in one round trip: whether the attempt started or conflicts, the
   * workspace's state, the approved overrides, which candidate approvers (and override targets, and the submitter)
   * are active members, and the open stages of the users whose load can decide an assignment.
   */
  private async readContext(
    manager: EntityManager,
    payload: StartRequest['payload'],
    routing: CompiledRouting | null,
  ): Promise<StartContext> {
    const candidates = routing ? this.candidates.get(routing) : undefined;
    const scope = routing?.snapshots.scopeConfig.scopes.find(
      (s) => s.scopeCode === normaliseRouteCodes(payload).scopeCode,
    );
    const load = candidates && (candidates.byLoad || scope?.requiresCluster === false) ? candidates.load : [];
    const [row] = await runPrepared<StartContext>(
      manager,
      `SELECT EXISTS (SELECT 1 FROM workflow_instances WHERE submission_id = $2 AND attempt_number = $3) AS "alreadyStarted",
         (SELECT to_json(c) FROM (
            SELECT attempt_number AS "attemptNumber", status FROM workflow_instances
            WHERE workspace_id = $1 AND submission_id = $2 AND attempt_number <> $3
              AND (attempt_number > $3 OR status IN ('IN_PROGRESS','ON_HOLD','COMPLETED'))
            ORDER BY attempt_number DESC LIMIT 1) c) AS conflict,
         (SELECT is_active FROM workspace_replica WHERE workspace_id = $1) AS "workspaceActive",
         (SELECT coalesce(json_agg(o), '[]'::json) FROM (
            SELECT ${ROUTING_OVERRIDE_COLUMNS} FROM approver_overrides WHERE workspace_id = $1 AND ${ROUTABLE_OVERRIDE}) o) AS overrides,
         (SELECT coalesce(json_agg(DISTINCT user_id), '[]'::json) FROM member_replica
           WHERE workspace_id = $1 AND is_active AND (user_id = ANY($4::text[]) OR user_id = $5 OR user_id IN (
             SELECT to_user_id FROM approver_overrides WHERE workspace_id = $1 AND ${ROUTABLE_OVERRIDE}))) AS members,
         (SELECT coalesce(json_object_agg("userId", n), '{}'::json) FROM (
            SELECT approver_user_id AS "userId", count(*)::int AS n FROM workflow_stages
            WHERE status = 'PENDING' AND approver_user_id = ANY($6::text[]) AND workspace_id = $1 GROUP BY approver_user_id) c) AS "openStageCounts"`,
      [
        payload.workspaceId,
        payload.submissionId,
        payload.attemptNumber,
        candidates?.members ?? [],
        payload.submittedBy,
        load,
      ],
    );
    return row;
  }

  private planStages(
    route: RoutePlan,
    clusterApprovers: ReadonlyArray<{ id: string; backupUserId: string | null }>,
    submittedBy: string,
  ): PlannedStage[] {
    return route.stages.map((stage) => ({
      id: randomUUID(),
      key: stage.key,
      stageNumber: stage.stageNumber,
      stageName: stage.stageName,
      // Built-in template stages may name a role the matrix lacks; the code then stands in for the id.
      approvalRoleId: stage.approvalRoleId ?? `role-code:${stage.roleCode}`,
      roleCode: stage.roleCode,
      isParallel: stage.isParallel,
      parallelGroup: stage.parallelGroup,
      approverUserId: stage.approverUserId,
      backupUserId: backupOf(route, stage.key, clusterApprovers, submittedBy),
      slaHours: stage.slaHours,
      policyStageId: stage.policyStageId,
      unassignedReason: stage.approverUserId ? null : (stage.assignment.reason ?? 'NO_APPROVER'),
      overrideId: stage.assignment.overrideId,
      baseUserId: stage.assignment.baseUserId,
      isRequired: stage.isRequired,
      status: 'WAITING' as StageStatus,
    }));
  }

  private insertInstance(
    statement: StatementBuilder,
    request: StartRequest,
    row: NewInstance,
    totalStages: number,
    now: Date,
  ): void {
    const { payload } = request;
    const values = [
      row.id,
      payload.workspaceId,
      payload.submissionId,
      payload.attemptNumber,
      payload.pinnedConfigVersions.approvalMatrix,
      row.policyId,
      payload.siteId,
      row.vendorId,
      row.scopeId,
      request.category,
      row.firstNumber,
      totalStages,
      payload.submittedBy,
      now,
      payload.qaApprovedBy ?? null,
      JSON.stringify(row.frozen),
    ].map((value) => statement.param(value));
    // No ON CONFLICT: a concurrent start of the same attempt (read as not started above) fails on the unique key
    // and its retry finds the attempt started.
    statement.with(
      'new_instance',
      `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id,
         vendor_id, scope_id, atp_category, status, current_stage_number, total_stages, submitted_by, started_at, created_by, routing_snapshot)
       VALUES (${values.slice(0, 10).join(', ')}, 'IN_PROGRESS', ${values[10]}::int, ${values[11]}::int, ${values[12]}, ${values[13]}::timestamptz,
         ${values[14]}, ${values[15]}::jsonb)
       RETURNING id`,
    );
  }

  private insertStages(
    statement: StatementBuilder,
    workspaceId: string,
    instanceId: string,
    configVersionId: string,
    stages: PlannedStage[],
    now: Date,
  ): void {
    const opens = (s: PlannedStage) => s.status === 'PENDING';
    const p = (value: unknown, cast = '') => statement.param(value, cast);
    statement.with(
      'new_stages',
      `INSERT INTO workflow_stages (id, workspace_id, workflow_instance_id, config_version_id, stage_number, stage_name, approval_role_id,
         role_code, is_parallel, parallel_group, approver_user_id, backup_user_id, status, sla_hours, activated_at, sla_due_at, policy_stage_id,
         is_required)
       SELECT u.id, ${p(workspaceId, '::uuid')}, ${p(instanceId)}, ${p(configVersionId)}, u.stage_number, u.stage_name, u.role_id, u.role_code,
         u.is_parallel, u.parallel_group, u.approver, u.backup, u.status, u.sla_hours, u.activated_at, u.sla_due_at, u.policy_stage_id, u.is_required
       FROM unnest(${p(
         stages.map((s) => s.id),
         '::text[]',
       )}, ${p(
         stages.map((s) => s.stageNumber),
         '::int[]',
       )},
         ${p(
           stages.map((s) => s.stageName),
           '::text[]',
         )}, ${p(
           stages.map((s) => s.approvalRoleId),
           '::text[]',
         )},
         ${p(
           stages.map((s) => s.roleCode),
           '::text[]',
         )}, ${p(
           stages.map((s) => s.isParallel),
           '::boolean[]',
         )},
         ${p(
           stages.map((s) => s.parallelGroup),
           '::text[]',
         )}, ${p(
           stages.map((s) => s.approverUserId),
           '::text[]',
         )},
         ${p(
           stages.map((s) => s.backupUserId),
           '::text[]',
         )}, ${p(
           stages.map((s) => s.status),
           '::text[]',
         )},
         ${p(
           stages.map((s) => s.slaHours),
           '::int[]',
         )}, ${p(
           stages.map((s) => (opens(s) ? now : null)),
           '::timestamptz[]',
         )},
         ${p(
           stages.map((s) => (opens(s) ? slaDueAt(now, s.slaHours) : null)),
           '::timestamptz[]',
         )},
         ${p(
           stages.map((s) => s.policyStageId),
           '::text[]',
         )}, ${p(
           stages.map((s) => s.isRequired),
           '::boolean[]',
         )})
         AS u(id, stage_number, stage_name, role_id, role_code, is_parallel, parallel_group, approver, backup, status, sla_hours,
              activated_at, sla_due_at, policy_stage_id, is_required)
       RETURNING 1`,
    );
  }

  private creationActions(workspaceId: string, instanceId: string, stages: PlannedStage[], now: Date): ActionDraft[] {
    return stages.flatMap((stage) => {
      const base = {
        workspaceId,
        workflowInstanceId: instanceId,
        workflowStageId: stage.id,
        actorUserId: null,
        actionAt: now,
      };
      const actions: ActionDraft[] = [
        // Every stage is created WAITING; the opening ones then move on (ACTIVATED or SKIPPED), each step its own row
        // (#19).
        {
          ...base,
          actionType: 'CREATED',
          payload: {
            newStatus: 'WAITING',
            approverUserId: stage.approverUserId,
            overrideId: stage.overrideId,
            baseUserId: stage.baseUserId,
          },
        },
      ];
      if (stage.status === 'SKIPPED') {
        actions.push({
          ...base,
          actionType: 'SKIPPED',
          payload: { oldStatus: 'WAITING', newStatus: 'SKIPPED', reason: 'NOT_REQUIRED' },
        });
        return actions;
      }
      if (stage.status === 'PENDING') {
        actions.push({
          ...base,
          actionType: 'ACTIVATED',
          payload: {
            oldStatus: 'WAITING',
            newStatus: 'PENDING',
            slaDueAt: slaDueAt(now, stage.slaHours).toISOString(),
          },
        });
      }
      if (!stage.approverUserId)
        actions.push({ ...base, actionType: 'UNASSIGNED', payload: { reason: stage.unassignedReason } });
      return actions;
    });
  }

  private startEvents(
    request: StartRequest,
    category: AtpCategory,
    row: NewInstance,
    stages: PlannedStage[],
    context: PublishContext,
  ): EventDraft<unknown>[] {
    const { payload } = request;
    const instanceId = row.id;
    const drafts: EventDraft<unknown>[] = [];
    const add = <P>(definition: EventDefinition<P>, eventPayload: P) =>
      drafts.push(this.events.draft(definition, instanceId, eventPayload, context));
    add(WorkflowStartedV1, {
      workflowInstanceId: instanceId,
      submissionId: payload.submissionId,
      attemptNumber: payload.attemptNumber,
      siteId: payload.siteId,
      siteCode: payload.siteCode,
      vendorCode: payload.vendorCode,
      scopeId: row.scopeId,
      scopeCode: payload.scopeCode,
      vendorId: row.vendorId,
      atpCategory: category,
      configVersionId: payload.pinnedConfigVersions.approvalMatrix,
      approvalPolicyId: row.policyId,
      pinnedConfigVersions: payload.pinnedConfigVersions,
      totalStages: stages.length,
      stages: stages.map((s) => ({
        stageId: s.id,
        stageNumber: s.stageNumber,
        stageName: s.stageName,
        approvalRoleId: s.approvalRoleId,
        roleCode: s.roleCode,
        parallelGroup: s.parallelGroup,
        approverUserId: s.approverUserId,
        slaHours: s.slaHours,
        policyStageId: s.policyStageId,
      })),
    });
    for (const stage of stages) {
      const ref = {
        workflowInstanceId: instanceId,
        submissionId: payload.submissionId,
        stageId: stage.id,
        stageNumber: stage.stageNumber,
        stageName: stage.stageName,
        approvalRoleId: stage.approvalRoleId,
        roleCode: stage.roleCode,
        parallelGroup: stage.parallelGroup,
        approverUserId: stage.approverUserId,
      };
      if (stage.status === 'SKIPPED') {
        add(StageSkippedV1, { ...ref, reason: 'NOT_REQUIRED', skippedAt: context.occurredAt.toISOString() });
        continue;
      }
      if (stage.status === 'PENDING') {
        add(StageActivatedV1, {
          ...ref,
          slaHours: stage.slaHours,
          slaDueAt: slaDueAt(context.occurredAt, stage.slaHours).toISOString(),
        });
      }
      if (!stage.approverUserId) add(StageUnassignedV1, { ...ref, reason: stage.unassignedReason ?? 'NO_APPROVER' });
    }
    return drafts;
  }

  private async refuse(
    manager: EntityManager,
    request: StartRequest,
    context: PublishContext,
    reason: StartRefusalReason,
    detail: string,
  ): Promise<StartOutcome> {
    const { payload } = request;
    await manager.query(
      `INSERT INTO workflow_start_refusals (workspace_id, submission_id, attempt_number, reason, detail, event_id, refused_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [
        payload.workspaceId,
        payload.submissionId,
        payload.attemptNumber,
        reason,
        detail,
        request.eventId,
        context.occurredAt,
      ],
    );
    await this.events.publish(
      manager,
      WorkflowStartRefusedV1,
      payload.submissionId,
      {
        submissionId: payload.submissionId,
        attemptNumber: payload.attemptNumber,
        reason,
        detail: detail.slice(0, 2000),
      },
      context,
    );
    return { kind: 'REFUSED', reason };
  }
}

/**
 * Attempts follow rejections (contract: "+1 per resubmission after a rejection"): attempt N may start only
 * when no other attempt of the submission is open or approved, and no newer one exists (#5). A pre-QA
 * rejection leaves no workflow, so a gap in the numbers is fine.
 */
function attemptConflictOf(
  other: StartContext['conflict'],
  submissionId: string,
  attemptNumber: number,
): string | null {
  if (!other) return null;
  if (other.attemptNumber > attemptNumber)
    return `attempt ${other.attemptNumber} of submission ${submissionId} is newer than attempt ${attemptNumber}`;
  return `attempt ${other.attemptNumber} of submission ${submissionId} is ${other.status}: a new attempt starts only after a rejection`;
}

/** A cached routing serves only the workspace that pinned it, each version in its own role. */
function pinnedBy(routing: CompiledRouting, workspaceId: string): boolean {
  const { approvalMatrix, clusterMapping, scopeConfig } = routing.snapshots;
  return (
    [approvalMatrix, clusterMapping, scopeConfig].every((snapshot) => snapshot.workspaceId === workspaceId) &&
    approvalMatrix.sourceType === 'APPROVAL_MATRIX' &&
    clusterMapping.sourceType === 'CLUSTER_MAPPING' &&
    scopeConfig.sourceType === 'SCOPE_CONFIG'
  );
}

/**
 * The users routing may ask about (`isActiveMember`): cluster approvers and their backups, RULE pools and STATIC
 * users; and those whose load can decide an assignment (`openStageCount`: cluster approvers for AUTO, pools for
 * LEAST_LOADED). Override targets and the submitter are added by the query. Loads are read only when a stage can be
 * assigned by load: an AUTO or LEAST_LOADED stage, or a CLUSTER stage (templates too) of a scope that requires no
 * cluster (it falls back to AUTO).
 */
function candidatesOf(matrix: ApprovalMatrixSnapshot, clusters: ClusterMappingSnapshot): Candidates {
  const holders = new Set<string>();
  for (const row of clusters.clusterApprovers) {
    holders.add(row.primaryUserId);
    if (row.backupUserId) holders.add(row.backupUserId);
  }
  const members = new Set(holders);
  const pools = new Set<string>();
  let byLoad = false;
  for (const stage of matrix.policyStages) {
    const rule = stage.autoAssignRule;
    if (stage.assignmentMode === 'AUTO') byLoad = true;
    if (rule && 'pool' in rule && Array.isArray(rule.pool)) {
      for (const userId of rule.pool) {
        pools.add(userId);
        members.add(userId);
      }
      if (rule.strategy === 'LEAST_LOADED') byLoad = true;
    }
    if (rule && 'userId' in rule && typeof rule.userId === 'string') members.add(rule.userId);
  }
  const load = [...new Set([...holders, ...pools])];
  return { members: [...members], load, byLoad };
}

interface Candidates {
  members: string[];
  load: string[];
  /** Some stage of the matrix assigns by load whatever the scope. */
  byLoad: boolean;
}

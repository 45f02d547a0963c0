import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  StageActivatedV1, StageSkippedV1, StageUnassignedV1, WorkflowStartedV1, WorkflowStartRefusedV1, type StartRefusalReason,
} from '@atp/contracts';
import {
  resolveRoute, routeRequestOfSubmission, slaDueAt, type ApprovalMatrixSnapshot, type ApproverOverride, type AtpCategory, type ClusterMappingSnapshot, type RoutePlan,
} from '@atp/approval-routing';
import { Clock } from '../clock/clock';
import { MemberDirectory } from '../replica/member-directory';
import { ReplicaRepository } from '../replica/replica.repository';
import { WorkflowEventsPublisher, type PublishContext } from '../workflow/workflow-events.publisher';
import { WorkflowRepository, type ActionDraft } from '../workflow/workflow.repository';
import { openNext } from '../workflow/progression';
import type { StageStatus } from '../workflow/state-machine';
import type { FrozenRouting } from '../workflow/workflow-rows';
import { OverrideRepository } from '../overrides/override.repository';
import { backupOf, type StartRequest } from './start-request';

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

export type StartOutcome = { kind: 'STARTED'; workflowInstanceId: string } | { kind: 'ALREADY_STARTED' } | { kind: 'REFUSED'; reason: StartRefusalReason };

/**
 * Starts the workflow of a QA-approved submission attempt (architecture §3 step 4): routing from the
 * replica of the pinned versions, every stage and approver frozen, first stage number opened. Runs
 * inside the consumer's inbox transaction, so rows and events commit with the inbox entry.
 */
@Injectable()
export class WorkflowStarter {
  constructor(
    private readonly clock: Clock,
    private readonly replica: ReplicaRepository,
    private readonly members: MemberDirectory,
    private readonly workflows: WorkflowRepository,
    private readonly overrides: OverrideRepository,
    private readonly events: WorkflowEventsPublisher,
  ) {}

  async start(manager: EntityManager, request: StartRequest): Promise<StartOutcome> {
    const { payload } = request;
    const now = this.clock.now();
    const context: PublishContext = {
      workspaceId: payload.workspaceId, actorId: null, causationId: request.eventId, correlationId: request.correlationId, occurredAt: now,
    };
    // Idempotent per attempt even if the event is republished with a new event id (the inbox only
    // deduplicates event ids); the unique key on the table backs this check.
    const existing = (await manager.query(`SELECT id FROM workflow_instances WHERE submission_id = $1 AND attempt_number = $2`, [
      payload.submissionId,
      payload.attemptNumber,
    ])) as unknown[];
    if (existing.length > 0) return { kind: 'ALREADY_STARTED' };
    const conflict = await this.attemptConflict(manager, payload.workspaceId, payload.submissionId, payload.attemptNumber);
    if (conflict) return this.refuse(manager, request, context, 'ATTEMPT_CONFLICT', conflict);

    if (!request.category) return this.refuse(manager, request, context, 'UNKNOWN_CATEGORY', `unknown ATP category ${payload.atpCategory}`);
    const workspace = (await manager.query(`SELECT is_active AS "isActive" FROM workspace_replica WHERE workspace_id = $1`, [payload.workspaceId])) as Array<{ isActive: boolean }>;
    if (workspace[0] && !workspace[0].isActive) return this.refuse(manager, request, context, 'WORKSPACE_INACTIVE', `workspace ${payload.workspaceId} is deactivated`);

    const pinned = await this.replica.loadPinned(manager, payload.workspaceId, payload.pinnedConfigVersions);
    if (!pinned.ok) return this.refuse(manager, request, context, pinned.reason, pinned.detail);

    const activeMembers = await this.members.activeMemberIds(manager, payload.workspaceId);
    if (!activeMembers.has(payload.submittedBy)) {
      return this.refuse(manager, request, context, 'SUBMITTER_NOT_MEMBER', `submitter ${payload.submittedBy} is not an active member of the workspace`);
    }
    if (payload.clusterCode && !pinned.clusterMapping.clusters.some((c) => c.clusterCode === payload.clusterCode && c.isActive)) {
      return this.refuse(manager, request, context, 'UNKNOWN_CLUSTER',
        `cluster ${payload.clusterCode} of site ${payload.siteCode ?? payload.siteId} is not in CLUSTER_MAPPING v${pinned.clusterMapping.versionNumber}: nobody could be assigned`);
    }
    const openStageCounts = await this.openStageCounts(manager, payload.workspaceId, loadCandidates(pinned.approvalMatrix, pinned.clusterMapping));
    const overrides: ApproverOverride[] = await this.overrides.approvedForRouting(manager, payload.workspaceId);
    const asOf = now.toISOString().slice(0, 10);
    // Built by the routing library, with the dry run's normalisation (#6) and the submitter never assigned (#4).
    const routeRequest = routeRequestOfSubmission(payload, request.category, asOf);
    const codes = { scopeCode: routeRequest.scopeCode, vendorCode: routeRequest.vendorCode };
    const route = resolveRoute({
      snapshots: { approvalMatrix: pinned.approvalMatrix, clusterMapping: pinned.clusterMapping, scopeConfig: pinned.scopeConfig },
      request: routeRequest,
      directory: { isActiveMember: (userId) => activeMembers.has(userId), openStageCount: (userId) => openStageCounts.get(userId) ?? 0 },
      overrides,
    });
    if (!route.ok) return this.refuse(manager, request, context, 'NO_POLICY', route.message);
    if (route.stages.length === 0) return this.refuse(manager, request, context, 'NO_POLICY', 'the chosen policy has no active stage');

    const stages = this.planStages(route, pinned.clusterMapping.clusterApprovers, payload.submittedBy);
    // Non-required stages before (and beside) the first required one are SKIPPED right away (domain §4.2).
    const opening = openNext(stages.map((s) => ({ id: s.id, stageNumber: s.stageNumber, status: 'WAITING' as const, isRequired: s.isRequired })));
    if (opening.kind === 'COMPLETE') return this.refuse(manager, request, context, 'NO_POLICY', 'the chosen policy has no required stage');
    const pendingIds = new Set(opening.stageIds);
    const skippedIds = new Set(opening.skippedStageIds);
    for (const stage of stages) stage.status = pendingIds.has(stage.id) ? 'PENDING' : skippedIds.has(stage.id) ? 'SKIPPED' : 'WAITING';
    const firstNumber = opening.stageNumber;
    const category = request.category;
    const frozen: FrozenRouting = {
      request: { ...routeRequest, siteCode: payload.siteCode, clusterCode: payload.clusterCode, region: payload.regionCode ?? null },
      pinnedConfigVersions: payload.pinnedConfigVersions,
      plan: route,
    };
    const scope = pinned.scopeConfig.scopes.find((s) => s.scopeCode === codes.scopeCode);
    const vendor = codes.vendorCode ? pinned.scopeConfig.vendors.find((v) => v.vendorCode === codes.vendorCode) : undefined;
    const policyId = route.policy.source === 'MATRIX' ? route.policy.policyId : `template:${route.policy.templateCode}`;
    const instanceId = randomUUID();
    const inserted = (await manager.query(
      `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id,
         vendor_id, scope_id, atp_category, status, current_stage_number, total_stages, submitted_by, started_at, created_by, routing_snapshot)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'IN_PROGRESS',$11,$12,$13,$14,$15,$16)
       ON CONFLICT (submission_id, attempt_number) DO NOTHING RETURNING id`,
      [
        instanceId, payload.workspaceId, payload.submissionId, payload.attemptNumber, payload.pinnedConfigVersions.approvalMatrix, policyId,
        payload.siteId, vendor?.id ?? null, scope?.id ?? `scope-code:${codes.scopeCode}`, request.category, firstNumber, stages.length,
        payload.submittedBy, now, payload.qaApprovedBy ?? null, JSON.stringify(frozen),
      ],
    )) as unknown[];
    if (inserted.length === 0) return { kind: 'ALREADY_STARTED' };

    await this.insertStages(manager, payload.workspaceId, instanceId, payload.pinnedConfigVersions.approvalMatrix, stages, now);
    await this.workflows.appendActions(manager, this.creationActions(payload.workspaceId, instanceId, stages, now));
    await this.publishStart(manager, request, category, instanceId, route, stages, context);
    return { kind: 'STARTED', workflowInstanceId: instanceId };
  }

  private planStages(route: RoutePlan, clusterApprovers: ReadonlyArray<{ id: string; backupUserId: string | null }>, submittedBy: string): PlannedStage[] {
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

  private async insertStages(
    manager: EntityManager, workspaceId: string, instanceId: string, configVersionId: string, stages: PlannedStage[], now: Date,
  ): Promise<void> {
    const opens = (s: PlannedStage) => s.status === 'PENDING';
    await manager.query(
      `INSERT INTO workflow_stages (id, workspace_id, workflow_instance_id, config_version_id, stage_number, stage_name, approval_role_id,
         role_code, is_parallel, parallel_group, approver_user_id, backup_user_id, status, sla_hours, activated_at, sla_due_at, policy_stage_id,
         is_required)
       SELECT u.id, $1, $2, $3, u.stage_number, u.stage_name, u.role_id, u.role_code, u.is_parallel, u.parallel_group, u.approver,
         u.backup, u.status, u.sla_hours, u.activated_at, u.sla_due_at, u.policy_stage_id, u.is_required
       FROM unnest($4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[],
         $13::text[], $14::int[], $15::timestamptz[], $16::timestamptz[], $17::text[], $18::boolean[])
         AS u(id, stage_number, stage_name, role_id, role_code, is_parallel, parallel_group, approver, backup, status, sla_hours,
              activated_at, sla_due_at, policy_stage_id, is_required)`,
      [
        workspaceId, instanceId, configVersionId,
        stages.map((s) => s.id), stages.map((s) => s.stageNumber), stages.map((s) => s.stageName), stages.map((s) => s.approvalRoleId),
        stages.map((s) => s.roleCode), stages.map((s) => s.isParallel), stages.map((s) => s.parallelGroup), stages.map((s) => s.approverUserId),
        stages.map((s) => s.backupUserId), stages.map((s) => s.status), stages.map((s) => s.slaHours),
        stages.map((s) => (opens(s) ? now : null)), stages.map((s) => (opens(s) ? slaDueAt(now, s.slaHours) : null)),
        stages.map((s) => s.policyStageId), stages.map((s) => s.isRequired),
      ],
    );
  }

  private creationActions(workspaceId: string, instanceId: string, stages: PlannedStage[], now: Date): ActionDraft[] {
    return stages.flatMap((stage) => {
      const base = { workspaceId, workflowInstanceId: instanceId, workflowStageId: stage.id, actorUserId: null, actionAt: now };
      const actions: ActionDraft[] = [
        // Every stage is created WAITING; the opening ones then move on (ACTIVATED or SKIPPED), each step its own row (#19).
        {
          ...base, actionType: 'CREATED',
          payload: { newStatus: 'WAITING', approverUserId: stage.approverUserId, overrideId: stage.overrideId, baseUserId: stage.baseUserId },
        },
      ];
      if (stage.status === 'SKIPPED') {
        actions.push({ ...base, actionType: 'SKIPPED', payload: { oldStatus: 'WAITING', newStatus: 'SKIPPED', reason: 'NOT_REQUIRED' } });
        return actions;
      }
      if (stage.status === 'PENDING') {
        actions.push({ ...base, actionType: 'ACTIVATED', payload: { oldStatus: 'WAITING', newStatus: 'PENDING', slaDueAt: slaDueAt(now, stage.slaHours).toISOString() } });
      }
      if (!stage.approverUserId) actions.push({ ...base, actionType: 'UNASSIGNED', payload: { reason: stage.unassignedReason } });
      return actions;
    });
  }

  private async publishStart(
    manager: EntityManager, request: StartRequest, category: AtpCategory, instanceId: string, route: RoutePlan, stages: PlannedStage[], context: PublishContext,
  ): Promise<void> {
    const { payload } = request;
    const policyId = route.policy.source === 'MATRIX' ? route.policy.policyId : `template:${route.policy.templateCode}`;
    const scopeId = (await manager.query(`SELECT scope_id AS "scopeId", vendor_id AS "vendorId" FROM workflow_instances WHERE id = $1`, [instanceId])) as Array<{ scopeId: string; vendorId: string | null }>;
    await this.events.publish(manager, WorkflowStartedV1, instanceId, {
      workflowInstanceId: instanceId,
      submissionId: payload.submissionId,
      attemptNumber: payload.attemptNumber,
      siteId: payload.siteId,
      siteCode: payload.siteCode, vendorCode: payload.vendorCode,
      scopeId: scopeId[0].scopeId,
      scopeCode: payload.scopeCode,
      vendorId: scopeId[0].vendorId,
      atpCategory: category,
      configVersionId: payload.pinnedConfigVersions.approvalMatrix,
      approvalPolicyId: policyId,
      pinnedConfigVersions: payload.pinnedConfigVersions,
      totalStages: stages.length,
      stages: stages.map((s) => ({
        stageId: s.id, stageNumber: s.stageNumber, stageName: s.stageName, approvalRoleId: s.approvalRoleId, roleCode: s.roleCode,
        parallelGroup: s.parallelGroup, approverUserId: s.approverUserId, slaHours: s.slaHours, policyStageId: s.policyStageId,
      })),
    }, context);
    for (const stage of stages) {
      const ref = {
        workflowInstanceId: instanceId, submissionId: payload.submissionId, stageId: stage.id, stageNumber: stage.stageNumber,
        stageName: stage.stageName, approvalRoleId: stage.approvalRoleId, roleCode: stage.roleCode, parallelGroup: stage.parallelGroup,
        approverUserId: stage.approverUserId,
      };
      if (stage.status === 'SKIPPED') {
        await this.events.publish(manager, StageSkippedV1, instanceId, { ...ref, reason: 'NOT_REQUIRED', skippedAt: context.occurredAt.toISOString() }, context);
        continue;
      }
      if (stage.status === 'PENDING') {
        await this.events.publish(manager, StageActivatedV1, instanceId, { ...ref, slaHours: stage.slaHours, slaDueAt: slaDueAt(context.occurredAt, stage.slaHours).toISOString() }, context);
      }
      if (!stage.approverUserId) {
        await this.events.publish(manager, StageUnassignedV1, instanceId, { ...ref, reason: stage.unassignedReason ?? 'NO_APPROVER' }, context);
      }
    }
  }

  private async refuse(manager: EntityManager, request: StartRequest, context: PublishContext, reason: StartRefusalReason, detail: string): Promise<StartOutcome> {
    const { payload } = request;
    await manager.query(
      `INSERT INTO workflow_start_refusals (workspace_id, submission_id, attempt_number, reason, detail, event_id, refused_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [payload.workspaceId, payload.submissionId, payload.attemptNumber, reason, detail, request.eventId, context.occurredAt],
    );
    await this.events.publish(manager, WorkflowStartRefusedV1, payload.submissionId, {
      submissionId: payload.submissionId, attemptNumber: payload.attemptNumber, reason, detail: detail.slice(0, 2000),
    }, context);
    return { kind: 'REFUSED', reason };
  }

  /**
   * Attempts follow rejections (contract: "+1 per resubmission after a rejection"): attempt N may start only
   * when no other attempt of the submission is open or approved, and no newer one exists (#5). A pre-QA
   * rejection leaves no workflow, so a gap in the numbers is fine.
   */
  private async attemptConflict(manager: EntityManager, workspaceId: string, submissionId: string, attemptNumber: number): Promise<string | null> {
    const rows = (await manager.query(
      `SELECT attempt_number AS "attemptNumber", status FROM workflow_instances
       WHERE workspace_id = $1 AND submission_id = $2 AND attempt_number <> $3
         AND (attempt_number > $3 OR status IN ('IN_PROGRESS','ON_HOLD','COMPLETED'))
       ORDER BY attempt_number DESC LIMIT 1`,
      [workspaceId, submissionId, attemptNumber],
    )) as Array<{ attemptNumber: number; status: string }>;
    const other = rows[0];
    if (!other) return null;
    if (other.attemptNumber > attemptNumber) return `attempt ${other.attemptNumber} of submission ${submissionId} is newer than attempt ${attemptNumber}`;
    return `attempt ${other.attemptNumber} of submission ${submissionId} is ${other.status}: a new attempt starts only after a rejection`;
  }

  /**
   * PENDING stages per candidate approver (LEAST_LOADED and AUTO assignment read it). Only the
   * users those modes can pick are counted, through the pending-by-user index, so a start costs
   * the same whether the workspace has a hundred open stages or a million.
   */
  private async openStageCounts(manager: EntityManager, workspaceId: string, candidates: string[]): Promise<Map<string, number>> {
    if (candidates.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT approver_user_id AS "userId", count(*)::int AS n FROM workflow_stages
       WHERE status = 'PENDING' AND approver_user_id = ANY($2::text[]) AND workspace_id = $1 GROUP BY approver_user_id`,
      [workspaceId, candidates],
    )) as Array<{ userId: string; n: number }>;
    return new Map(rows.map((row) => [row.userId, row.n]));
  }
}

/** Users whose load can decide an assignment: cluster approvers (AUTO) and RULE pools. */
function loadCandidates(matrix: ApprovalMatrixSnapshot, clusters: ClusterMappingSnapshot): string[] {
  const users = new Set<string>();
  for (const row of clusters.clusterApprovers) {
    users.add(row.primaryUserId);
    if (row.backupUserId) users.add(row.backupUserId);
  }
  for (const stage of matrix.policyStages) {
    const rule = stage.autoAssignRule;
    if (rule && 'pool' in rule) for (const userId of rule.pool) users.add(userId);
  }
  return [...users];
}

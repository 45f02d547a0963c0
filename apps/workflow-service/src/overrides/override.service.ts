import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ApproverOverrideApprovedV1,
  ApproverOverrideRejectedV1,
  ApproverOverrideRequestedV1,
  type ApproverOverridePayloadV1,
  type EventDefinition,
} from '@atp/contracts';
import { canonicalRoleCode } from '@atp/approval-routing';
import { inTransaction } from '@atp/platform-database';
import {
  ConflictError,
  decodeCursor,
  DomainError,
  encodeCursor,
  NotFoundError,
  UnknownReferenceError,
  ValidationFailedError,
  type FieldError,
  type Page,
} from '@atp/platform-http';
import { Clock } from '../clock/clock';
import { IdempotencyStore, type StoredResponse } from '@atp/platform-http';
import { MemberDirectory } from '../replica/member-directory';
import { WorkflowEventsPublisher, type PublishContext } from '../workflow/workflow-events.publisher';
import { WorkflowProgress } from '../workflow/workflow-progress.service';
import { WorkflowRepository } from '../workflow/workflow.repository';
import { OPEN_STAGE_STATUSES, isTerminalWorkflow } from '../workflow/state-machine';
import type { CreateOverrideDto, DecideOverrideDto, ListOverridesQueryDto } from './dto/override.dto';
import { CoveredStageReassigner } from './covered-stages';
import { OverrideRepository, type OverrideRow } from './override.repository';

/** The target field each override type needs; the others must be absent. */
const TARGET_FIELD = {
  STAGE: 'workflowStageId',
  SUBMISSION: 'submissionId',
  CLUSTER: 'clusterCode',
  REGION: 'region',
} as const;

export interface OverrideView {
  id: string;
  overrideType: string;
  workflowStageId: string | null;
  workflowInstanceId: string | null;
  submissionId: string | null;
  clusterCode: string | null;
  region: string | null;
  approvalRoleId: string | null;
  roleCode: string;
  fromUserId: string;
  toUserId: string;
  reason: string;
  requestorUserId: string;
  approvalStatus: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  effectiveDate: string;
  expiryDate: string | null;
  createdAt: string;
}

/**
 * Approver overrides over HTTP (domain §3.3, architecture §6 Q6): any member may request one; only a
 * WORKSPACE_ADMIN of the member replica decides it, never the requester. An override has effect only
 * once APPROVED and inside its dates; at decision time `StageAuthority` applies the one that wins by
 * precedence STAGE > SUBMISSION > CLUSTER > REGION > base mapping. Approving a STAGE override that is
 * effective today reassigns its open stage in the same transaction (approver updated, REASSIGNED action
 * with old and new approver, `workflow.stage.reassigned`); a SUBMISSION/CLUSTER/REGION override effective today
 * does the same for every open stage it covers (`CoveredStageReassigner`). An override effective only later is
 * left to the decision-time check (it then wins over the assigned approver once its date comes).
 */
@Injectable()
export class OverrideService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly members: MemberDirectory,
    private readonly overrides: OverrideRepository,
    private readonly workflows: WorkflowRepository,
    private readonly progress: WorkflowProgress,
    private readonly events: WorkflowEventsPublisher,
    private readonly idempotency: IdempotencyStore,
    private readonly covered: CoveredStageReassigner,
  ) {}

  async request(
    workspaceId: string,
    actorId: string,
    idempotencyKey: string | null,
    body: CreateOverrideDto,
  ): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key: idempotencyKey },
        'override:request',
        body,
        async () => {
          const now = this.clock.now();
          await this.members.requireMember(manager, workspaceId, actorId);
          this.checkShape(body, now);
          const activeMembers = await this.members.activeMemberIds(manager, workspaceId);
          if (!activeMembers.has(body.toUserId))
            throw new UnknownReferenceError('toUserId', body.toUserId, 'active workspace member');

          let role: { approvalRoleId: string | null; roleCode: string };
          if (body.overrideType === 'STAGE') {
            const stageId = body.workflowStageId ?? '';
            const stage = await this.workflows.findStage(manager, workspaceId, stageId);
            if (!stage) throw new UnknownReferenceError('workflowStageId', stageId, 'workflow stage');
            if (!OPEN_STAGE_STATUSES.includes(stage.status)) {
              throw new ConflictError(
                'STAGE_CLOSED',
                `stage ${stage.id} is ${stage.status}: only an open stage can be overridden`,
                { stageStatus: stage.status },
              );
            }
            if (stage.approverUserId !== body.fromUserId) {
              throw new DomainError(
                422,
                'FROM_USER_NOT_STAGE_APPROVER',
                `fromUserId is not the approver of stage ${stage.id}`,
                { approverUserId: stage.approverUserId },
                [
                  {
                    field: 'fromUserId',
                    message: `the stage's approver is ${stage.approverUserId ?? 'nobody'}`,
                    value: body.fromUserId,
                  },
                ],
              );
            }
            if (body.roleCode && canonicalRoleCode(body.roleCode) !== stage.roleCode) {
              throw new ValidationFailedError([
                { field: 'roleCode', message: `the stage's role is ${stage.roleCode}`, value: body.roleCode },
              ]);
            }
            role = { approvalRoleId: stage.approvalRoleId, roleCode: stage.roleCode };
          } else {
            role = { approvalRoleId: body.approvalRoleId ?? null, roleCode: canonicalRoleCode(body.roleCode ?? '') };
          }

          const row = await this.overrides.insert(manager, {
            workspaceId,
            overrideType: body.overrideType,
            workflowStageId: body.workflowStageId ?? null,
            submissionId: body.submissionId ?? null,
            clusterCode: body.clusterCode ?? null,
            region: body.region ?? null,
            ...role,
            fromUserId: body.fromUserId,
            toUserId: body.toUserId,
            overrideReason: body.reason.trim(),
            requestorUserId: actorId,
            effectiveDate: body.effectiveDate ?? today(now),
            expiryDate: body.expiryDate ?? null,
          });
          await this.publish(manager, ApproverOverrideRequestedV1, row, { workspaceId, actorId, occurredAt: now });
          return { status: 201, body: { override: toView(row) } };
        },
      ),
    );
  }

  async approve(
    workspaceId: string,
    overrideId: string,
    actorId: string,
    idempotencyKey: string | null,
    body: DecideOverrideDto,
  ): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key: idempotencyKey },
        `override:approve:${overrideId}`,
        body,
        async () => {
          const now = this.clock.now();
          const row = await this.lockPendingForAdmin(manager, workspaceId, overrideId, actorId);
          if (row.requestorUserId === actorId) {
            throw new DomainError(403, 'SELF_APPROVAL_FORBIDDEN', 'The requester of an override cannot approve it');
          }
          if (row.expiryDate !== null && row.expiryDate <= today(now)) {
            throw new ConflictError('OVERRIDE_EXPIRED', `override ${row.id} expired on ${row.expiryDate}`);
          }
          const context: PublishContext = { workspaceId, actorId, occurredAt: now };
          let reassignedStageId: string | null = null;
          let reassignedStageIds: string[] = [];
          if (row.overrideType === 'SUBMISSION' && row.submissionId) {
            // Same lock order as a decision: a decision of the replaced approver either commits first or
            // sees this override. CLUSTER/REGION overrides reach too many workflows to lock: they apply
            // from the next decision that starts after this approval commits.
            await this.workflows.lockInstancesOfSubmission(manager, workspaceId, row.submissionId);
          }
          if (row.overrideType === 'STAGE' && row.workflowStageId && row.workflowInstanceId) {
            // Lock order everywhere: override row, then workflow row (decisions take only the latter).
            const instance = await this.workflows.lockInstance(manager, workspaceId, row.workflowInstanceId);
            const stage = await this.workflows.stageOf(manager, instance.id, row.workflowStageId);
            if (isTerminalWorkflow(instance.status) || !OPEN_STAGE_STATUSES.includes(stage.status)) {
              throw new ConflictError(
                'STAGE_CLOSED',
                `stage ${stage.id} is ${stage.status} (workflow ${instance.status}): the override would change nothing`,
                {
                  stageStatus: stage.status,
                  workflowStatus: instance.status,
                },
              );
            }
            if (stage.approverUserId !== row.fromUserId) {
              throw new ConflictError(
                'STAGE_APPROVER_CHANGED',
                `stage ${stage.id} is now assigned to ${stage.approverUserId ?? 'nobody'}, not ${row.fromUserId}`,
              );
            }
            if (!(await this.members.activeMemberIds(manager, workspaceId)).has(row.toUserId)) {
              throw new UnknownReferenceError('toUserId', row.toUserId, 'active workspace member');
            }
            if (row.effectiveDate <= today(now)) {
              await this.progress.reassign(
                manager,
                instance,
                stage,
                { toUserId: row.toUserId, reason: row.overrideReason, overrideId: row.id, mode: 'OVERRIDE' },
                context,
              );
              reassignedStageId = stage.id;
              reassignedStageIds = [stage.id];
            }
          } else if (row.overrideType !== 'STAGE' && row.effectiveDate <= today(now)) {
            reassignedStageIds = await this.covered.reassign(manager, row, today(now), context);
          }
          const decided = await this.overrides.decide(manager, row.id, 'APPROVED', actorId, now, body.comment ?? null);
          await this.publish(manager, ApproverOverrideApprovedV1, decided, context);
          return { status: 200, body: { override: toView(decided), reassignedStageId, reassignedStageIds } };
        },
      ),
    );
  }

  async reject(
    workspaceId: string,
    overrideId: string,
    actorId: string,
    idempotencyKey: string | null,
    body: DecideOverrideDto,
  ): Promise<StoredResponse> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotency.run(
        manager,
        { workspaceId, callerId: actorId, key: idempotencyKey },
        `override:reject:${overrideId}`,
        body,
        async () => {
          const now = this.clock.now();
          const row = await this.lockPendingForAdmin(manager, workspaceId, overrideId, actorId);
          const decided = await this.overrides.decide(manager, row.id, 'REJECTED', actorId, now, body.comment ?? null);
          await this.publish(manager, ApproverOverrideRejectedV1, decided, { workspaceId, actorId, occurredAt: now });
          return { status: 200, body: { override: toView(decided) } };
        },
      ),
    );
  }

  async list(workspaceId: string, actorId: string, query: ListOverridesQueryDto): Promise<Page<OverrideView>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor<{ at: string; id: string }>(query.cursor, ['at', 'id']);
    return inTransaction(this.dataSource, async (manager) => {
      await this.members.requireMember(manager, workspaceId, actorId);
      const rows = await this.overrides.list(manager, workspaceId, {
        ...query,
        roleCode: query.roleCode ? canonicalRoleCode(query.roleCode) : undefined,
        limit: limit + 1,
        after,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toView),
        nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
      };
    });
  }

  async get(workspaceId: string, actorId: string, overrideId: string): Promise<OverrideView> {
    return inTransaction(this.dataSource, async (manager) => {
      await this.members.requireMember(manager, workspaceId, actorId);
      const row = await this.overrides.find(manager, workspaceId, overrideId);
      if (!row) throw new NotFoundError('override', overrideId);
      return toView(row);
    });
  }

  private async lockPendingForAdmin(
    manager: EntityManager,
    workspaceId: string,
    overrideId: string,
    actorId: string,
  ): Promise<OverrideRow> {
    await this.members.requireWorkspaceAdmin(manager, workspaceId, actorId);
    const row = await this.overrides.lock(manager, workspaceId, overrideId);
    if (!row) throw new NotFoundError('override', overrideId);
    if (row.approvalStatus !== 'PENDING') {
      throw new ConflictError('OVERRIDE_NOT_PENDING', `override ${row.id} is already ${row.approvalStatus}`, {
        approvalStatus: row.approvalStatus,
      });
    }
    return row;
  }

  /** Target per type, role, users and dates: every problem reported at once, as field errors. */
  private checkShape(body: CreateOverrideDto, now: Date): void {
    const errors: FieldError[] = [];
    const wanted = TARGET_FIELD[body.overrideType];
    for (const field of Object.values(TARGET_FIELD)) {
      const given = body[field] !== undefined;
      if (field === wanted && !given)
        errors.push({ field, message: `is required for a ${body.overrideType} override` });
      if (field !== wanted && given)
        errors.push({
          field,
          message: `is not allowed on a ${body.overrideType} override (its target is ${wanted})`,
          value: body[field],
        });
    }
    if (body.overrideType !== 'STAGE' && !body.roleCode)
      errors.push({ field: 'roleCode', message: `is required for a ${body.overrideType} override` });
    if (body.fromUserId === body.toUserId)
      errors.push({ field: 'toUserId', message: 'must differ from fromUserId', value: body.toUserId });
    const effective = body.effectiveDate ?? today(now);
    if (!isRealDate(effective))
      errors.push({ field: 'effectiveDate', message: 'is not a calendar date', value: effective });
    if (body.expiryDate !== undefined) {
      if (!isRealDate(body.expiryDate))
        errors.push({ field: 'expiryDate', message: 'is not a calendar date', value: body.expiryDate });
      else if (body.expiryDate <= effective)
        errors.push({
          field: 'expiryDate',
          message: 'must be after effectiveDate (it is exclusive)',
          value: body.expiryDate,
        });
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }

  private async publish(
    manager: EntityManager,
    definition: EventDefinition<ApproverOverridePayloadV1>,
    row: OverrideRow,
    context: PublishContext,
  ): Promise<void> {
    const view = toView(row);
    await this.events.publish(
      manager,
      definition,
      row.id,
      {
        overrideId: row.id,
        overrideType: row.overrideType,
        workflowStageId: row.workflowStageId,
        workflowInstanceId: row.workflowInstanceId,
        submissionId: row.submissionId,
        clusterCode: row.clusterCode,
        region: row.region,
        approvalRoleId: row.approvalRoleId,
        roleCode: row.roleCode,
        fromUserId: row.fromUserId,
        toUserId: row.toUserId,
        reason: row.overrideReason,
        requestorUserId: row.requestorUserId,
        approvalStatus: row.approvalStatus,
        effectiveDate: row.effectiveDate,
        expiryDate: row.expiryDate,
        decidedBy: view.decidedBy,
        decidedAt: view.decidedAt,
        decisionComment: view.decisionComment,
      },
      context,
    );
  }
}

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function toView(row: OverrideRow): OverrideView {
  const decided = row.approvalStatus === 'APPROVED' || row.approvalStatus === 'REJECTED';
  return {
    id: row.id,
    overrideType: row.overrideType,
    workflowStageId: row.workflowStageId,
    workflowInstanceId: row.workflowInstanceId,
    submissionId: row.submissionId,
    clusterCode: row.clusterCode,
    region: row.region,
    approvalRoleId: row.approvalRoleId,
    roleCode: row.roleCode,
    fromUserId: row.fromUserId,
    toUserId: row.toUserId,
    reason: row.overrideReason,
    requestorUserId: row.requestorUserId,
    approvalStatus: row.approvalStatus,
    decidedBy: decided ? row.approvedBy : null,
    decidedAt: decided && row.approvedAt ? row.approvedAt.toISOString() : null,
    decisionComment: decided ? row.notes : null,
    effectiveDate: row.effectiveDate,
    expiryDate: row.expiryDate,
    createdAt: row.createdAt.toISOString(),
  };
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ConflictError,
  DomainError,
  IdempotencyStore,
  NotFoundError,
  storedResponse,
  ValidationFailedError,
  type StoredResponse,
} from '@atp/platform-http';
import { inTransaction, StatementBuilder } from '@atp/platform-database';
import { Clock } from '../clock/clock';
import { WorkflowRepository } from '../workflow/workflow.repository';
import { WorkflowEventsPublisher, type PublishContext } from '../workflow/workflow-events.publisher';
import { assertStageTransition } from '../workflow/state-machine';
import { itemErrors, resultingStageStatus } from './decision-rules';
import type { DecisionDto } from './dto/decision.dto';
import { DecisionLoader, type LoadedDecision } from './decision-loader';
import { planDecision, type DecisionPlan } from './decision-plan';
import { stageAuthority } from './stage-authority';

export interface DecisionCommand {
  workspaceId: string;
  workflowInstanceId: string;
  stageId: string;
  actorId: string;
  idempotencyKey: string | null;
  body: DecisionDto;
}

export interface DecisionResult {
  workflowInstanceId: string;
  workflowStatus: string;
  currentStageNumber: number | null;
  stage: {
    id: string;
    stageNumber: number;
    status: string;
    decision: string;
    decidedBy: string;
    decidedAt: string;
    authority: string;
  };
  activatedStageIds: string[];
}

/**
 * One decision = one transaction (domain §4.3) of two statements: the load (idempotency claim, workflow and stage
 * locks, everything the rules read; decisions of one workflow serialise, which is what makes "all parallel groups
 * approved" exact), then the guards and the progression in TypeScript, then the apply (stage update, audit rows,
 * the other stages' moves, the workflow row, the outbox events and the stored answer).
 */
@Injectable()
export class StageDecisionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly loader: DecisionLoader,
    private readonly workflows: WorkflowRepository,
    private readonly events: WorkflowEventsPublisher,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async decide(command: DecisionCommand): Promise<StoredResponse> {
    const errors = itemErrors(command.body.decision, command.body.items ?? []);
    if (errors.length > 0) throw new ValidationFailedError(errors);
    const { idempotencyKey: key } = command;
    const scope = key ? { workspaceId: command.workspaceId, callerId: command.actorId, key } : null;
    const fingerprint = this.idempotency.fingerprint(
      `decide:${command.workflowInstanceId}:${command.stageId}`,
      command.body,
    );
    return inTransaction(this.dataSource, async (manager) => {
      const loaded = await this.loader.load(manager, command, scope && { scope, fingerprint });
      if (!loaded.claimed && scope) return this.idempotency.replay(manager, scope, fingerprint);
      const now = this.clock.now();
      const plan = this.plan(command, loaded, now);
      const body = this.result(command, plan, now);
      // Stored as the client receives it (JSON), so a replay is the same document.
      const answer = storedResponse(200, JSON.parse(JSON.stringify(body)) as unknown);
      await this.apply(
        manager,
        command,
        plan,
        now,
        scope && ((statement) => this.idempotency.completeIn(statement, scope, answer)),
      );
      return storedResponse(200, body);
    });
  }

  /** The guards, in the order the API documents them, then the plan. */
  private plan(command: DecisionCommand, loaded: LoadedDecision, now: Date): DecisionPlan {
    const { instance, roles, stages } = loaded;
    if (roles.length === 0)
      throw new DomainError(
        403,
        'NOT_A_MEMBER',
        `user ${command.actorId} is not an active member of workspace ${command.workspaceId}`,
      );
    if (!instance) throw new NotFoundError('workflow', command.workflowInstanceId);
    const stage = stages.find((s) => s.id === command.stageId);
    if (!stage) throw new NotFoundError('stage', command.stageId);
    if (instance.status === 'ON_HOLD')
      throw new DomainError(409, 'WORKFLOW_ON_HOLD', `workflow ${instance.id} is on hold`);
    if (instance.status !== 'IN_PROGRESS')
      throw new ConflictError('WORKFLOW_CLOSED', `workflow ${instance.id} is ${instance.status}`, {
        workflowStatus: instance.status,
      });
    if (stage.status !== 'PENDING') {
      throw new ConflictError(
        'STAGE_NOT_PENDING',
        `stage ${stage.id} is ${stage.status}: it was already decided or is not open yet`,
        { stageStatus: stage.status },
      );
    }
    const authority = stageAuthority(instance, stage, command.actorId, now, loaded.authority);
    const newStatus = resultingStageStatus[command.body.decision];
    assertStageTransition(stage.status, newStatus);
    return planDecision(instance, stages, stage, authority, command.actorId, command.body, newStatus, now);
  }

  private result(command: DecisionCommand, plan: DecisionPlan, now: Date): DecisionResult {
    const { stage, newStatus, authority } = plan.decided;
    return {
      workflowInstanceId: command.workflowInstanceId,
      workflowStatus: plan.workflowStatus,
      currentStageNumber: plan.currentStageNumber,
      stage: {
        id: stage.id,
        stageNumber: stage.stageNumber,
        status: newStatus,
        decision: command.body.decision,
        decidedBy: command.actorId,
        decidedAt: now.toISOString(),
        authority,
      },
      activatedStageIds: plan.activatedStageIds,
    };
  }

  /** One statement for every write of the decision; `more` adds the stored answer. */
  private async apply(
    manager: EntityManager,
    command: DecisionCommand,
    plan: DecisionPlan,
    now: Date,
    more: ((statement: StatementBuilder) => void) | null,
  ): Promise<void> {
    const s = new StatementBuilder();
    const { stage, newStatus } = plan.decided;
    const at = s.param(now, '::timestamptz');
    // The status and approver conditions are the optimistic check of domain §4.3 (authority was checked against
    // this approver); with the workflow and its stages locked they cannot miss.
    s.with(
      'decided',
      `UPDATE workflow_stages SET status = ${s.param(newStatus)}, decision = ${s.param(command.body.decision)}, decided_by = ${s.param(command.actorId)},
         decided_at = ${at}, decision_comments = ${s.param(command.body.comment ?? null, '::text')}, updated_at = now()
       WHERE id = ${s.param(stage.id)} AND status = 'PENDING' AND approver_user_id IS NOT DISTINCT FROM ${s.param(stage.approverUserId, '::text')}
       RETURNING id`,
    );
    if (plan.moves.length > 0) {
      s.with(
        'moves',
        `UPDATE workflow_stages w SET status = m.status, updated_at = now(),
           activated_at = CASE WHEN m.status = 'PENDING' THEN ${at} ELSE w.activated_at END,
           sla_due_at = CASE WHEN m.status = 'PENDING' THEN ${at} + make_interval(hours => w.sla_hours) ELSE w.sla_due_at END
         FROM unnest(${s.param(
           plan.moves.map((m) => m.stageId),
           '::text[]',
         )}, ${s.param(
           plan.moves.map((m) => m.status),
           '::text[]',
         )}) AS m(id, status)
         WHERE w.id = m.id AND (w.status = 'WAITING' OR (m.status = 'CANCELLED' AND w.status = 'PENDING'))
         RETURNING w.id`,
      );
    }
    if (plan.instance) {
      const change = plan.instance;
      s.with(
        'workflow_row',
        `UPDATE workflow_instances SET status = ${s.param(change.status)},
           current_stage_number = CASE WHEN ${s.param('currentStageNumber' in change, '::boolean')} THEN ${s.param(change.currentStageNumber ?? null, '::int')}
             ELSE current_stage_number END,
           completed_at = CASE WHEN ${s.param('completedAt' in change, '::boolean')} THEN ${s.param(change.completedAt ?? null, '::timestamptz')}
             ELSE completed_at END,
           updated_at = now()
         WHERE id = ${s.param(command.workflowInstanceId)} RETURNING id`,
      );
    }
    this.workflows.appendActionsTo(s, plan.actions);
    const context: PublishContext = { workspaceId: command.workspaceId, actorId: command.actorId, occurredAt: now };
    this.events.appendTo(
      s,
      plan.events.map((e) => this.events.draft(e.definition, command.workflowInstanceId, e.payload, context)),
    );
    more?.(s);
    const [counts] = await s.run<{ decided: number; moved: number }>(
      manager,
      `SELECT (SELECT count(*) FROM decided)::int AS decided, ${plan.moves.length > 0 ? '(SELECT count(*) FROM moves)::int' : '0'} AS moved`,
      { prepared: true },
    );
    // Cannot happen under the locks; if it did, the whole transaction rolls back.
    if (counts.decided !== 1 || counts.moved !== plan.moves.length) {
      throw new ConflictError('STAGE_NOT_PENDING', `stage ${stage.id} was decided concurrently`);
    }
  }
}

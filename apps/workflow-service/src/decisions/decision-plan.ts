import {
  StageActivatedV1,
  StageApprovedV1,
  StageApprovedWithPunchlistV1,
  StageRejectedV1,
  StageSkippedV1,
  WorkflowCompletedV1,
  WorkflowRejectedV1,
  type EventDefinition,
  type PunchItemV1,
} from '@atp/contracts';
import { slaDueAt } from '@atp/approval-routing';
import { nextStepAfterApproval, stagesToCancel } from '../workflow/progression';
import type { StageStatus, WorkflowStatus } from '../workflow/state-machine';
import type { ActionDraft } from '../workflow/workflow.repository';
import { stageRef, type InstanceRow, type StageRow } from '../workflow/workflow-rows';
import type { DecisionDto } from './dto/decision.dto';

/** An event of the decision, before it becomes an outbox draft. */
export interface PlannedEvent {
  definition: EventDefinition<unknown>;
  payload: unknown;
}

/** Everything one decision writes, worked out in TypeScript from the rows read under the workflow lock. */
export interface DecisionPlan {
  decided: { stage: StageRow; newStatus: StageStatus; authority: 'ASSIGNED' | 'OVERRIDE' };
  /** Other stages that move: opened (PENDING, SLA from now), SKIPPED, or CANCELLED. */
  moves: Array<{ stageId: string; status: 'PENDING' | 'SKIPPED' | 'CANCELLED' }>;
  instance: { status: WorkflowStatus; currentStageNumber?: number | null; completedAt?: Date } | null;
  actions: ActionDraft[];
  events: PlannedEvent[];
  workflowStatus: string;
  currentStageNumber: number | null;
  activatedStageIds: string[];
}

const event = <P>(definition: EventDefinition<P>, payload: P): PlannedEvent => ({
  definition: definition as EventDefinition<unknown>,
  payload,
});

/**
 * The decision's consequences (domain §4.3): the audit row, then for an approval the progression of
 * `nextStepAfterApproval` (siblings wait, the next stage number opens with its non-required stages SKIPPED, or
 * the workflow completes); for a rejection every open stage CANCELLED and the workflow REJECTED. The same rows,
 * events and order as `WorkflowProgress` writes them for admin actions.
 */
export function planDecision(
  instance: InstanceRow,
  stages: readonly StageRow[],
  stage: StageRow,
  authority: 'ASSIGNED' | 'OVERRIDE',
  actorId: string,
  body: DecisionDto,
  newStatus: StageStatus,
  now: Date,
): DecisionPlan {
  const { workspaceId } = instance;
  const items: PunchItemV1[] = (body.items ?? []).map((i) => ({
    itemCode: i.itemCode ?? null,
    description: i.description,
    severity: i.severity,
  }));
  const base = { workspaceId, workflowInstanceId: instance.id, actionAt: now };
  const actions: ActionDraft[] = [
    {
      ...base,
      workflowStageId: stage.id,
      actionType: body.decision,
      actorUserId: actorId,
      payload: { oldStatus: 'PENDING', newStatus, authority, items },
      notes: body.comment,
    },
  ];
  const decided = {
    ...stageRef(instance, stage),
    decidedBy: actorId,
    decidedAt: now.toISOString(),
    comment: body.comment,
  };
  const after = stages.map((s) => (s.id === stage.id ? { ...s, status: newStatus, decision: body.decision } : s));
  const plan: DecisionPlan = {
    decided: { stage, newStatus, authority },
    moves: [],
    instance: null,
    actions,
    events: [],
    workflowStatus: instance.status,
    currentStageNumber: instance.currentStageNumber,
    activatedStageIds: [],
  };

  if (body.decision === 'REJECT') {
    plan.events.push(event(StageRejectedV1, { ...decided, findings: items }));
    for (const id of stagesToCancel(after)) {
      const open = after.find((s) => s.id === id) as StageRow;
      plan.moves.push({ stageId: id, status: 'CANCELLED' });
      actions.push({
        ...base,
        workflowStageId: id,
        actionType: 'CANCELLED',
        actorUserId: actorId,
        payload: { oldStatus: open.status, newStatus: 'CANCELLED', reason: `stage ${stage.id} rejected` },
      });
    }
    plan.instance = { status: 'REJECTED', completedAt: now };
    plan.events.push(
      event(WorkflowRejectedV1, {
        workflowInstanceId: instance.id,
        submissionId: instance.submissionId,
        rejectedStage: stageRef(instance, stage),
        rejectedBy: actorId,
        comment: body.comment,
        rejectedAt: now.toISOString(),
      }),
    );
    plan.workflowStatus = 'REJECTED';
    return plan;
  }

  plan.events.push(
    body.decision === 'APPROVE_WITH_PUNCHLIST'
      ? event(StageApprovedWithPunchlistV1, { ...decided, items })
      : event(StageApprovedV1, decided),
  );
  const step = nextStepAfterApproval(after);
  if (step.kind === 'WAIT_FOR_SIBLINGS') return plan;
  const byId = new Map(after.map((s) => [s.id, s]));
  for (const id of step.skippedStageIds) {
    const skipped = byId.get(id) as StageRow;
    plan.moves.push({ stageId: id, status: 'SKIPPED' });
    actions.push({
      ...base,
      workflowStageId: id,
      actionType: 'SKIPPED',
      actorUserId: null,
      payload: { oldStatus: 'WAITING', newStatus: 'SKIPPED', reason: 'NOT_REQUIRED' },
    });
    plan.events.push(
      event(StageSkippedV1, { ...stageRef(instance, skipped), reason: 'NOT_REQUIRED', skippedAt: now.toISOString() }),
    );
  }
  if (step.kind === 'COMPLETE') {
    plan.instance = { status: 'COMPLETED', currentStageNumber: null, completedAt: now };
    plan.events.push(
      event(WorkflowCompletedV1, {
        workflowInstanceId: instance.id,
        submissionId: instance.submissionId,
        withPunchlist: after.some((s) => s.decision === 'APPROVE_WITH_PUNCHLIST'),
        completedAt: now.toISOString(),
      }),
    );
    plan.workflowStatus = 'COMPLETED';
    plan.currentStageNumber = null;
    return plan;
  }
  plan.instance = { status: 'IN_PROGRESS', currentStageNumber: step.stageNumber };
  plan.currentStageNumber = step.stageNumber;
  for (const id of step.stageIds) {
    const opened = byId.get(id) as StageRow;
    const dueAt = slaDueAt(now, opened.slaHours).toISOString();
    plan.moves.push({ stageId: id, status: 'PENDING' });
    plan.activatedStageIds.push(id);
    actions.push({
      ...base,
      workflowStageId: id,
      actionType: 'ACTIVATED',
      actorUserId: null,
      payload: { oldStatus: 'WAITING', newStatus: 'PENDING', slaDueAt: dueAt, causedBy: actorId },
    });
  }
  // Events after the audit rows, as WorkflowProgress orders them: skipped first, then the opened stages.
  for (const id of step.stageIds) {
    const opened = byId.get(id) as StageRow;
    plan.events.push(
      event(StageActivatedV1, {
        ...stageRef(instance, opened),
        slaHours: opened.slaHours,
        slaDueAt: slaDueAt(now, opened.slaHours).toISOString(),
      }),
    );
  }
  return plan;
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@atp/contracts';
import { runPrepared, StatementBuilder } from '@atp/platform-database';
import { SubmissionEvents } from '../submissions/submission-events';
import type { SubmissionStatus } from '../submissions/submission-status';
import { attemptStatus, isNewer, outcomeOf, type WorkflowOutcome } from './projection-rules';

interface AttemptState {
  submissionId: string;
  workspaceId: string;
  attemptNumber: number;
  status: SubmissionStatus;
  workflowInstanceId: string | null;
  workflowVersion: number;
  workflowCompleted: boolean;
  currentStageNumber: number | null;
  isCurrent: boolean;
  /** Stages of the workflow whose punchlist is open, or decided with one that has not been seen yet. */
  openPunchlistStages: number;
}

export interface WorkflowChange {
  outcome?: WorkflowOutcome;
  currentStage?: { number: number; name: string } | null;
  approvedAt?: string;
  rejectedAt?: string;
  rejectionComment?: string;
}

/** The attempt's state, its punchlist gates counted for the workflow `workflowIdSql` names (one round trip). */
const attemptColumns = (workflowIdSql: string) => `a.submission_id AS "submissionId", a.workspace_id AS "workspaceId",
  a.attempt_number AS "attemptNumber", a.status, a.workflow_instance_id AS "workflowInstanceId",
  a.workflow_version::int AS "workflowVersion", a.workflow_completed AS "workflowCompleted",
  a.current_stage_number AS "currentStageNumber", (a.attempt_number = s.attempt_number) AS "isCurrent",
  (SELECT count(*)::int FROM atp_punchlist_gates g WHERE g.workflow_instance_id = ${workflowIdSql}
     AND (g.punchlist_status = 'OPEN' OR (g.decided_with_punchlist AND g.punchlist_status IS NULL))) AS "openPunchlistStages"`;

/**
 * Projects workflow and punchlist events into the attempt they belong to, and into the submission when
 * that attempt is the current one (an old attempt's late event never touches the newer attempt).
 */
@Injectable()
export class ProjectionService {
  constructor(private readonly events: SubmissionEvents) {}

  /** `workflow.started`: the attempt learns its workflow (found by submission and attempt number). */
  async started(
    manager: EntityManager,
    envelope: EventEnvelope,
    p: {
      workflowInstanceId: string;
      submissionId: string;
      attemptNumber: number;
      stages: Array<{ stageNumber: number; stageName: string }>;
    },
  ): Promise<void> {
    const rows = await runPrepared<AttemptState>(
      manager,
      `SELECT ${attemptColumns('$4')} FROM atp_submissions s JOIN atp_submission_attempts a ON a.submission_id = s.id
       WHERE s.id = $1 AND s.workspace_id = $2 AND a.attempt_number = $3 FOR UPDATE OF s, a`,
      [p.submissionId, envelope.workspaceId, p.attemptNumber, p.workflowInstanceId],
    );
    const attempt = rows[0];
    if (!attempt) return; // not a submission of this service (hand-made or another environment's event)
    if (attempt.workflowInstanceId && attempt.workflowInstanceId !== p.workflowInstanceId) return;
    if (!isNewer(attempt.workflowVersion, envelope.aggregateVersion)) return;
    await manager.query(
      `UPDATE atp_submission_attempts SET workflow_instance_id = $3, start_refusal_reason = NULL, start_refusal_detail = NULL
       WHERE submission_id = $1 AND attempt_number = $2`,
      [p.submissionId, p.attemptNumber, p.workflowInstanceId],
    );
    const first = [...p.stages].sort((a, b) => a.stageNumber - b.stageNumber)[0];
    await this.apply(manager, { ...attempt, workflowInstanceId: p.workflowInstanceId }, envelope, {
      outcome: 'RUNNING',
      currentStage: first ? { number: first.stageNumber, name: first.stageName } : null,
    });
  }

  /** Any later event of the workflow aggregate, guarded by its aggregateVersion. */
  async workflowEvent(
    manager: EntityManager,
    envelope: EventEnvelope,
    workflowInstanceId: string,
    change: WorkflowChange,
  ): Promise<void> {
    const attempt = await this.attemptOfWorkflow(manager, workflowInstanceId);
    if (!attempt) {
      // Its workflow.started precedes it on the same partition; missing means not ours.
      return;
    }
    if (!isNewer(attempt.workflowVersion, envelope.aggregateVersion)) return;
    await this.apply(manager, attempt, envelope, change);
  }

  async startRefused(
    manager: EntityManager,
    envelope: EventEnvelope,
    p: { submissionId: string; attemptNumber: number; reason: string; detail: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE atp_submission_attempts SET start_refusal_reason = $4, start_refusal_detail = $5, updated_at = now()
       WHERE submission_id = $1 AND workspace_id = $2 AND attempt_number = $3 AND workflow_instance_id IS NULL`,
      [p.submissionId, envelope.workspaceId, p.attemptNumber, p.reason, p.detail],
    );
  }

  /** A stage decided APPROVE_WITH_PUNCHLIST (workflow topic side of the gate). */
  async stageWithPunchlist(
    manager: EntityManager,
    envelope: EventEnvelope,
    p: { workflowInstanceId: string; stageId: string; submissionId: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO atp_punchlist_gates (workflow_instance_id, workflow_stage_id, workspace_id, submission_id, decided_with_punchlist)
       VALUES ($1, $2, $3, $4, true)
       ON CONFLICT (workflow_instance_id, workflow_stage_id) DO UPDATE SET decided_with_punchlist = true, updated_at = now()`,
      [p.workflowInstanceId, p.stageId, envelope.workspaceId, p.submissionId],
    );
  }

  /** Punchlist topic side of the gate; a cleared punchlist never goes back to OPEN. */
  async punchlist(
    manager: EntityManager,
    envelope: EventEnvelope,
    p: {
      punchlistId: string;
      workflowInstanceId: string;
      workflowStageId: string;
      submissionId: string;
      clearedAt?: string;
    },
    status: 'OPEN' | 'CLEARED',
  ): Promise<void> {
    await manager.query(
      `INSERT INTO atp_punchlist_gates (workflow_instance_id, workflow_stage_id, workspace_id, submission_id, punchlist_id, punchlist_status,
         cleared_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (workflow_instance_id, workflow_stage_id) DO UPDATE SET punchlist_id = EXCLUDED.punchlist_id,
         punchlist_status = CASE WHEN atp_punchlist_gates.punchlist_status = 'CLEARED' THEN 'CLEARED' ELSE EXCLUDED.punchlist_status END,
         cleared_at = COALESCE(atp_punchlist_gates.cleared_at, EXCLUDED.cleared_at), updated_at = now()`,
      [
        p.workflowInstanceId,
        p.workflowStageId,
        envelope.workspaceId,
        p.submissionId,
        p.punchlistId,
        status,
        p.clearedAt ?? null,
      ],
    );
    const attempt = await this.attemptOfWorkflow(manager, p.workflowInstanceId);
    if (attempt) await this.apply(manager, attempt, envelope, {});
  }

  private async attemptOfWorkflow(manager: EntityManager, workflowInstanceId: string): Promise<AttemptState | null> {
    const rows = await runPrepared<AttemptState>(
      manager,
      `SELECT ${attemptColumns('$1')} FROM atp_submission_attempts a JOIN atp_submissions s ON s.id = a.submission_id
       WHERE a.workflow_instance_id = $1 FOR UPDATE OF s, a`,
      [workflowInstanceId],
    );
    return rows[0] ?? null;
  }

  /**
   * When the journey completed: the later of the workflow's completion and its last punchlist clearing.
   * Taken from the events' own times, so the answer does not depend on which topic was read first.
   */
  private async completedAt(
    manager: EntityManager,
    attempt: AttemptState,
    workflowInstanceId: string,
    approvedAt?: string,
  ): Promise<Date> {
    const rows = (await manager.query(
      `SELECT GREATEST($3::timestamptz, (SELECT approved_at FROM atp_submission_attempts WHERE submission_id = $1 AND attempt_number = $2),
         (SELECT max(cleared_at) FROM atp_punchlist_gates WHERE workflow_instance_id = $4)) AS at`,
      [attempt.submissionId, attempt.attemptNumber, approvedAt ?? null, workflowInstanceId],
    )) as Array<{ at: Date }>;
    return rows[0].at;
  }

  /**
   * The attempt's new state, and the submission's when the attempt is the current one, with its status event:
   * one statement (prepared: a handful of shapes), so an event costs the inbox insert and this.
   */
  private async apply(
    manager: EntityManager,
    attempt: AttemptState,
    envelope: EventEnvelope,
    change: WorkflowChange,
  ): Promise<void> {
    const workflowInstanceId = attempt.workflowInstanceId as string;
    const isWorkflowEvent = envelope.aggregateType === 'workflow';
    const outcome = change.outcome ?? outcomeOf(attempt.status, attempt.workflowCompleted);
    // INVALID_REFERENCE is a compensation (architecture §5.3): workflow progress does not undo it, a resubmit does.
    const status =
      attempt.status === 'INVALID_REFERENCE'
        ? 'INVALID_REFERENCE'
        : attemptStatus(outcome, attempt.openPunchlistStages);
    const stageNumber =
      change.currentStage === undefined ? attempt.currentStageNumber : (change.currentStage?.number ?? null);
    const completedAt =
      status === 'COMPLETED' ? await this.completedAt(manager, attempt, workflowInstanceId, change.approvedAt) : null;
    const statement = new StatementBuilder();
    const p = (value: unknown, cast = '') => statement.param(value, cast);
    const [submissionId, statusParam, stage] = [
      p(attempt.submissionId),
      p(status, '::varchar'),
      p(stageNumber, '::int'),
    ];
    const [approvedAt, completed, rejectedAt] = [
      p(change.approvedAt ?? null, '::timestamptz'),
      p(completedAt, '::timestamptz'),
      p(change.rejectedAt ?? null, '::timestamptz'),
    ];
    statement.with(
      'attempt_update',
      `UPDATE atp_submission_attempts SET status = ${statusParam},
         workflow_version = CASE WHEN ${p(isWorkflowEvent, '::boolean')} THEN ${p(envelope.aggregateVersion, '::bigint')}
           ELSE workflow_version END,
         workflow_completed = workflow_completed OR ${p(outcome === 'COMPLETED', '::boolean')},
         current_stage_number = ${stage},
         current_stage_name = COALESCE(${p(change.currentStage?.name ?? null, '::text')}, current_stage_name),
         approved_at = COALESCE(approved_at, ${approvedAt}), completed_at = COALESCE(completed_at, ${completed}),
         rejected_at = COALESCE(rejected_at, ${rejectedAt}),
         rejection_comment = COALESCE(rejection_comment, ${p(change.rejectionComment ?? null, '::text')}),
         updated_at = now()
       WHERE submission_id = ${submissionId} AND attempt_number = ${p(attempt.attemptNumber, '::int')}`,
    );
    if (attempt.isCurrent) {
      statement.with(
        'submission_update',
        `UPDATE atp_submissions SET status = ${statusParam}, workflow_instance_id = ${p(workflowInstanceId, '::text')},
           current_stage_number = ${stage}, approved_at = COALESCE(approved_at, ${approvedAt}),
           completed_at = COALESCE(completed_at, ${completed}),
           rejected_at = CASE WHEN ${statusParam} = 'REJECTED' THEN COALESCE(${rejectedAt}, now()) ELSE rejected_at END,
           last_action_at = now(), updated_at = now()
         WHERE id = ${submissionId}`,
      );
      this.events.statusChangedTo(statement, {
        workspaceId: attempt.workspaceId,
        submissionId: attempt.submissionId,
        attemptNumber: attempt.attemptNumber,
        from: attempt.status,
        to: status,
        workflowInstanceId,
        currentStageNumber: stageNumber,
        actorId: envelope.actorId,
        causationId: envelope.eventId,
      });
    }
    await statement.run(manager, 'SELECT 1 AS applied', { prepared: true });
  }
}

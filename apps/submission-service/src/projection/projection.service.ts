import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope } from '@atp/contracts';
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
}

export interface WorkflowChange {
  outcome?: WorkflowOutcome;
  currentStage?: { number: number; name: string } | null;
  approvedAt?: string;
  rejectedAt?: string;
  rejectionComment?: string;
}

const ATTEMPT_COLUMNS = `a.submission_id AS "submissionId", a.workspace_id AS "workspaceId", a.attempt_number AS "attemptNumber",
  a.status, a.workflow_instance_id AS "workflowInstanceId", a.workflow_version::int AS "workflowVersion",
  a.workflow_completed AS "workflowCompleted", a.current_stage_number AS "currentStageNumber",
  (a.attempt_number = s.attempt_number) AS "isCurrent"`;

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
    const rows = (await manager.query(
      `SELECT ${ATTEMPT_COLUMNS} FROM atp_submissions s JOIN atp_submission_attempts a ON a.submission_id = s.id
       WHERE s.id = $1 AND s.workspace_id = $2 AND a.attempt_number = $3 FOR UPDATE OF s, a`,
      [p.submissionId, envelope.workspaceId, p.attemptNumber],
    )) as AttemptState[];
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
    const rows = (await manager.query(
      `SELECT ${ATTEMPT_COLUMNS} FROM atp_submission_attempts a JOIN atp_submissions s ON s.id = a.submission_id
       WHERE a.workflow_instance_id = $1 FOR UPDATE OF s, a`,
      [workflowInstanceId],
    )) as AttemptState[];
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

  private async openPunchlistStages(manager: EntityManager, workflowInstanceId: string): Promise<number> {
    const rows = (await manager.query(
      `SELECT count(*)::int AS n FROM atp_punchlist_gates
       WHERE workflow_instance_id = $1 AND (punchlist_status = 'OPEN' OR (decided_with_punchlist AND punchlist_status IS NULL))`,
      [workflowInstanceId],
    )) as Array<{ n: number }>;
    return rows[0].n;
  }

  private async apply(
    manager: EntityManager,
    attempt: AttemptState,
    envelope: EventEnvelope,
    change: WorkflowChange,
  ): Promise<void> {
    const workflowInstanceId = attempt.workflowInstanceId as string;
    const isWorkflowEvent = envelope.aggregateType === 'workflow';
    const outcome = change.outcome ?? outcomeOf(attempt.status, attempt.workflowCompleted);
    const open = await this.openPunchlistStages(manager, workflowInstanceId);
    // INVALID_REFERENCE is a compensation (architecture §5.3): workflow progress does not undo it, a resubmit does.
    const status = attempt.status === 'INVALID_REFERENCE' ? 'INVALID_REFERENCE' : attemptStatus(outcome, open);
    const stageNumber =
      change.currentStage === undefined ? attempt.currentStageNumber : (change.currentStage?.number ?? null);
    const completedAt =
      status === 'COMPLETED' ? await this.completedAt(manager, attempt, workflowInstanceId, change.approvedAt) : null;
    await manager.query(
      `UPDATE atp_submission_attempts SET status = $3::varchar,
         workflow_version = CASE WHEN $4::boolean THEN $5::bigint ELSE workflow_version END,
         workflow_completed = workflow_completed OR $6::boolean,
         current_stage_number = $7::int, current_stage_name = CASE WHEN $8::text IS NULL THEN current_stage_name ELSE $8 END,
         approved_at = COALESCE(approved_at, $9::timestamptz), completed_at = COALESCE(completed_at, $10::timestamptz),
         rejected_at = COALESCE(rejected_at, $11::timestamptz), rejection_comment = COALESCE(rejection_comment, $12::text),
         updated_at = now()
       WHERE submission_id = $1 AND attempt_number = $2`,
      [
        attempt.submissionId,
        attempt.attemptNumber,
        status,
        isWorkflowEvent,
        envelope.aggregateVersion,
        outcome === 'COMPLETED',
        stageNumber,
        change.currentStage?.name ?? null,
        change.approvedAt ?? null,
        completedAt,
        change.rejectedAt ?? null,
        change.rejectionComment ?? null,
      ],
    );
    if (!attempt.isCurrent) return;
    await manager.query(
      `UPDATE atp_submissions SET status = $2::varchar, workflow_instance_id = $3::text, current_stage_number = $4::int,
         approved_at = COALESCE(approved_at, $5::timestamptz), completed_at = COALESCE(completed_at, $6::timestamptz),
         rejected_at = CASE WHEN $2::varchar = 'REJECTED' THEN COALESCE($7::timestamptz, now()) ELSE rejected_at END,
         last_action_at = now(), updated_at = now()
       WHERE id = $1`,
      [
        attempt.submissionId,
        status,
        workflowInstanceId,
        stageNumber,
        change.approvedAt ?? null,
        completedAt,
        change.rejectedAt ?? null,
      ],
    );
    await this.events.statusChanged(manager, {
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
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventDefinition } from '@atp/contracts';
import { SubmissionStatusChangedV1, type SubmissionStatusChangedPayloadV1 } from '@atp/contracts';
import { currentCorrelationId } from '@atp/platform-http';
import type { StatementBuilder } from '@atp/platform-database';
import { OutboxWriter, type EventDraft } from '@atp/platform-messaging';
import type { SubmissionStatus } from './submission-status';

export interface StatusChange {
  workspaceId: string;
  submissionId: string;
  attemptNumber: number;
  from: SubmissionStatus;
  to: SubmissionStatus;
  workflowInstanceId: string | null;
  currentStageNumber: number | null;
  actorId: string | null;
  causationId?: string | null;
}

/** Writes submission events into the outbox of the caller's transaction, keyed by the submission id. */
@Injectable()
export class SubmissionEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async append<P>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    workspaceId: string,
    submissionId: string,
    payload: P,
    actorId: string | null,
    causationId: string | null = null,
  ): Promise<void> {
    await this.outbox.append(manager, draftOf(definition, workspaceId, submissionId, payload, actorId, causationId));
  }

  async statusChanged(manager: EntityManager, change: StatusChange): Promise<void> {
    if (change.from === change.to) return;
    await this.outbox.append(manager, this.statusChangedDraft(change));
  }

  /** `statusChanged` as a part of the caller's statement (the event costs no round trip of its own). */
  statusChangedTo(statement: StatementBuilder, change: StatusChange): void {
    if (change.from === change.to) return;
    this.outbox.appendManyTo(statement, [this.statusChangedDraft(change)]);
  }

  private statusChangedDraft(change: StatusChange): EventDraft<SubmissionStatusChangedPayloadV1> {
    const payload = {
      submissionId: change.submissionId,
      attemptNumber: change.attemptNumber,
      fromStatus: change.from,
      toStatus: change.to,
      workflowInstanceId: change.workflowInstanceId,
      currentStageNumber: change.currentStageNumber,
    };
    const { workspaceId, submissionId, actorId, causationId } = change;
    return draftOf(SubmissionStatusChangedV1, workspaceId, submissionId, payload, actorId, causationId ?? null);
  }
}

/** An event of the submission aggregate, in the request's (or the consumed event's) correlation. */
function draftOf<P>(
  definition: EventDefinition<P>,
  workspaceId: string,
  submissionId: string,
  payload: P,
  actorId: string | null,
  causationId: string | null,
): EventDraft<P> {
  return {
    definition,
    workspaceId,
    aggregateId: submissionId,
    payload,
    actorId,
    causationId,
    correlationId: currentCorrelationId() ?? randomUUID(),
  };
}

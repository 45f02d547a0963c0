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
    await this.outbox.append(manager, {
      definition,
      workspaceId,
      aggregateId: submissionId,
      payload,
      actorId,
      causationId,
      correlationId: currentCorrelationId() ?? randomUUID(),
    });
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
    return {
      definition: SubmissionStatusChangedV1,
      workspaceId: change.workspaceId,
      aggregateId: change.submissionId,
      payload: {
        submissionId: change.submissionId,
        attemptNumber: change.attemptNumber,
        fromStatus: change.from,
        toStatus: change.to,
        workflowInstanceId: change.workflowInstanceId,
        currentStageNumber: change.currentStageNumber,
      },
      actorId: change.actorId,
      causationId: change.causationId ?? null,
      correlationId: currentCorrelationId() ?? randomUUID(),
    };
  }
}

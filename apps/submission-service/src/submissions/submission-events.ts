import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventDefinition } from '@atp/contracts';
import { SubmissionStatusChangedV1 } from '@atp/contracts';
import { currentCorrelationId } from '@atp/platform-http';
import { OutboxWriter } from '@atp/platform-messaging';
import type { SubmissionStatus } from './submission-status';

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

  async statusChanged(
    manager: EntityManager,
    change: {
      workspaceId: string;
      submissionId: string;
      attemptNumber: number;
      from: SubmissionStatus;
      to: SubmissionStatus;
      workflowInstanceId: string | null;
      currentStageNumber: number | null;
      actorId: string | null;
      causationId?: string | null;
    },
  ): Promise<void> {
    if (change.from === change.to) return;
    await this.append(
      manager,
      SubmissionStatusChangedV1,
      change.workspaceId,
      change.submissionId,
      {
        submissionId: change.submissionId,
        attemptNumber: change.attemptNumber,
        fromStatus: change.from,
        toStatus: change.to,
        workflowInstanceId: change.workflowInstanceId,
        currentStageNumber: change.currentStageNumber,
      },
      change.actorId,
      change.causationId ?? null,
    );
  }
}

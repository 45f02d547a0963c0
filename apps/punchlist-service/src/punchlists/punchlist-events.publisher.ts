import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventDefinition } from '@atp/contracts';
import { OutboxWriter } from '@atp/platform-messaging';
import { currentCorrelationId } from '@atp/platform-http';

export interface PublishContext {
  workspaceId: string;
  actorId: string | null;
  causationId?: string | null;
  correlationId?: string;
  occurredAt: Date;
}

/** Appends punchlist events to the outbox in the caller's transaction; key = the punchlist id. */
@Injectable()
export class PunchlistEventsPublisher {
  constructor(private readonly outbox: OutboxWriter) {}

  async publish<P>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    punchlistId: string,
    payload: P,
    context: PublishContext,
  ): Promise<void> {
    await this.outbox.append(manager, {
      definition,
      workspaceId: context.workspaceId,
      aggregateId: punchlistId,
      payload,
      correlationId: context.correlationId ?? currentCorrelationId() ?? randomUUID(),
      causationId: context.causationId ?? null,
      actorId: context.actorId,
      occurredAt: context.occurredAt,
    });
  }
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventDefinition } from '@atp/contracts';
import type { StatementBuilder } from '@atp/platform-database';
import { OutboxWriter, type EventDraft } from '@atp/platform-messaging';
import { currentCorrelationId } from '@atp/platform-http';

export interface PublishContext {
  workspaceId: string;
  actorId: string | null;
  /** The event that caused this one (consumers), if any. */
  causationId?: string | null;
  /** Carried over from the cause; defaults to the HTTP request's correlation id. */
  correlationId?: string;
  occurredAt: Date;
}

/** Appends workflow events to the outbox in the caller's transaction; key = the workflow instance id. */
@Injectable()
export class WorkflowEventsPublisher {
  constructor(private readonly outbox: OutboxWriter) {}

  async publish<P>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    aggregateId: string,
    payload: P,
    context: PublishContext,
  ): Promise<void> {
    await this.outbox.append(manager, this.draft(definition, aggregateId, payload, context));
  }

  /** The outbox draft of a workflow event, for `appendTo`. */
  draft<P>(
    definition: EventDefinition<P>,
    aggregateId: string,
    payload: P,
    context: PublishContext,
  ): EventDraft<unknown> {
    return {
      definition: definition as EventDefinition<unknown>,
      workspaceId: context.workspaceId,
      aggregateId,
      payload,
      correlationId: context.correlationId ?? currentCorrelationId() ?? randomUUID(),
      causationId: context.causationId ?? null,
      actorId: context.actorId,
      occurredAt: context.occurredAt,
    };
  }

  /** The events as parts of the caller's statement (one outbox insert for all; `OutboxWriter.appendManyTo`). */
  appendTo(statement: StatementBuilder, drafts: ReadonlyArray<EventDraft<unknown>>): void {
    this.outbox.appendManyTo(statement, drafts);
  }
}

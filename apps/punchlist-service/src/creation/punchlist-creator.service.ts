import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PunchlistCreatedV1,
  type PunchItemV1,
  type PunchlistOriginV1,
  type StageDecisionPayloadV1,
} from '@atp/contracts';
import { PermanentMessageError } from '@atp/platform-messaging';
import { WorkflowFacts } from '../replica/workflow-facts';
import { PunchlistEventsPublisher } from '../punchlists/punchlist-events.publisher';
import { PunchlistRepository } from '../punchlists/punchlist.repository';
import { punchItemErrors } from '../punchlists/punch-item-rules';

export interface DecisionWithItems {
  workspaceId: string;
  origin: PunchlistOriginV1;
  decision: StageDecisionPayloadV1;
  items: readonly PunchItemV1[];
  eventId: string;
  correlationId: string;
}

/**
 * A stage decision with punch items → one punchlist for that stage (domain §4.3, §4.6). The stage's
 * unique key makes a redelivered or replayed decision (even under a new event id) create nothing.
 */
@Injectable()
export class PunchlistCreator {
  constructor(
    private readonly facts: WorkflowFacts,
    private readonly punchlists: PunchlistRepository,
    private readonly events: PunchlistEventsPublisher,
  ) {}

  /** The new punchlist's id, or null when the stage has one already. */
  async createFromDecision(manager: EntityManager, command: DecisionWithItems): Promise<string | null> {
    const { decision, workspaceId } = command;
    const errors = punchItemErrors(command.origin, command.items);
    if (errors.length > 0) {
      throw new PermanentMessageError(
        `stage ${decision.stageId}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      );
    }
    const issuedAt = new Date(decision.decidedAt);
    await this.facts.ensure(manager, workspaceId, decision.workflowInstanceId, decision.submissionId);
    const punchlistId = await this.punchlists.insertPunchlist(manager, {
      workspaceId,
      workflowInstanceId: decision.workflowInstanceId,
      workflowStageId: decision.stageId,
      submissionId: decision.submissionId,
      origin: command.origin,
      issuedBy: decision.decidedBy,
      issuedAt,
      notes: decision.comment || null,
      sourceEventId: command.eventId,
    });
    if (!punchlistId) return null;
    const items = await this.punchlists.insertItems(
      manager,
      { id: punchlistId, workspaceId },
      command.items,
      decision.decidedBy,
      issuedAt,
      1,
    );
    await this.events.publish(
      manager,
      PunchlistCreatedV1,
      punchlistId,
      {
        punchlistId,
        workflowInstanceId: decision.workflowInstanceId,
        workflowStageId: decision.stageId,
        submissionId: decision.submissionId,
        issuedBy: decision.decidedBy,
        items,
        origin: command.origin,
        issuedAt: issuedAt.toISOString(),
      },
      {
        workspaceId,
        actorId: decision.decidedBy,
        causationId: command.eventId,
        correlationId: command.correlationId,
        occurredAt: issuedAt,
      },
    );
    return punchlistId;
  }
}

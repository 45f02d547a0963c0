import {
  fixtureStageRef,
  objectSchema,
  stageRefProperties,
  stageRefRequired,
  timestampSchema,
  workflowEvent,
  type StageRefV1,
} from './workflow-event-shapes';

export interface StageSkippedPayloadV1 extends StageRefV1 {
  /** Why: `NOT_REQUIRED` (the frozen policy stage has `is_required = false`). */
  reason: 'NOT_REQUIRED';
  skippedAt: string;
}

export const StageSkippedV1 = workflowEvent<StageSkippedPayloadV1>({
  eventType: 'workflow.stage.skipped',
  description: 'A stage whose frozen policy stage is not required was SKIPPED when its stage number would have opened.',
  payloadSchema: objectSchema(
    { ...stageRefProperties, reason: { type: 'string', enum: ['NOT_REQUIRED'] }, skippedAt: timestampSchema },
    [...stageRefRequired, 'reason', 'skippedAt'],
  ),
  fixturePayload: { ...fixtureStageRef, reason: 'NOT_REQUIRED', skippedAt: '2026-01-06T10:00:00.000Z' },
});

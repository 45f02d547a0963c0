import {
  fixturePunchlistId,
  punchIdSchema,
  punchlistEvent,
  punchObject,
  punchTimestampSchema,
} from './punchlist-event-shapes';

/**
 * `punchlist.cleared` v1: every item of the punchlist is CLOSED. `openPunchlistsOfWorkflow` counts the
 * workflow's punchlists still OPEN after this one cleared: 0 means every punchlist of the workflow is
 * cleared (submission-service then moves an APPROVED_WITH_PUNCHLIST submission to COMPLETED).
 */
export interface PunchlistClearedPayloadV1 {
  punchlistId: string;
  workflowInstanceId: string;
  workflowStageId: string;
  submissionId: string;
  clearedBy: string;
  clearedAt: string;
  openPunchlistsOfWorkflow: number;
}

export const PunchlistClearedV1 = punchlistEvent<PunchlistClearedPayloadV1>({
  eventType: 'punchlist.cleared',
  description:
    'Every item of the punchlist is CLOSED: it is CLEARED. openPunchlistsOfWorkflow = 0 when the whole workflow has none open.',
  payloadSchema: punchObject(
    {
      punchlistId: punchIdSchema,
      workflowInstanceId: punchIdSchema,
      workflowStageId: punchIdSchema,
      submissionId: punchIdSchema,
      clearedBy: punchIdSchema,
      clearedAt: punchTimestampSchema,
      openPunchlistsOfWorkflow: { type: 'integer', minimum: 0 },
    },
    [
      'punchlistId',
      'workflowInstanceId',
      'workflowStageId',
      'submissionId',
      'clearedBy',
      'clearedAt',
      'openPunchlistsOfWorkflow',
    ],
  ),
  fixturePayload: {
    punchlistId: fixturePunchlistId,
    workflowInstanceId: 'wf-0001',
    workflowStageId: 'stg-0001',
    submissionId: 'sub-0001',
    clearedBy: 'u-approver-1',
    clearedAt: '2026-01-09T09:00:00.000Z',
    openPunchlistsOfWorkflow: 0,
  },
});

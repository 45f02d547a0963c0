import { punchlistItemIssuedSchema, type PunchlistItemIssuedV1 } from './punchlist-created.v1';
import {
  fixturePunchlistId,
  punchIdSchema,
  punchlistEvent,
  punchObject,
  punchTimestampSchema,
} from './punchlist-event-shapes';

export interface PunchlistItemsAddedPayloadV1 {
  punchlistId: string;
  workflowInstanceId: string;
  submissionId: string;
  addedBy: string;
  addedAt: string;
  items: PunchlistItemIssuedV1[];
}

export const PunchlistItemsAddedV1 = punchlistEvent<PunchlistItemsAddedPayloadV1>({
  eventType: 'punchlist.items-added',
  description: 'The approver who issued an OPEN punchlist added items to it (numbered after the existing ones).',
  payloadSchema: punchObject(
    {
      punchlistId: punchIdSchema,
      workflowInstanceId: punchIdSchema,
      submissionId: punchIdSchema,
      addedBy: punchIdSchema,
      addedAt: punchTimestampSchema,
      items: { type: 'array', minItems: 1, items: punchlistItemIssuedSchema },
    },
    ['punchlistId', 'workflowInstanceId', 'submissionId', 'addedBy', 'addedAt', 'items'],
  ),
  fixturePayload: {
    punchlistId: fixturePunchlistId,
    workflowInstanceId: 'wf-0001',
    submissionId: 'sub-0001',
    addedBy: 'u-approver-1',
    addedAt: '2026-01-07T10:00:00.000Z',
    items: [
      {
        itemId: 'pli-0002',
        itemNumber: 2,
        itemCode: 'PL-02',
        description: 'Grounding bar photo unreadable',
        severity: 'MAJOR',
      },
    ],
  },
});

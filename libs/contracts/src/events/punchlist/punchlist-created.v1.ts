import { PUNCH_SEVERITIES, type PunchSeverity } from '../workflow/stage-events.v1';
import {
  fixturePunchlistId,
  punchIdSchema,
  punchlistEvent,
  punchObject,
  punchTimestampSchema,
  PUNCHLIST_ORIGINS,
  type PunchlistOriginV1,
} from './punchlist-event-shapes';

/** One item as it was issued (numbered per punchlist from 1). */
export interface PunchlistItemIssuedV1 {
  itemId: string;
  itemNumber: number;
  itemCode: string;
  description: string;
  severity: PunchSeverity;
}

export const punchlistItemIssuedSchema = punchObject(
  {
    itemId: punchIdSchema,
    itemNumber: { type: 'integer', minimum: 1 },
    itemCode: { type: 'string', minLength: 1, maxLength: 50 },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    severity: { type: 'string', enum: [...PUNCH_SEVERITIES] },
  },
  ['itemId', 'itemNumber', 'itemCode', 'description', 'severity'],
);

/**
 * `punchlist.created` v1. The fields up to `items` are the shape submission-service's projection relies
 * on; `origin` and `issuedAt` complete the picture for other consumers.
 */
export interface PunchlistCreatedPayloadV1 {
  punchlistId: string;
  workflowInstanceId: string;
  workflowStageId: string;
  submissionId: string;
  issuedBy: string;
  items: PunchlistItemIssuedV1[];
  origin: PunchlistOriginV1;
  issuedAt: string;
}

export const PunchlistCreatedV1 = punchlistEvent<PunchlistCreatedPayloadV1>({
  eventType: 'punchlist.created',
  description:
    'A stage decision with punch items (APPROVE_WITH_PUNCHLIST: MAJOR/MINOR; REJECT: CRITICAL findings) opened one punchlist for that stage.',
  payloadSchema: punchObject(
    {
      punchlistId: punchIdSchema,
      workflowInstanceId: punchIdSchema,
      workflowStageId: punchIdSchema,
      submissionId: punchIdSchema,
      issuedBy: punchIdSchema,
      items: { type: 'array', minItems: 1, items: punchlistItemIssuedSchema },
      origin: { type: 'string', enum: [...PUNCHLIST_ORIGINS] },
      issuedAt: punchTimestampSchema,
    },
    ['punchlistId', 'workflowInstanceId', 'workflowStageId', 'submissionId', 'issuedBy', 'items', 'origin', 'issuedAt'],
  ),
  fixturePayload: {
    punchlistId: fixturePunchlistId,
    workflowInstanceId: 'wf-0001',
    workflowStageId: 'stg-0001',
    submissionId: 'sub-0001',
    issuedBy: 'u-approver-1',
    items: [
      {
        itemId: 'pli-0001',
        itemNumber: 1,
        itemCode: 'PL-01',
        description: 'Cable tray label missing',
        severity: 'MINOR',
      },
    ],
    origin: 'APPROVED_WITH_PUNCHLIST',
    issuedAt: '2026-01-07T09:00:00.000Z',
  },
});

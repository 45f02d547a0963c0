import {
  fixturePunchlistId,
  punchCommentSchema,
  punchIdSchema,
  punchlistEvent,
  punchObject,
  punchTimestampSchema,
  PUNCH_ITEM_STATUSES,
  type PunchItemStatusV1,
} from './punchlist-event-shapes';

/** The evidence a rectification attached (the file itself stays in punchlist-service's blob store). */
export interface PunchEvidenceRefV1 {
  evidenceId: string;
  version: number;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

export interface PunchItemStatusChangedPayloadV1 {
  punchlistId: string;
  workflowInstanceId: string;
  submissionId: string;
  itemId: string;
  itemNumber: number;
  fromStatus: PunchItemStatusV1;
  toStatus: PunchItemStatusV1;
  actorId: string;
  comment: string | null;
  changedAt: string;
  /** Set on RECTIFIED: the evidence version this rectification attached. */
  evidence: PunchEvidenceRefV1 | null;
}

const statusSchema = { type: 'string', enum: [...PUNCH_ITEM_STATUSES] } as const;

const evidenceSchema = punchObject(
  {
    evidenceId: punchIdSchema,
    version: { type: 'integer', minimum: 1 },
    fileName: { type: 'string', minLength: 1, maxLength: 255 },
    contentType: { type: 'string', minLength: 1, maxLength: 100 },
    sizeBytes: { type: 'integer', minimum: 1 },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
  ['evidenceId', 'version', 'fileName', 'contentType', 'sizeBytes', 'sha256'],
);

export const PunchItemStatusChangedV1 = punchlistEvent<PunchItemStatusChangedPayloadV1>({
  eventType: 'punchlist.item.status-changed',
  description:
    'A punch item moved (OPEN|REJECTED → RECTIFIED with evidence by DOC_CONTROL; RECTIFIED → QA_VERIFIED by QA; QA_VERIFIED → CLOSED by the issuer; ' +
    'RECTIFIED|QA_VERIFIED → REJECTED by QA or the issuer).',
  actorId: 'u-doc-control',
  payloadSchema: punchObject(
    {
      punchlistId: punchIdSchema,
      workflowInstanceId: punchIdSchema,
      submissionId: punchIdSchema,
      itemId: punchIdSchema,
      itemNumber: { type: 'integer', minimum: 1 },
      fromStatus: statusSchema,
      toStatus: statusSchema,
      actorId: punchIdSchema,
      comment: punchCommentSchema,
      changedAt: punchTimestampSchema,
      evidence: { anyOf: [evidenceSchema, { type: 'null' }] },
    },
    [
      'punchlistId',
      'workflowInstanceId',
      'submissionId',
      'itemId',
      'itemNumber',
      'fromStatus',
      'toStatus',
      'actorId',
      'comment',
      'changedAt',
      'evidence',
    ],
  ),
  fixturePayload: {
    punchlistId: fixturePunchlistId,
    workflowInstanceId: 'wf-0001',
    submissionId: 'sub-0001',
    itemId: 'pli-0001',
    itemNumber: 1,
    fromStatus: 'OPEN',
    toStatus: 'RECTIFIED',
    actorId: 'u-doc-control',
    comment: 'Label fixed, photo attached',
    changedAt: '2026-01-08T09:00:00.000Z',
    evidence: {
      evidenceId: 'ev-0001',
      version: 1,
      fileName: 'label.jpg',
      contentType: 'image/jpeg',
      sizeBytes: 48213,
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    },
  },
});

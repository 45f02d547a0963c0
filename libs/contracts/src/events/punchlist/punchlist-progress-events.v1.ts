import {
  fixturePunchlistId,
  punchIdSchema,
  punchlistEvent,
  punchObject,
  punchTimestampSchema,
} from './punchlist-event-shapes';

/** No item of an OPEN punchlist moved for a while (domain §4.6: reminders, then "stalled"). */
export interface PunchlistIdlePayloadV1 {
  punchlistId: string;
  workflowInstanceId: string;
  submissionId: string;
  issuedBy: string;
  lastProgressAt: string;
  idleDays: number;
  openItems: number;
  detectedAt: string;
}

const idleSchema = punchObject(
  {
    punchlistId: punchIdSchema,
    workflowInstanceId: punchIdSchema,
    submissionId: punchIdSchema,
    issuedBy: punchIdSchema,
    lastProgressAt: punchTimestampSchema,
    idleDays: { type: 'integer', minimum: 0 },
    openItems: { type: 'integer', minimum: 1 },
    detectedAt: punchTimestampSchema,
  },
  [
    'punchlistId',
    'workflowInstanceId',
    'submissionId',
    'issuedBy',
    'lastProgressAt',
    'idleDays',
    'openItems',
    'detectedAt',
  ],
);

const idleFixture: PunchlistIdlePayloadV1 = {
  punchlistId: fixturePunchlistId,
  workflowInstanceId: 'wf-0001',
  submissionId: 'sub-0001',
  issuedBy: 'u-approver-1',
  lastProgressAt: '2026-01-07T09:00:00.000Z',
  idleDays: 30,
  openItems: 2,
  detectedAt: '2026-02-06T09:00:00.000Z',
};

export const PunchlistReminderV1 = punchlistEvent<PunchlistIdlePayloadV1>({
  eventType: 'punchlist.reminder',
  description:
    'An OPEN punchlist made no progress for the reminder period (default 30 days); published once per idle period.',
  actorId: null,
  payloadSchema: idleSchema,
  fixturePayload: idleFixture,
});

export const PunchlistStalledV1 = punchlistEvent<PunchlistIdlePayloadV1>({
  eventType: 'punchlist.stalled',
  description:
    'An OPEN punchlist made no progress for the stall period (default 60 days): flagged STALLED until an item moves again.',
  actorId: null,
  payloadSchema: idleSchema,
  fixturePayload: { ...idleFixture, idleDays: 60, detectedAt: '2026-03-08T09:00:00.000Z' },
});

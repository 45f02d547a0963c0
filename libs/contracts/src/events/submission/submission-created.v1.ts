import {
  fixtureSubmissionId,
  nullableSubmissionText,
  submissionEvent,
  submissionIdSchema,
  submissionObject,
} from './submission-event-shapes';

/** A document controller registered a submission (DRAFT) for a site, scope and (maybe) category. */
export interface SubmissionCreatedPayloadV1 {
  submissionId: string;
  siteId: string;
  siteCode: string;
  scopeId: string;
  scopeCode: string;
  vendorId: string | null;
  vendorCode: string | null;
  atpCategory: string | null;
  title: string | null;
  createdBy: string;
}

export const SubmissionCreatedV1 = submissionEvent<SubmissionCreatedPayloadV1>({
  eventType: 'submission.created',
  description: 'A submission was registered (DRAFT); every reference was checked against the replicas.',
  payloadSchema: submissionObject(
    {
      submissionId: submissionIdSchema,
      siteId: submissionIdSchema,
      siteCode: { type: 'string', minLength: 1, maxLength: 100 },
      scopeId: submissionIdSchema,
      scopeCode: { type: 'string', minLength: 1, maxLength: 50 },
      vendorId: nullableSubmissionText(100),
      vendorCode: nullableSubmissionText(50),
      atpCategory: nullableSubmissionText(20),
      title: nullableSubmissionText(200),
      createdBy: submissionIdSchema,
    },
    [
      'submissionId',
      'siteId',
      'siteCode',
      'scopeId',
      'scopeCode',
      'vendorId',
      'vendorCode',
      'atpCategory',
      'title',
      'createdBy',
    ],
  ),
  fixturePayload: {
    submissionId: fixtureSubmissionId,
    siteId: 'site-0001',
    siteCode: 'JKT-001',
    scopeId: 'scope-mw-new',
    scopeCode: 'MW_NEW',
    vendorId: 'v-aviat',
    vendorCode: 'AVIAT',
    atpCategory: 'RAN_MW',
    title: 'MW new link JKT-001',
    createdBy: 'u-doc-control',
  },
});

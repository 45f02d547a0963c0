import {
  fixtureSubmissionId,
  nullableSubmissionText,
  submissionEvent,
  submissionIdSchema,
  submissionObject,
  submissionTimestampSchema,
} from './submission-event-shapes';

/** A new document version was stored (blob and row committed together). */
export interface SubmissionDocumentUploadedPayloadV1 {
  submissionId: string;
  documentId: string;
  version: number;
  documentType: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  suggestedCategory: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

export const SubmissionDocumentUploadedV1 = submissionEvent<SubmissionDocumentUploadedPayloadV1>({
  eventType: 'submission.document-uploaded',
  description: 'A document version was added to a submission (type decided from the content, sha256 of the bytes).',
  payloadSchema: submissionObject(
    {
      submissionId: submissionIdSchema,
      documentId: submissionIdSchema,
      version: { type: 'integer', minimum: 1 },
      documentType: { type: 'string', minLength: 1, maxLength: 30 },
      fileName: { type: 'string', minLength: 1, maxLength: 255 },
      contentType: { type: 'string', minLength: 1, maxLength: 150 },
      sizeBytes: { type: 'integer', minimum: 1 },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      suggestedCategory: nullableSubmissionText(20),
      uploadedBy: submissionIdSchema,
      uploadedAt: submissionTimestampSchema,
    },
    [
      'submissionId',
      'documentId',
      'version',
      'documentType',
      'fileName',
      'contentType',
      'sizeBytes',
      'sha256',
      'suggestedCategory',
      'uploadedBy',
      'uploadedAt',
    ],
  ),
  fixturePayload: {
    submissionId: fixtureSubmissionId,
    documentId: 'doc-0001',
    version: 1,
    documentType: 'ATP_DOCUMENT',
    fileName: 'MW New Link JKT-001.pdf',
    contentType: 'application/pdf',
    sizeBytes: 1048576,
    sha256: 'a'.repeat(64),
    suggestedCategory: 'RAN_MW',
    uploadedBy: 'u-doc-control',
    uploadedAt: '2026-01-05T09:00:00.000Z',
  },
});

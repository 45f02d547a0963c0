import { defineEvent } from '../../event-definition';
import { Topics } from '../../topics';

/** Lifecycle of one config version (domain §2.1); carries the header after the change. */
export interface ConfigVersionPayloadV1 {
  configVersionId: string;
  workspaceId: string;
  sourceType: 'APPROVAL_MATRIX' | 'CLUSTER_MAPPING' | 'SCOPE_CONFIG';
  versionNumber: number;
  status: 'DRAFT' | 'ACTIVE' | 'SUPERSEDED' | 'ARCHIVED';
  validationStatus: 'PENDING' | 'VALID' | 'WARNINGS' | 'INVALID';
  sourceFileName: string;
  sourceChecksum: string | null;
  rowCount: number;
  previousVersionId: string | null;
  supersededById: string | null;
  isRollback: boolean;
  rolledBackFromId: string | null;
}

const nullableString = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] } as const;

const configVersionPayloadSchema = {
  type: 'object',
  required: [
    'configVersionId',
    'workspaceId',
    'sourceType',
    'versionNumber',
    'status',
    'validationStatus',
    'sourceFileName',
    'sourceChecksum',
    'rowCount',
    'previousVersionId',
    'supersededById',
    'isRollback',
    'rolledBackFromId',
  ],
  properties: {
    configVersionId: { type: 'string', minLength: 1 },
    workspaceId: { type: 'string', format: 'uuid' },
    sourceType: { enum: ['APPROVAL_MATRIX', 'CLUSTER_MAPPING', 'SCOPE_CONFIG'] },
    versionNumber: { type: 'integer', minimum: 1 },
    status: { enum: ['DRAFT', 'ACTIVE', 'SUPERSEDED', 'ARCHIVED'] },
    validationStatus: { enum: ['PENDING', 'VALID', 'WARNINGS', 'INVALID'] },
    sourceFileName: { type: 'string', minLength: 1, maxLength: 255 },
    sourceChecksum: { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{64}$' }, { type: 'null' }] },
    rowCount: { type: 'integer', minimum: 0 },
    previousVersionId: nullableString,
    supersededById: nullableString,
    isRollback: { type: 'boolean' },
    rolledBackFromId: nullableString,
  },
} as const;

const fixturePayload: ConfigVersionPayloadV1 = {
  configVersionId: '4d7c2a9e-1f3b-4c55-8e0a-6b2d9f1a7c31',
  workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
  sourceType: 'APPROVAL_MATRIX',
  versionNumber: 2,
  status: 'DRAFT',
  validationStatus: 'VALID',
  sourceFileName: 'approval-matrix-2026-01.xlsx',
  sourceChecksum: 'a3f5c0d1e2b4a6978877665544332211ffeeddccbbaa99887766554433221100',
  rowCount: 42,
  previousVersionId: '9a1b2c3d-0000-4000-8000-00000000000a',
  supersededById: null,
  isRollback: false,
  rolledBackFromId: null,
};

const fixtureEnvelope = {
  schemaVersion: 1,
  occurredAt: '2026-01-05T08:00:00.000Z',
  workspaceId: fixturePayload.workspaceId,
  aggregateType: 'config-version',
  aggregateId: fixturePayload.configVersionId,
  correlationId: 'c0ffee00-0000-4000-8000-000000000002',
  causationId: null,
  actorId: 'u-admin',
};

function lifecycleEvent(eventType: string, description: string, index: number, payload: ConfigVersionPayloadV1) {
  return defineEvent<ConfigVersionPayloadV1>({
    eventType,
    schemaVersion: 1,
    topic: Topics.configEvents,
    aggregateType: 'config-version',
    description,
    payloadSchema: configVersionPayloadSchema,
    fixture: {
      ...fixtureEnvelope,
      eventId: `1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e${String(index).padStart(2, '0')}`,
      aggregateVersion: index,
      eventType,
      payload,
    },
  });
}

export const ConfigVersionImportedV1 = lifecycleEvent(
  'config.version.imported',
  'A file was imported into a new DRAFT version.',
  1,
  fixturePayload,
);
export const ConfigVersionDraftEditedV1 = lifecycleEvent(
  'config.version.draft-edited',
  'A row of a DRAFT version was edited.',
  2,
  fixturePayload,
);
export const ConfigVersionActivatedV1 = lifecycleEvent(
  'config.version.activated',
  'A version became the ACTIVE one of its workspace and source type.',
  3,
  {
    ...fixturePayload,
    status: 'ACTIVE',
  },
);
export const ConfigVersionSupersededV1 = lifecycleEvent(
  'config.version.superseded',
  'An ACTIVE version was replaced by a newer one.',
  4,
  {
    ...fixturePayload,
    status: 'SUPERSEDED',
    supersededById: '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b',
  },
);
export const ConfigVersionArchivedV1 = lifecycleEvent(
  'config.version.archived',
  'An ACTIVE version was retired without successor.',
  5,
  {
    ...fixturePayload,
    status: 'ARCHIVED',
  },
);
export const ConfigVersionRolledBackV1 = lifecycleEvent(
  'config.version.rolled-back',
  'A new version cloned from an older one was created and activated (rollback by clone-and-activate).',
  6,
  { ...fixturePayload, status: 'ACTIVE', isRollback: true, rolledBackFromId: '9a1b2c3d-0000-4000-8000-00000000000a' },
);
export const ConfigVersionDeletedV1 = lifecycleEvent(
  'config.version.deleted',
  'A DRAFT version was discarded.',
  7,
  fixturePayload,
);

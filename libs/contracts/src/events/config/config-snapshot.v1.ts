import { defineEvent } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * Event type `config.version.snapshot` (the envelope's eventType pattern allows no hyphen in the first segment).
 * Every master row of an activated config version, so consumers (workflow-service) rebuild their replica
 * from the compacted topic alone (key = config version id). The payload is the `ConfigSnapshot` of
 * `@atp/approval-routing` (model.ts); contracts may not import the domain library, so the type here is
 * structural and the schema checks the header and the identity of every row.
 */
export interface ConfigSnapshotPayloadV1 {
  snapshot: {
    configVersionId: string;
    workspaceId: string;
    versionNumber: number;
    sourceType: 'APPROVAL_MATRIX' | 'CLUSTER_MAPPING' | 'SCOPE_CONFIG';
    [rows: string]: unknown;
  };
}

const rows = (required: string[]) => ({ type: 'array', items: { type: 'object', required } }) as const;

const header = {
  configVersionId: { type: 'string', minLength: 1 },
  workspaceId: { type: 'string', format: 'uuid' },
  versionNumber: { type: 'integer', minimum: 1 },
} as const;

const snapshotSchema = {
  type: 'object',
  required: ['snapshot'],
  properties: {
    snapshot: {
      oneOf: [
        {
          type: 'object',
          required: [
            'configVersionId',
            'workspaceId',
            'versionNumber',
            'sourceType',
            'roles',
            'policies',
            'policyStages',
          ],
          properties: {
            ...header,
            sourceType: { const: 'APPROVAL_MATRIX' },
            roles: rows(['id', 'roleCode', 'hierarchyOrder']),
            policies: rows(['id', 'scopeId', 'scopeCode', 'vendorId', 'vendorCode', 'atpCategory', 'fallbackPriority']),
            policyStages: rows([
              'id',
              'policyId',
              'stageNumber',
              'approvalRoleId',
              'roleCode',
              'slaHours',
              'assignmentMode',
              'sequenceOrder',
            ]),
          },
        },
        {
          type: 'object',
          required: ['configVersionId', 'workspaceId', 'versionNumber', 'sourceType', 'clusters', 'clusterApprovers'],
          properties: {
            ...header,
            sourceType: { const: 'CLUSTER_MAPPING' },
            clusters: rows(['id', 'scopeId', 'scopeCode', 'clusterCode', 'regionName']),
            clusterApprovers: rows(['id', 'clusterId', 'clusterCode', 'approvalRoleId', 'roleCode', 'primaryUserId']),
          },
        },
        {
          type: 'object',
          required: ['configVersionId', 'workspaceId', 'versionNumber', 'sourceType', 'scopes', 'vendors'],
          properties: {
            ...header,
            sourceType: { const: 'SCOPE_CONFIG' },
            scopes: rows(['id', 'scopeCode', 'scopeGroup']),
            vendors: rows(['id', 'vendorCode']),
          },
        },
      ],
    },
  },
} as const;

const fixturePayload: ConfigSnapshotPayloadV1 = {
  snapshot: {
    configVersionId: '4d7c2a9e-1f3b-4c55-8e0a-6b2d9f1a7c31',
    workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
    versionNumber: 1,
    sourceType: 'SCOPE_CONFIG',
    scopes: [
      {
        id: 's-1',
        scopeCode: 'MW_NEW',
        scopeName: 'MW New Link',
        scopeGroup: 'MICROWAVE',
        categoryCode: 'NEW',
        atpType: 'HARDWARE',
        defaultTemplateCode: 'ATP_HARDWARE',
        requiresCluster: true,
        isActive: true,
      },
    ],
    vendors: [{ id: 'v-1', vendorCode: 'ZTE', vendorName: 'ZTE', vendorType: 'OEM', isActive: true }],
  },
};

export const ConfigVersionSnapshotV1 = defineEvent<ConfigSnapshotPayloadV1>({
  eventType: 'config.version.snapshot',
  schemaVersion: 1,
  topic: Topics.configSnapshots,
  aggregateType: 'config-version',
  description:
    'Every master row of a version, published once when it is activated (compacted, key = config version id).',
  payloadSchema: snapshotSchema,
  fixture: {
    eventId: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f01',
    eventType: 'config.version.snapshot',
    schemaVersion: 1,
    occurredAt: '2026-01-05T08:00:00.000Z',
    workspaceId: fixturePayload.snapshot.workspaceId,
    aggregateType: 'config-version',
    aggregateId: fixturePayload.snapshot.configVersionId,
    aggregateVersion: 2,
    correlationId: 'c0ffee00-0000-4000-8000-000000000003',
    causationId: null,
    actorId: 'u-admin',
    payload: fixturePayload,
  },
});

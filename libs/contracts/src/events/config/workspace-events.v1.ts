import { defineEvent } from '../../event-definition';
import { Topics } from '../../topics';

/** Reference data: the workspace (tenant) as replicas need it. Keyed by workspace id, compacted. */
export interface WorkspacePayloadV1 {
  workspaceId: string;
  code: string;
  name: string;
  isActive: boolean;
}

const workspacePayloadSchema = {
  type: 'object',
  required: ['workspaceId', 'code', 'name', 'isActive'],
  properties: {
    workspaceId: { type: 'string', format: 'uuid' },
    code: { type: 'string', minLength: 1, maxLength: 80 },
    name: { type: 'string', minLength: 1, maxLength: 150 },
    isActive: { type: 'boolean' },
  },
} as const;

const fixturePayload: WorkspacePayloadV1 = {
  workspaceId: '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11',
  code: 'XLSMART-AVIAT',
  name: 'XLSmart Aviat',
  isActive: true,
};

const fixtureEnvelope = {
  eventId: '0b8f2f0e-6f7a-4c0e-9d1e-2a7f7f1c9a01',
  schemaVersion: 1,
  occurredAt: '2026-01-05T08:00:00.000Z',
  workspaceId: fixturePayload.workspaceId,
  aggregateType: 'workspace',
  aggregateId: fixturePayload.workspaceId,
  aggregateVersion: 1,
  correlationId: 'c0ffee00-0000-4000-8000-000000000001',
  causationId: null,
  actorId: 'u-admin',
};

export const WorkspaceCreatedV1 = defineEvent<WorkspacePayloadV1>({
  eventType: 'workspace.created',
  schemaVersion: 1,
  topic: Topics.configReference,
  aggregateType: 'workspace',
  description: 'A workspace was created.',
  payloadSchema: workspacePayloadSchema,
  fixture: { ...fixtureEnvelope, eventType: 'workspace.created', payload: fixturePayload },
});

export const WorkspaceUpdatedV1 = defineEvent<WorkspacePayloadV1>({
  eventType: 'workspace.updated',
  schemaVersion: 1,
  topic: Topics.configReference,
  aggregateType: 'workspace',
  description: 'A workspace changed name, code or active flag; carries the full current state.',
  payloadSchema: workspacePayloadSchema,
  fixture: {
    ...fixtureEnvelope,
    eventId: '0b8f2f0e-6f7a-4c0e-9d1e-2a7f7f1c9a02',
    aggregateVersion: 2,
    eventType: 'workspace.updated',
    payload: { ...fixturePayload, name: 'XLSmart Aviat (renamed)' },
  },
});

export const WorkspaceDeactivatedV1 = defineEvent<WorkspacePayloadV1>({
  eventType: 'workspace.deactivated',
  schemaVersion: 1,
  topic: Topics.configReference,
  aggregateType: 'workspace',
  description: 'A workspace was deactivated: new submissions are refused from now on.',
  payloadSchema: workspacePayloadSchema,
  fixture: {
    ...fixtureEnvelope,
    eventId: '0b8f2f0e-6f7a-4c0e-9d1e-2a7f7f1c9a03',
    aggregateVersion: 3,
    eventType: 'workspace.deactivated',
    payload: { ...fixturePayload, isActive: false },
  },
});

import { defineEvent } from '../../event-definition';
import { Topics } from '../../topics';

/** One check's finding in one workspace (ids of a few offending rows, for the person who looks). */
export interface OrphanCheckFindingV1 {
  checkId: string;
  table: string;
  column: string;
  severity: 'CRITICAL' | 'WARNING';
  domainCheck: number | null;
  count: number;
  sampleIds: string[];
}

export interface OrphansDetectedPayloadV1 {
  auditId: string;
  service: 'config' | 'workflow' | 'submission' | 'punchlist';
  checkedAt: string;
  totalOrphans: number;
  /** Orphans per check id in this workspace, every check of the run listed (0 included). */
  counts: Record<string, number>;
  findings: OrphanCheckFindingV1[];
}

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;

const findingSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['checkId', 'table', 'column', 'severity', 'domainCheck', 'count', 'sampleIds'],
  properties: {
    checkId: id,
    table: id,
    column: id,
    severity: { enum: ['CRITICAL', 'WARNING'] },
    domainCheck: { anyOf: [{ type: 'integer', minimum: 1, maximum: 8 }, { type: 'null' }] },
    count: { type: 'integer', minimum: 1 },
    sampleIds: { type: 'array', items: id, maxItems: 20 },
  },
} as const;

const fixturePayload: OrphansDetectedPayloadV1 = {
  auditId: '42',
  service: 'workflow',
  checkedAt: '2026-02-01T02:00:00.000Z',
  totalOrphans: 2,
  counts: { 'workflow.workflow_instances.config_version_id': 2, 'workflow.workflow_instances.workspace_id': 0 },
  findings: [
    {
      checkId: 'workflow.workflow_instances.config_version_id',
      table: 'workflow_instances',
      column: 'config_version_id',
      severity: 'CRITICAL',
      domainCheck: 1,
      count: 2,
      sampleIds: ['wf-0001', 'wf-0002'],
    },
  ],
};

/**
 * The orphan audit of one service (architecture §5.5) found rows whose referenced row does not exist in the
 * service's replica (or, for an intra-service check, its own table). One event per audited workspace with
 * findings; key = `<service>.<workspaceId>`, so one service's findings for one workspace stay in order.
 */
export const IntegrityOrphansDetectedV1 = defineEvent<OrphansDetectedPayloadV1>({
  eventType: 'integrity.orphans.detected',
  schemaVersion: 1,
  topic: Topics.integrityEvents,
  aggregateType: 'integrity-audit',
  description: 'An orphan audit found rows referencing missing parents (domain §7.1); counts per check and sample ids.',
  payloadSchema: {
    type: 'object',
    additionalProperties: true,
    required: ['auditId', 'service', 'checkedAt', 'totalOrphans', 'counts', 'findings'],
    properties: {
      auditId: id,
      service: { enum: ['config', 'workflow', 'submission', 'punchlist'] },
      checkedAt: { type: 'string', format: 'date-time' },
      totalOrphans: { type: 'integer', minimum: 1 },
      counts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
      findings: { type: 'array', minItems: 1, items: findingSchema },
    },
  },
  fixture: {
    eventId: '0b8f7a52-3f1e-4a53-9d51-3c1f0a9e7b21',
    eventType: 'integrity.orphans.detected',
    schemaVersion: 1,
    occurredAt: '2026-02-01T02:00:00.000Z',
    workspaceId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
    aggregateType: 'integrity-audit',
    aggregateId: 'workflow.6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
    aggregateVersion: 1,
    correlationId: '5d2c7e10-8a4b-4f3e-9c1d-2b3a4c5d6e7f',
    causationId: null,
    actorId: null,
    payload: fixturePayload,
  },
});

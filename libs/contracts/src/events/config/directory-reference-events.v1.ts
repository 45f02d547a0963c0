import { defineEvent, type EventDefinition } from '../../event-definition';
import { Topics } from '../../topics';

/**
 * Reference data of the directory on the compacted reference topic (architecture §4, §5.2): each event
 * carries the full current state of its entity, keyed by the entity id, so the latest event per key is the
 * replica row. Users are platform-wide (envelope workspaceId null).
 */
export interface UserPayloadV1 {
  userId: string;
  email: string;
  fullName: string;
  userType: 'INTERNAL' | 'CUSTOMER' | 'VENDOR' | 'TOWER_PROVIDER';
  status: 'ACTIVE' | 'INACTIVE' | 'SUSPENDED' | 'PENDING';
}

export interface MembershipPayloadV1 {
  membershipId: string;
  workspaceId: string;
  userId: string;
  role: 'WORKSPACE_ADMIN' | 'DOC_CONTROL' | 'QA_ENGINEER' | 'APPROVER' | 'AUDITOR';
  status: 'ACTIVE' | 'INACTIVE';
}

export interface SitePayloadV1 {
  siteId: string;
  workspaceId: string;
  siteCode: string;
  siteName: string;
  region: string | null;
  city: string | null;
  clusterCode: string | null;
  isActive: boolean;
}

const nullableText = { anyOf: [{ type: 'string' }, { type: 'null' }] } as const;
const workspaceId = '6f1c1a52-8a0e-4f55-9d7e-3b1f3f0b6a11';

const userSchema = {
  type: 'object',
  required: ['userId', 'email', 'fullName', 'userType', 'status'],
  properties: {
    userId: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', format: 'email' },
    fullName: { type: 'string', minLength: 1, maxLength: 200 },
    userType: { enum: ['INTERNAL', 'CUSTOMER', 'VENDOR', 'TOWER_PROVIDER'] },
    status: { enum: ['ACTIVE', 'INACTIVE', 'SUSPENDED', 'PENDING'] },
  },
} as const;

const membershipSchema = {
  type: 'object',
  required: ['membershipId', 'workspaceId', 'userId', 'role', 'status'],
  properties: {
    membershipId: { type: 'string', minLength: 1 },
    workspaceId: { type: 'string', format: 'uuid' },
    userId: { type: 'string', minLength: 1 },
    role: { enum: ['WORKSPACE_ADMIN', 'DOC_CONTROL', 'QA_ENGINEER', 'APPROVER', 'AUDITOR'] },
    status: { enum: ['ACTIVE', 'INACTIVE'] },
  },
} as const;

const siteSchema = {
  type: 'object',
  required: ['siteId', 'workspaceId', 'siteCode', 'siteName', 'region', 'city', 'clusterCode', 'isActive'],
  properties: {
    siteId: { type: 'string', minLength: 1 },
    workspaceId: { type: 'string', format: 'uuid' },
    siteCode: { type: 'string', minLength: 1, maxLength: 100 },
    siteName: { type: 'string', minLength: 1, maxLength: 200 },
    region: nullableText,
    city: nullableText,
    clusterCode: nullableText,
    isActive: { type: 'boolean' },
  },
} as const;

function referenceEvent<P>(
  eventType: string,
  aggregateType: string,
  description: string,
  payloadSchema: Record<string, unknown>,
  eventIdSuffix: string,
  envelopeWorkspaceId: string | null,
  aggregateId: string,
  payload: P,
): EventDefinition<P> {
  return defineEvent<P>({
    eventType,
    schemaVersion: 1,
    topic: Topics.configReference,
    aggregateType,
    description,
    payloadSchema,
    fixture: {
      eventId: `3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f50${eventIdSuffix}`,
      eventType,
      schemaVersion: 1,
      occurredAt: '2026-01-05T08:00:00.000Z',
      workspaceId: envelopeWorkspaceId,
      aggregateType,
      aggregateId,
      aggregateVersion: 1,
      correlationId: 'c0ffee00-0000-4000-8000-000000000004',
      causationId: null,
      actorId: 'u-admin',
      payload,
    },
  });
}

const user: UserPayloadV1 = {
  userId: 'u-rth-jakarta',
  email: 'rth.jakarta@xlsmart.example',
  fullName: 'RTH Jakarta',
  userType: 'CUSTOMER',
  status: 'ACTIVE',
};
const membership: MembershipPayloadV1 = {
  membershipId: 'm-1',
  workspaceId,
  userId: user.userId,
  role: 'APPROVER',
  status: 'ACTIVE',
};
const site: SitePayloadV1 = {
  siteId: 'site-1',
  workspaceId,
  siteCode: 'JKT-0001',
  siteName: 'Jakarta Tower 1',
  region: 'JABODETABEK',
  city: 'Jakarta',
  clusterCode: 'JKT-C1',
  isActive: true,
};

export const UserCreatedV1 = referenceEvent(
  'user.created',
  'user',
  'A user was registered.',
  userSchema,
  '01',
  null,
  user.userId,
  user,
);
export const UserUpdatedV1 = referenceEvent(
  'user.updated',
  'user',
  'A user changed; full current state.',
  userSchema,
  '02',
  null,
  user.userId,
  user,
);
export const MembershipCreatedV1 = referenceEvent(
  'membership.created',
  'membership',
  'A user received a role in a workspace.',
  membershipSchema,
  '03',
  workspaceId,
  membership.membershipId,
  membership,
);
export const MembershipUpdatedV1 = referenceEvent(
  'membership.updated',
  'membership',
  'A membership changed status; full current state.',
  membershipSchema,
  '04',
  workspaceId,
  membership.membershipId,
  membership,
);
export const SiteCreatedV1 = referenceEvent(
  'site.created',
  'site',
  'A site was registered in a workspace.',
  siteSchema,
  '05',
  workspaceId,
  site.siteId,
  site,
);
export const SiteUpdatedV1 = referenceEvent(
  'site.updated',
  'site',
  'A site changed; full current state.',
  siteSchema,
  '06',
  workspaceId,
  site.siteId,
  site,
);

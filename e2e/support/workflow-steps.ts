import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { CATEGORY_CHAINS, type AtpCategory } from '@atp/approval-routing';
import { SubmissionQaApprovedV1, type EventEnvelope, type SubmissionQaApprovedPayloadV1 } from '@atp/contracts';
import { waitFor } from '@atp/testing';
import type { Api, ApiResponse } from './api-client';
import { expectStatus } from './api-client';
import { SCOPE_OF, USERS } from './demo-data';
import type { EventLog, LoggedEvent } from './event-log';
import { itemsOf, type Workspace } from './workspace';

export interface ChainStage {
  stageNumber: number;
  stageName: string;
  roleCode: string;
  approverUserId: string;
}

/**
 * The chain a submission of `category` at `siteCode` gets, as config-service's dry run resolves it now,
 * checked against the category's chain in the routing library (same roles, same order).
 */
export async function expectedChain(api: Api, workspace: Workspace, category: AtpCategory, siteCode: string): Promise<ChainStage[]> {
  const dryRun = expectStatus(
    await api.as(USERS.admin).post(`/workspaces/${workspace.id}/routing/dry-run`, { siteCode, scopeCode: SCOPE_OF[category], atpCategory: category }, { idempotencyKey: null }),
    200,
    'dry run',
  );
  const stages = (dryRun.body.stages as ChainStage[]).map(({ stageNumber, stageName, roleCode, approverUserId }) => ({ stageNumber, stageName, roleCode, approverUserId }));
  const libraryRoles = CATEGORY_CHAINS[category].map((s) => s.roleCode);
  if (JSON.stringify(stages.map((s) => s.roleCode)) !== JSON.stringify(libraryRoles)) {
    throw new Error(`dry run of ${category} resolved ${stages.map((s) => s.roleCode).join(' → ')}, the routing library says ${libraryRoles.join(' → ')}`);
  }
  return stages;
}

/**
 * `submission.qa-approved` with the workspace's ACTIVE versions pinned, produced straight to Kafka as
 * submission-service would publish it. Journeys start workflows through the API (`Submissions`); this is for
 * the benchmark (many workflows without the upload path) and the tracing test (a trace from a known producer).
 */
export class QaApprovalPublisher {
  private constructor(private readonly producer: Producer) {}

  static async connect(brokers: string[]): Promise<QaApprovalPublisher> {
    const kafka = new Kafka({ brokers, clientId: 'atp-e2e-qa', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    return new QaApprovalPublisher(producer);
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }

  async publish(workspace: Workspace, input: { category: AtpCategory; siteCode: string; submissionId?: string; attemptNumber?: number; submittedBy?: string }): Promise<SubmissionQaApprovedPayloadV1> {
    const site = workspace.sites.get(input.siteCode);
    if (!site) throw new Error(`no site ${input.siteCode} in workspace ${workspace.code}`);
    const payload: SubmissionQaApprovedPayloadV1 = {
      submissionId: input.submissionId ?? randomUUID(),
      attemptNumber: input.attemptNumber ?? 1,
      workspaceId: workspace.id,
      siteId: site.siteId,
      siteCode: site.siteCode,
      clusterCode: site.clusterCode,
      regionCode: site.region,
      scopeCode: SCOPE_OF[input.category],
      vendorCode: null,
      atpCategory: input.category,
      submittedBy: input.submittedBy ?? USERS.docControl,
      qaApprovedBy: USERS.qa,
      pinnedConfigVersions: {
        approvalMatrix: workspace.active.APPROVAL_MATRIX, clusterMapping: workspace.active.CLUSTER_MAPPING, scopeConfig: workspace.active.SCOPE_CONFIG,
      },
    };
    const envelope: EventEnvelope<SubmissionQaApprovedPayloadV1> = {
      eventId: randomUUID(), eventType: SubmissionQaApprovedV1.eventType, schemaVersion: SubmissionQaApprovedV1.schemaVersion, occurredAt: new Date().toISOString(),
      workspaceId: workspace.id, aggregateType: SubmissionQaApprovedV1.aggregateType, aggregateId: payload.submissionId, aggregateVersion: payload.attemptNumber * 10,
      correlationId: randomUUID(), causationId: null, actorId: USERS.qa, payload,
    };
    await this.producer.send({ topic: SubmissionQaApprovedV1.topic, acks: -1, messages: [{ key: payload.submissionId, value: JSON.stringify(envelope) }] });
    return payload;
  }
}

/** The `workflow.started` event of a submission attempt. */
export function workflowStartedOf(events: EventLog, submissionId: string, attemptNumber = 1): Promise<LoggedEvent> {
  return events.waitFor(
    (e) => e.eventType === 'workflow.started' && e.payload.submissionId === submissionId && (e.payload.attemptNumber ?? attemptNumber) === attemptNumber,
    `workflow.started of ${submissionId} attempt ${attemptNumber}`,
  );
}

export interface InboxItem {
  stageId: string;
  workflowInstanceId: string;
  submissionId: string;
  stageNumber: number;
  stageName: string;
  roleCode: string;
}

/** The caller's inbox entry for a workflow's open stage (waits for it: the inbox reads committed state). */
export async function inboxEntry(api: Api, workspaceId: string, userId: string, workflowId: string, stageNumber?: number): Promise<InboxItem> {
  return waitFor(async () => {
    const inbox = expectStatus(await api.as(userId).get(`/workspaces/${workspaceId}/inbox`, { query: { limit: 200 } }), 200, `inbox of ${userId}`);
    return itemsOf<InboxItem>(inbox.body).find((item) => item.workflowInstanceId === workflowId && (stageNumber === undefined || item.stageNumber === stageNumber));
  }, { timeoutMs: 20_000, intervalMs: 100, what: `stage ${stageNumber ?? ''} of ${workflowId} in the inbox of ${userId}` });
}

export function decide(api: Api, workspaceId: string, userId: string, workflowId: string, stageId: string, body: Record<string, unknown>, idempotencyKey?: string): Promise<ApiResponse> {
  return api.as(userId).post(`/workspaces/${workspaceId}/workflows/${workflowId}/stages/${stageId}/decisions`, body, { idempotencyKey });
}

export async function getWorkflow(api: Api, workspaceId: string, workflowId: string, userId: string = USERS.admin): Promise<any> {
  return expectStatus(await api.as(userId).get(`/workspaces/${workspaceId}/workflows/${workflowId}`), 200, `workflow ${workflowId}`).body;
}

import { CATEGORY_CHAINS, type AtpCategory } from '@atp/approval-routing';
import { waitFor } from '@atp/testing';
import type { Api, ApiResponse } from './api-client';
import { expectStatus } from './api-client';
import { SCOPE_OF, USERS } from './demo-data';
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
export async function expectedChain(
  api: Api,
  workspace: Workspace,
  category: AtpCategory,
  siteCode: string,
): Promise<ChainStage[]> {
  const dryRun = expectStatus(
    await api
      .as(USERS.admin)
      .post(
        `/workspaces/${workspace.id}/routing/dry-run`,
        { siteCode, scopeCode: SCOPE_OF[category], atpCategory: category },
        { idempotencyKey: null },
      ),
    200,
    'dry run',
  );
  const stages = (dryRun.body.stages as ChainStage[]).map(({ stageNumber, stageName, roleCode, approverUserId }) => ({
    stageNumber,
    stageName,
    roleCode,
    approverUserId,
  }));
  const libraryRoles = CATEGORY_CHAINS[category].map((s) => s.roleCode);
  if (JSON.stringify(stages.map((s) => s.roleCode)) !== JSON.stringify(libraryRoles)) {
    throw new Error(
      `dry run of ${category} resolved ${stages.map((s) => s.roleCode).join(' → ')}, the routing library says ${libraryRoles.join(' → ')}`,
    );
  }
  return stages;
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
export async function inboxEntry(
  api: Api,
  workspaceId: string,
  userId: string,
  workflowId: string,
  stageNumber?: number,
): Promise<InboxItem> {
  return waitFor(
    async () => {
      const inbox = expectStatus(
        await api.as(userId).get(`/workspaces/${workspaceId}/inbox`, { query: { limit: 200 } }),
        200,
        `inbox of ${userId}`,
      );
      return itemsOf<InboxItem>(inbox.body).find(
        (item) =>
          item.workflowInstanceId === workflowId && (stageNumber === undefined || item.stageNumber === stageNumber),
      );
    },
    {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `stage ${stageNumber ?? ''} of ${workflowId} in the inbox of ${userId}`,
    },
  );
}

export function decide(
  api: Api,
  workspaceId: string,
  userId: string,
  workflowId: string,
  stageId: string,
  body: Record<string, unknown>,
  idempotencyKey?: string,
): Promise<ApiResponse> {
  return api
    .as(userId)
    .post(`/workspaces/${workspaceId}/workflows/${workflowId}/stages/${stageId}/decisions`, body, { idempotencyKey });
}

export async function getWorkflow(
  api: Api,
  workspaceId: string,
  workflowId: string,
  userId: string = USERS.admin,
): Promise<any> {
  return expectStatus(
    await api.as(userId).get(`/workspaces/${workspaceId}/workflows/${workflowId}`),
    200,
    `workflow ${workflowId}`,
  ).body;
}

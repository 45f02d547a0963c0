import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics, WorkflowStartedV1, type WorkflowStartedPayloadV1 } from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { ClaimChecker, type Claim } from './claim-checker';
import { ClaimRejections } from './claim-rejections';

export const WORKFLOW_CLAIMS_CONSUMER: InboxConsumerSpec = {
  name: 'config-service.workflow-claims',
  topics: [Topics.workflowEvents],
};

/** Everything a started workflow says about config-service's rows (architecture §5.3). */
export function workflowStartedClaims(workspaceId: string, p: WorkflowStartedPayloadV1): Claim[] {
  const matrix = p.configVersionId;
  const claims: Claim[] = [
    { field: 'workspaceId', entity: 'workspaces', id: workspaceId },
    { field: 'configVersionId', entity: 'config_versions', id: matrix, sourceType: 'APPROVAL_MATRIX' },
    {
      field: 'pinnedConfigVersions.approvalMatrix',
      entity: 'config_versions',
      id: p.pinnedConfigVersions.approvalMatrix,
      sourceType: 'APPROVAL_MATRIX',
    },
    {
      field: 'pinnedConfigVersions.clusterMapping',
      entity: 'config_versions',
      id: p.pinnedConfigVersions.clusterMapping,
      sourceType: 'CLUSTER_MAPPING',
    },
    {
      field: 'pinnedConfigVersions.scopeConfig',
      entity: 'config_versions',
      id: p.pinnedConfigVersions.scopeConfig,
      sourceType: 'SCOPE_CONFIG',
    },
    { field: 'approvalPolicyId', entity: 'approval_policy_master', id: p.approvalPolicyId, configVersionId: matrix },
    { field: 'scopeId', entity: 'atp_scope_master', id: p.scopeId },
    { field: 'siteId', entity: 'sites', id: p.siteId },
  ];
  if (p.vendorId) claims.push({ field: 'vendorId', entity: 'vendor_master', id: p.vendorId });
  p.stages.forEach((s, i) => {
    claims.push({
      field: `stages[${i}].approvalRoleId`,
      entity: 'approval_role_master',
      id: s.approvalRoleId,
      configVersionId: matrix,
    });
    // The stage's row of the policy, when the matrix planned it (a built-in template's stage names none).
    if (s.policyStageId)
      claims.push({
        field: `stages[${i}].policyStageId`,
        entity: 'approval_policy_stages',
        id: s.policyStageId,
        configVersionId: matrix,
      });
    if (s.approverUserId)
      claims.push({ field: `stages[${i}].approverUserId`, entity: 'workspace_members', id: s.approverUserId });
  });
  return claims;
}

/**
 * Compensating validation of `workflow.started`: workflow-service resolved it from replicas that can lag, or the
 * event did not come from the API at all. A refused reference publishes `reference.rejected` (one per field) and
 * workflow-service puts the workflow ON_HOLD. Only the start is a claim: later workflow events name nothing new of
 * this service's rows (reassignment targets are checked by workflow-service against its member replica).
 */
@Controller()
export class WorkflowClaimsConsumer {
  constructor(
    private readonly checker: ClaimChecker,
    private readonly rejections: ClaimRejections,
  ) {}

  @EventPattern(WorkflowStartedV1.eventType, { consumer: WORKFLOW_CLAIMS_CONSUMER })
  async onStarted(
    @Payload() event: ConsumedEvent<WorkflowStartedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    if (!envelope.workspaceId) return;
    const refused = await this.checker.check(
      inbox.manager,
      envelope.workspaceId,
      workflowStartedClaims(envelope.workspaceId, envelope.payload),
    );
    const source = {
      claimantService: 'workflow-service',
      aggregateType: 'workflow' as const,
      aggregateId: envelope.payload.workflowInstanceId,
      claim: envelope,
    };
    await this.rejections.publish(inbox.manager, source, refused);
  }
}

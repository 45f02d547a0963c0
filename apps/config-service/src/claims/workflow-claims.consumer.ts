import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  ApproverOverrideRequestedV1,
  Topics,
  WorkflowStartedV1,
  type ApproverOverridePayloadV1,
  type WorkflowStartedPayloadV1,
} from '@atp/contracts';
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
  return claims.filter((c) => namesARow(c.id));
}

/**
 * workflow-service stands a code in for an id when routing used a built-in template or a role/scope named by code only
 * (`template:…`, `role-code:…`, `scope-code:…`): such a value names no row of this service, so it is no claim.
 */
export function namesARow(id: string): boolean {
  return !/^(template|role-code|scope-code):/.test(id);
}

/** What a requested approver override says about this service's rows. */
export function overrideRequestedClaims(workspaceId: string, p: ApproverOverridePayloadV1): Claim[] {
  const claims: Claim[] = [
    { field: 'workspaceId', entity: 'workspaces', id: workspaceId },
    { field: 'fromUserId', entity: 'workspace_members', id: p.fromUserId },
    { field: 'toUserId', entity: 'workspace_members', id: p.toUserId },
  ];
  if (p.approvalRoleId) claims.push({ field: 'approvalRoleId', entity: 'approval_role_master', id: p.approvalRoleId });
  return claims.filter((c) => namesARow(c.id));
}

/**
 * Compensating validation of `workflow.started`: workflow-service resolved it from replicas that can lag, or the
 * event did not come from the API at all. A refused reference publishes `reference.rejected` (one per field) and
 * workflow-service puts the workflow ON_HOLD. A requested approver override is a claim too (its users and role; a
 * refusal expires the override). Later workflow events name nothing new of this service's rows (reassignment
 * targets are checked by workflow-service against its member replica).
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

  @EventPattern(ApproverOverrideRequestedV1.eventType, { consumer: WORKFLOW_CLAIMS_CONSUMER })
  async onOverrideRequested(
    @Payload() event: ConsumedEvent<ApproverOverridePayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    if (!envelope.workspaceId) return;
    const verdicts = await this.checker.check(
      inbox.manager,
      envelope.workspaceId,
      overrideRequestedClaims(envelope.workspaceId, envelope.payload),
    );
    // Overriding an approver who is no longer active is what overrides are for: only the other reasons count.
    const refused = verdicts.filter((v) => !(v.claim.field === 'fromUserId' && v.reasonCode === 'INACTIVE'));
    const source = {
      claimantService: 'workflow-service',
      aggregateType: 'workflow-override' as const,
      aggregateId: envelope.payload.overrideId,
      claim: envelope,
    };
    await this.rejections.publish(inbox.manager, source, refused);
  }
}

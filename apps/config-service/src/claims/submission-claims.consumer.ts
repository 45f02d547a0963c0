import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  SubmissionCreatedV1,
  SubmissionStatusChangedV1,
  SubmissionSubmittedV1,
  Topics,
  type SubmissionCreatedPayloadV1,
  type SubmissionStatusChangedPayloadV1,
  type SubmissionSubmittedPayloadV1,
} from '@atp/contracts';
import type { ConsumedEvent } from '@atp/platform-messaging';
import { InboxContext, type InboxConsumerSpec } from '@atp/platform-runtime';
import { ClaimChecker, type Claim } from './claim-checker';
import { ClaimRejections } from './claim-rejections';
import { SubmissionPinsRepository } from './submission-pins.repository';

/** From the beginning: the pins must cover submissions opened before this consumer existed. */
export const SUBMISSION_CLAIMS_CONSUMER: InboxConsumerSpec = {
  name: 'config-service.submission-claims',
  topics: [Topics.submissionEvents],
  fromBeginning: true,
};

export function submissionCreatedClaims(workspaceId: string, p: SubmissionCreatedPayloadV1): Claim[] {
  const claims: Claim[] = [
    { field: 'workspaceId', entity: 'workspaces', id: workspaceId },
    { field: 'siteId', entity: 'sites', id: p.siteId },
    { field: 'scopeId', entity: 'atp_scope_master', id: p.scopeId },
  ];
  if (p.vendorId) claims.push({ field: 'vendorId', entity: 'vendor_master', id: p.vendorId });
  return claims;
}

export function submissionSubmittedClaims(p: SubmissionSubmittedPayloadV1): Claim[] {
  const v = p.pinnedConfigVersions;
  return [
    {
      field: 'pinnedConfigVersions.approvalMatrix',
      entity: 'config_versions',
      id: v.approvalMatrix,
      sourceType: 'APPROVAL_MATRIX',
    },
    {
      field: 'pinnedConfigVersions.clusterMapping',
      entity: 'config_versions',
      id: v.clusterMapping,
      sourceType: 'CLUSTER_MAPPING',
    },
    {
      field: 'pinnedConfigVersions.scopeConfig',
      entity: 'config_versions',
      id: v.scopeConfig,
      sourceType: 'SCOPE_CONFIG',
    },
  ];
}

/**
 * Compensating validation of submission claims (architecture §5.3) and the submission side of cross-service
 * RESTRICT (§5.4): the site, scope and vendor a submission was created with, and the versions each attempt pins,
 * are checked here (a refusal publishes `reference.rejected`; submission-service marks it INVALID_REFERENCE), and
 * recorded as pins until the submission COMPLETES.
 */
@Controller()
export class SubmissionClaimsConsumer {
  constructor(
    private readonly checker: ClaimChecker,
    private readonly rejections: ClaimRejections,
    private readonly pins: SubmissionPinsRepository,
  ) {}

  @EventPattern(SubmissionCreatedV1.eventType, { consumer: SUBMISSION_CLAIMS_CONSUMER })
  async onCreated(
    @Payload() event: ConsumedEvent<SubmissionCreatedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    if (!envelope.workspaceId) return;
    await this.pins.pinSite(
      inbox.manager,
      envelope.payload.submissionId,
      envelope.workspaceId,
      envelope.payload.siteId,
    );
    await this.verify(inbox, envelope, submissionCreatedClaims(envelope.workspaceId, envelope.payload));
  }

  @EventPattern(SubmissionSubmittedV1.eventType, { consumer: SUBMISSION_CLAIMS_CONSUMER })
  async onSubmitted(
    @Payload() event: ConsumedEvent<SubmissionSubmittedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { envelope } = event;
    if (!envelope.workspaceId) return;
    const v = envelope.payload.pinnedConfigVersions;
    await this.pins.pinVersions(inbox.manager, envelope.payload.submissionId, envelope.workspaceId, [
      v.approvalMatrix,
      v.clusterMapping,
      v.scopeConfig,
    ]);
    await this.verify(inbox, envelope, submissionSubmittedClaims(envelope.payload));
  }

  @EventPattern(SubmissionStatusChangedV1.eventType, { consumer: SUBMISSION_CLAIMS_CONSUMER })
  async onStatusChanged(
    @Payload() event: ConsumedEvent<SubmissionStatusChangedPayloadV1>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    if (event.envelope.payload.toStatus === 'COMPLETED')
      await this.pins.close(inbox.manager, event.envelope.payload.submissionId);
  }

  private async verify(
    inbox: InboxContext,
    envelope: ConsumedEvent<{ submissionId: string }>['envelope'],
    claims: Claim[],
  ): Promise<void> {
    const workspaceId = envelope.workspaceId as string;
    const refused = await this.checker.check(inbox.manager, workspaceId, claims);
    const source = {
      claimantService: 'submission-service',
      aggregateType: 'submission' as const,
      aggregateId: envelope.payload.submissionId,
      claim: envelope,
    };
    await this.rejections.publish(inbox.manager, source, refused);
  }
}

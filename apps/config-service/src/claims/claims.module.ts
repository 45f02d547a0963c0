import { Module } from '@nestjs/common';
import { ClaimChecker } from './claim-checker';
import { ClaimRejections } from './claim-rejections';
import { SubmissionClaimsConsumer } from './submission-claims.consumer';
import { SubmissionPinsRepository } from './submission-pins.repository';
import { WorkflowClaimsConsumer } from './workflow-claims.consumer';

@Module({
  controllers: [WorkflowClaimsConsumer, SubmissionClaimsConsumer],
  providers: [ClaimChecker, ClaimRejections, SubmissionPinsRepository],
  exports: [SubmissionPinsRepository],
})
export class ClaimsModule {}

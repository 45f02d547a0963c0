import { Module } from '@nestjs/common';
import { SubmissionsModule } from '../submissions/submissions.module';
import { ReferenceRejectedConsumer } from './reference-rejected.consumer';
import { SubmissionClaimsConsumer } from './submission-claims.consumer';

/** Compensation of refused references and validation of the claims about submissions (architecture §5.3). */
@Module({ imports: [SubmissionsModule], controllers: [ReferenceRejectedConsumer, SubmissionClaimsConsumer] })
export class ReferenceRejectionsModule {}

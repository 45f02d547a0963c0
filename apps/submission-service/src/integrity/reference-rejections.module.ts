import { Module } from '@nestjs/common';
import { SubmissionsModule } from '../submissions/submissions.module';
import { ReferenceRejectedConsumer } from './reference-rejected.consumer';

/** Compensation of refused references (architecture §5.3). */
@Module({ imports: [SubmissionsModule], controllers: [ReferenceRejectedConsumer] })
export class ReferenceRejectionsModule {}

import { Module } from '@nestjs/common';
import { ReferenceRejectedConsumer } from './reference-rejected.consumer';

/** Compensation of refused references about punchlists (architecture §5.3). */
@Module({ controllers: [ReferenceRejectedConsumer] })
export class ReferenceRejectionsModule {}

import { Module } from '@nestjs/common';
import { ReferenceRejectedConsumer } from './reference-rejected.consumer';

/** Compensation of refused references (architecture §5.3); uses the shared core providers. */
@Module({ controllers: [ReferenceRejectedConsumer] })
export class ReferenceRejectionsModule {}

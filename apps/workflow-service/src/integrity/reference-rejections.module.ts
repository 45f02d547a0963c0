import { Module } from '@nestjs/common';
import { PunchlistClaimsConsumer } from './punchlist-claims.consumer';
import { ReferenceRejectedConsumer } from './reference-rejected.consumer';

/**
 * Compensating validation (architecture §5.3): the compensation of refused references about workflows, and the
 * validation of the claims punchlist-service makes about workflows and stages. Uses the shared core providers.
 */
@Module({ controllers: [ReferenceRejectedConsumer, PunchlistClaimsConsumer] })
export class ReferenceRejectionsModule {}

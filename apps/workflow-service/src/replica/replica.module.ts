import { Module } from '@nestjs/common';
import { ConfigSnapshotConsumer } from './config-snapshot.consumer';
import { DeactivatedApproverReassigner } from '../integrity/deactivated-approver';
import { ReferenceConsumer } from './reference.consumer';

@Module({ controllers: [ConfigSnapshotConsumer, ReferenceConsumer], providers: [DeactivatedApproverReassigner] })
export class ReplicaModule {}

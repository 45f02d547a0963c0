import { Module } from '@nestjs/common';
import { ConfigSnapshotConsumer } from './config-snapshot.consumer';
import { ReferenceConsumer } from './reference.consumer';

@Module({ providers: [ConfigSnapshotConsumer, ReferenceConsumer] })
export class ReplicaModule {}

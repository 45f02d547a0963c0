import { Module } from '@nestjs/common';
import { ConfigSnapshotConsumer } from './config-snapshot.consumer';
import { ReferenceConsumer } from './reference.consumer';

@Module({ controllers: [ConfigSnapshotConsumer, ReferenceConsumer] })
export class ReplicaModule {}

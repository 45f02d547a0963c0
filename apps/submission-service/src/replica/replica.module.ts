import { Global, Module } from '@nestjs/common';
import { ConfigSnapshotConsumer } from './config-snapshot.consumer';
import { ReferenceConsumer } from './reference.consumer';
import { ReferenceLookup } from './reference-lookup';
import { ReplicaRepository } from './replica.repository';

@Global()
@Module({
  providers: [ReplicaRepository, ReferenceLookup, ConfigSnapshotConsumer, ReferenceConsumer],
  exports: [ReferenceLookup],
})
export class ReplicaModule {}

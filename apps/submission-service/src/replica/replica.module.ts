import { Global, Module } from '@nestjs/common';
import { ConfigSnapshotConsumer } from './config-snapshot.consumer';
import { ReferenceConsumer } from './reference.consumer';
import { ReferenceLookup } from './reference-lookup';
import { ReplicaRepository } from './replica.repository';

@Global()
@Module({
  controllers: [ConfigSnapshotConsumer, ReferenceConsumer],
  providers: [ReplicaRepository, ReferenceLookup],
  exports: [ReferenceLookup],
})
export class ReplicaModule {}

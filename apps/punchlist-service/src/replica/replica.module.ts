import { Module } from '@nestjs/common';
import { ReferenceConsumer } from './reference.consumer';
import { MemberReplica } from './member-replica';

@Module({ controllers: [ReferenceConsumer], providers: [MemberReplica], exports: [MemberReplica] })
export class ReplicaModule {}

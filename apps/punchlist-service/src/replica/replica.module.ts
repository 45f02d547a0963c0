import { Module } from '@nestjs/common';
import { ReferenceConsumer } from './reference.consumer';
import { MemberReplica } from './member-replica';

@Module({ providers: [ReferenceConsumer, MemberReplica], exports: [MemberReplica] })
export class ReplicaModule {}

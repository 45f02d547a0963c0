import { IntegrityModule } from '@atp/platform-integrity';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, authSettingsFrom } from '@atp/platform-auth';
import { PlatformModule } from '@atp/platform-runtime';
import type { AppEnv } from './config/env';
import { migrations } from './database/migrations';
import { PunchlistCoreModule } from './punchlists/punchlist-core.module';
import { ReplicaModule } from './replica/replica.module';
import { MemberReplica } from './replica/member-replica';
import { CreationModule } from './creation/creation.module';
import { ItemsModule } from './items/items.module';
import { QueriesModule } from './queries/queries.module';
import { StallModule } from './stall/stall.module';
import { ReferenceRejectionsModule } from './integrity/reference-rejections.module';

@Module({})
export class AppModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({ env, migrations, entities: [] }),
        IntegrityModule.forService('punchlist'),
        AuthModule.forService({ settings: authSettingsFrom(env), membership: MemberReplica }),
        PunchlistCoreModule,
        ReplicaModule,
        CreationModule,
        ItemsModule,
        QueriesModule,
        StallModule,
        ReferenceRejectionsModule,
      ],
    };
  }
}

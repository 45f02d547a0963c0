import { IntegrityModule } from '@atp/platform-integrity';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, authSettingsFrom } from '@atp/platform-auth';
import { PlatformModule } from '@atp/platform-runtime';
import type { AppEnv } from './config/env';
import { migrations } from './database/migrations';
import { ReplicaMembershipSource } from './replica/replica-membership.source';
import { ReplicaModule } from './replica/replica.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { ProjectionModule } from './projection/projection.module';
import { ReferenceRejectionsModule } from './integrity/reference-rejections.module';
import { BulkModule } from './bulk/bulk.module';
import { SweeperModule } from './sweeper/sweeper.module';

@Module({})
export class AppModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({ env, migrations, entities: [] }),
        IntegrityModule.forService('submission'),
        AuthModule.forService({ settings: authSettingsFrom(env), membership: ReplicaMembershipSource }),
        ReplicaModule,
        SubmissionsModule,
        ProjectionModule,
        ReferenceRejectionsModule,
        BulkModule,
        SweeperModule,
      ],
    };
  }
}

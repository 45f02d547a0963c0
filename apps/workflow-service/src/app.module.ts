import { IntegrityModule } from '@atp/platform-integrity';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, authSettingsFrom } from '@atp/platform-auth';
import { PlatformModule } from '@atp/platform-runtime';
import type { AppEnv } from './config/env';
import { migrations } from './database/migrations';
import { WorkflowCoreModule } from './workflow/workflow-core.module';
import { ReplicaModule } from './replica/replica.module';
import { ReplicaMembershipSource } from './replica/replica-membership.source';
import { StartModule } from './start/start.module';
import { DecisionsModule } from './decisions/decisions.module';
import { SlaModule } from './sla/sla.module';
import { QueriesModule } from './queries/queries.module';
import { OverridesModule } from './overrides/overrides.module';
import { AdminModule } from './admin/admin.module';
import { PinsModule } from './pins/pins.module';
import { ReferenceRejectionsModule } from './integrity/reference-rejections.module';

@Module({})
export class AppModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({ env, migrations, entities: [] }),
        IntegrityModule.forService('workflow'),
        AuthModule.forService({ settings: authSettingsFrom(env), membership: ReplicaMembershipSource }),
        WorkflowCoreModule,
        ReplicaModule,
        OverridesModule,
        StartModule,
        DecisionsModule,
        SlaModule,
        QueriesModule,
        AdminModule,
        PinsModule,
        ReferenceRejectionsModule,
      ],
    };
  }
}

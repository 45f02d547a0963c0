import { IntegrityModule } from '@atp/platform-integrity';
import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule, authSettingsFrom } from '@atp/platform-auth';
import { PlatformModule } from '@atp/platform-runtime';
import type { AppEnv } from './config/env';
import { ClaimsModule } from './claims/claims.module';
import { ConfigVersionsModule } from './config-versions/config-versions.module';
import { migrations } from './database/migrations';
import { DirectoryModule } from './directory/directory.module';
import { WorkspaceMembershipSource } from './directory/workspace-membership.source';
import { PinsModule } from './pins/pins.module';
import { RoutingContextCacheModule } from './routing/routing-context.cache';
import { RoutingModule } from './routing/routing.module';

@Module({})
export class AppModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService({ env, migrations, entities: [] }),
        IntegrityModule.forService('config'),
        AuthModule.forService({ settings: authSettingsFrom(env), membership: WorkspaceMembershipSource }),
        DirectoryModule,
        ConfigVersionsModule,
        RoutingModule,
        PinsModule,
        ClaimsModule,
        RoutingContextCacheModule,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@atp/platform-runtime';
import type { AppEnv } from './config/env';
import { migrations } from './database/migrations';
import { ProxyModule } from './proxy/proxy.module';

@Module({})
export class AppModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService({ env, migrations, entities: [] }), ProxyModule],
    };
  }
}

import { Module } from '@nestjs/common';
import { authSettingsFrom, TokenVerifier } from '@atp/platform-auth';
import { SERVICE_ENV } from '@atp/platform-runtime';
import type { AppEnv } from '../config/env';
import { ProxyService } from './proxy.service';

@Module({
  providers: [
    ProxyService,
    {
      provide: TokenVerifier,
      inject: [SERVICE_ENV],
      useFactory: (env: AppEnv) => new TokenVerifier(authSettingsFrom(env)),
    },
  ],
})
export class ProxyModule {}

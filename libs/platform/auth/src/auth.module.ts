import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import type { AuthSettings } from './auth-env';
import { MembershipSource } from './membership-source';
import { TenantScopeInterceptor } from './tenant-scope.interceptor';
import { TokenVerifier } from './token-verifier';

export interface AuthModuleOptions {
  settings: AuthSettings;
  /** The service's source of workspace memberships (own table or replica). */
  membership: Type<MembershipSource>;
}

/**
 * Installs the access guard globally (every route of the application goes through it), and the tenant
 * scope of workspace routes for row-level security.
 */
@Module({})
export class AuthModule {
  static forService(options: AuthModuleOptions): DynamicModule {
    return {
      global: true,
      module: AuthModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(options.settings) },
        { provide: MembershipSource, useClass: options.membership },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: TenantScopeInterceptor },
      ],
      exports: [TokenVerifier, MembershipSource],
    };
  }
}

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { runInWorkspace } from '@atp/platform-database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs a request on `/workspaces/:workspaceId/…` in that workspace's tenant scope (row-level security,
 * `@atp/platform-database` tenant-scope.ts). It runs after the access guard, so the scope is a workspace
 * the caller was verified to belong to. Routes without a workspace run unscoped: tenant tables show them
 * nothing. `next.handle()` is called inside the scope: Nest binds the handler to the async context of
 * that call.
 */
@Injectable()
export class TenantScopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const workspaceId = context.switchToHttp().getRequest<{ params?: Record<string, string | undefined> }>()
      .params?.workspaceId;
    if (!workspaceId || !UUID.test(workspaceId)) return next.handle();
    return runInWorkspace(workspaceId, () => next.handle());
  }
}

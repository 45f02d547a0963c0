import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Names the route pattern of the HTTP request being served (`/api/v1/workspaces/:workspaceId/...`), so that the HTTP
 * instrumentation's server span gets `http.route` and is named `GET <route>` when it ends: the instrumentation
 * leaves the route to the framework, and only the Express one set it. Does nothing when tracing is off.
 */
export function recordServerRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

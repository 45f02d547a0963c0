import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import cors, { type CorsOptions } from 'cors';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  assignCorrelationId,
  hasNulCharacter,
  problemAnswerFor,
  refuseNulCharacter,
  sendProblem,
} from '@atp/platform-http';
import { httpExchangeObserver, METRICS_REGISTRY, ROOT_LOGGER } from '@atp/platform-runtime';
import { ProxyService } from './proxy.service';

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/** The public API's paths: everything the gateway forwards. Its own routes (health, metrics, docs) are not. */
const API_PATH = /^\/api\/v1(\/|\?|$)/;
/** The metrics label of every forwarded request (the services label their own by route pattern). */
const API_ROUTE = '/api/v1/*path';

export interface ApiEdgeOptions {
  /** Security headers of every API answer (helmet). */
  securityHeaders: Middleware;
  /** CORS for the origins the deployment names, if any. */
  cors?: CorsOptions;
}

/**
 * The gateway's hot path: every /api/v1 request goes from Node's HTTP server straight to the proxy, with the edge
 * conventions of every service (metrics and the access line, the correlation id, NUL refusal, problem+json) and the
 * gateway's own (security headers, CORS), but not through the framework (Fastify) and Nest's router, guards, pipes and
 * interceptors. A forwarded request needs none of them: the proxy verifies the token itself and the service checks
 * the rest. On this machine that stack (on Express then) cost the gateway about four times the CPU of a bare Node
 * proxy hop per request (issue 14). Nest keeps serving the gateway's own routes: the requests handed on go to the
 * listener Fastify put on the server.
 */
export function installApiEdge(app: INestApplication, options: ApiEdgeOptions): void {
  const server = app.getHttpServer() as Server;
  const framework = server.listeners('request') as RequestListener[];
  const proxy = app.get(ProxyService);
  const observe = httpExchangeObserver(app.get<Registry>(METRICS_REGISTRY), app.get<Logger>(ROOT_LOGGER));
  const corsHeaders = options.cors ? (cors(options.cors) as Middleware) : undefined;
  const fail = (request: IncomingMessage, response: ServerResponse) => (error: unknown) =>
    sendProblem(response, problemAnswerFor(error, request.url ?? ''));

  const forward = (request: IncomingMessage, response: ServerResponse): void =>
    void proxy.forward(request, response).catch(fail(request, response));
  const serveApi = (request: IncomingMessage, response: ServerResponse): void => {
    observe(request, response, () => API_ROUTE);
    assignCorrelationId(request, response);
    if (hasNulCharacter(request.url ?? '')) return refuseNulCharacter(request, response);
    options.securityHeaders(request, response, (error) => {
      if (error) return fail(request, response)(error);
      if (!corsHeaders) return forward(request, response);
      // A preflight is answered by `cors` itself; it calls on only for the request proper.
      corsHeaders(request, response, (corsError) =>
        corsError ? fail(request, response)(corsError) : forward(request, response),
      );
    });
  };

  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (API_PATH.test(request.url ?? '')) serveApi(request, response);
    else for (const listener of framework) listener.call(server, request, response);
  });
}

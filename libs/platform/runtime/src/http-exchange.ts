import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { recordServerRoute } from '@atp/platform-tracing';
import { Counter, Histogram, type Registry } from 'prom-client';

export const HTTP_REQUESTS_TOTAL = 'atp_http_requests_total';
export const HTTP_REQUEST_SECONDS = 'atp_http_request_duration_seconds';

type Labels = 'method' | 'route' | 'status';

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Probes and scrapes would drown the golden signals and the log; they have their own (kubelet, `up`). */
const UNOBSERVED = /^\/(health|metrics)(\/|$|\?)/;

/** Measures and logs one HTTP exchange; `routeOf` is read once it is over (the matched route pattern, if any). */
export type ObserveExchange = (
  request: IncomingMessage,
  response: ServerResponse,
  routeOf: () => string | undefined,
) => void;

/**
 * Rate, errors and duration of every HTTP request (the golden signals of the dashboard and alerts in k8s/), and its
 * access line in the log, from one listener per request. `route` is the matched route pattern, never the raw path
 * (ids would make a series per resource); a request no route matched is `unmatched`. The line carries the
 * correlation id (set on the request as `id` by the correlation middleware); an answer that never finished (the
 * client left) is logged, not counted.
 */
export function httpExchangeObserver(registry: Registry, logger: Logger): ObserveExchange {
  const requests = getOrCreate(
    registry,
    HTTP_REQUESTS_TOTAL,
    () =>
      new Counter<Labels>({
        name: HTTP_REQUESTS_TOTAL,
        help: 'HTTP requests answered, by method, route pattern and status code',
        labelNames: ['method', 'route', 'status'],
        registers: [registry],
      }),
  );
  const seconds = getOrCreate(
    registry,
    HTTP_REQUEST_SECONDS,
    () =>
      new Histogram<Labels>({
        name: HTTP_REQUEST_SECONDS,
        help: 'Time from receiving a request to finishing its response',
        labelNames: ['method', 'route', 'status'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  return (request, response, routeOf) => {
    const url = request.url ?? '';
    if (UNOBSERVED.test(url)) return;
    const started = process.hrtime.bigint();
    response.once('close', () => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      const id = (request as { id?: string }).id;
      const entry = { correlationId: id, req: { id, method: request.method, url }, responseTime: elapsed * 1000 };
      if (!response.writableFinished) {
        logger.warn(entry, 'request aborted');
        return;
      }
      const status = response.statusCode;
      const labels = { method: request.method ?? '', route: routeOf() ?? 'unmatched', status: String(status) };
      requests.inc(labels);
      seconds.observe(labels, elapsed);
      const answered = { ...entry, res: { statusCode: status } };
      if (status >= 500) logger.error(answered, 'request errored');
      else logger.info(answered, 'request completed');
    });
  };
}

/** `httpExchangeObserver` for a Fastify app, as part of its first request hook (the route pattern is Fastify's). */
export function observeFastifyExchange(observe: ObserveExchange, request: FastifyRequest, reply: FastifyReply): void {
  const route = request.is404 ? undefined : request.routeOptions.url;
  if (route) recordServerRoute(route);
  observe(request.raw, reply.raw, () => route);
}

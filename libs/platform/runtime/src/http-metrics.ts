import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

export const HTTP_REQUESTS_TOTAL = 'atp_http_requests_total';
export const HTTP_REQUEST_SECONDS = 'atp_http_request_duration_seconds';

type Labels = 'method' | 'route' | 'status';

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Probes and scrapes would drown the golden signals; they have their own (kubelet, `up`). */
const UNMEASURED = /^\/(health|metrics)(\/|$|\?)/;

/**
 * Rate, errors and duration of every HTTP request (the golden signals of the dashboard and alerts in k8s/).
 * `route` is the matched route pattern, never the raw path (ids would make a series per resource); a
 * request no route matched is `unmatched`.
 */
export function httpMetricsMiddleware(
  registry: Registry,
): (request: Request, response: Response, next: NextFunction) => void {
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
  return (request, response, next) => {
    if (UNMEASURED.test(request.originalUrl)) return next();
    const stop = seconds.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      const labels = {
        method: request.method,
        route: route ? `${request.baseUrl}${route}` : 'unmatched',
        status: String(response.statusCode),
      };
      requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
